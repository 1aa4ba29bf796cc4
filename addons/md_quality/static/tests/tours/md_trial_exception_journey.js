/** @odoo-module **/
import { registry } from "@web/core/registry";
import { clickHeaderButton, clickStatButton, interfaceInChinese } from "@md_base/../tests/tours/md_tour_utils";
import {
    enterValue,
    openInspectionOfLot,
    recordCheck,
    signAsVerified,
} from "@md_quality/../tests/tours/md_trial_arrival_journey";

// Pilot journey 2, a quality exception (质量异常), walked in Simplified Chinese on a desktop or a
// phone. The inspector measures one outer diameter out of its limits and finds particles on the
// surface of lot KD250809, and signs: the inspection fails and opens a nonconformance report with
// the lot held as rejected (ISO 13485 8.3). The quality manager opens the NCR from the list and a
// corrective action (CAPA) from it (8.5.2). Buttons are named by their method, states by value.
const LOT = "KD250809";

registry.category("web_tour.tours").add("md_trial_exception_inspection", {
    steps: () => [
        ...openInspectionOfLot(LOT),
        ...enterValue(0, "3.02"),
        ...enterValue(1, "3.25"),
        ...enterValue(2, "3.01"),
        {
            trigger: ".o_form_button_save",
            run: "click",
        },
        {
            trigger: ".o_form_saved",
        },
        {
            content: "The value out of the limits 2.90 – 3.10 shows in red",
            trigger: ".o_field_widget[name=measurement_ids] .o_data_row.text-danger td[name=value_entry]:contains(3.25)",
        },
        ...recordCheck("表面无颗粒", "fail"),
        {
            content: "One sampled unit with particles",
            trigger: ".modal .o_field_widget[name=defect_units] input",
            run: "edit 1",
        },
        {
            trigger: ".modal .o_form_button_save",
            run: "click",
        },
        {
            trigger: "body:not(:has(.modal))",
        },
        {
            trigger: ".o_form_button_save",
            run: "click",
        },
        {
            trigger: ".o_form_saved",
        },
        ...signAsVerified("外径超差，表面有颗粒", "qc.li"),
        {
            content: "The signature decided: failed",
            trigger: ".o_statusbar_status .o_arrow_button_current[data-value=failed]",
        },
        ...clickStatButton("action_md_open_ncrs", "The failed inspection opened a nonconformance report"),
        {
            content: "The NCR is in containment",
            trigger: ".o_form_view .o_statusbar_status .o_arrow_button_current[data-value=containment]",
        },
        {
            content: `Lot ${LOT} is on the NCR`,
            trigger: `.o_form_view .o_field_widget[name=lot_ids]:contains(${LOT})`,
        },
    ],
});

registry.category("web_tour.tours").add("md_trial_exception_capa", {
    steps: () => [
        {
            content: `The open nonconformances list the NCR of lot ${LOT}`,
            trigger: `.o_data_row:contains(${LOT}) td.o_data_cell, .o_kanban_record:contains(${LOT})`,
            run: "click",
        },
        ...interfaceInChinese(),
        {
            trigger: ".o_form_view .o_statusbar_status .o_arrow_button_current[data-value=containment]",
        },
        ...clickStatButton("action_open_holds", "The lot is held: open its hold"),
        {
            content: `The hold of lot ${LOT} is active`,
            trigger: `.o_form_view:has(.o_field_widget[name=lot_id]:contains(${LOT})) .o_statusbar_status .o_arrow_button_current[data-value=active]`,
        },
        {
            content: "Back to the NCR",
            trigger: ".o_breadcrumb .o_back_button",
            run: "click",
        },
        {
            trigger: ".o_form_view .o_statusbar_status .o_arrow_button_current[data-value=containment]",
        },
        ...clickHeaderButton("action_create_capa", "Open a corrective action on the cause"),
        {
            content: "The CAPA names the nonconformance it addresses",
            trigger: ".o_form_view .o_field_widget[name=ncr_ids] .o_tag",
        },
        ...interfaceInChinese(),
    ],
});
