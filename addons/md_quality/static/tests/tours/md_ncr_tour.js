/** @odoo-module **/
import { registry } from "@web/core/registry";

// Nonconforming incoming material in the browser (ISO 13485 7.4.3, 8.3, 8.5.2): the inspector
// validates the receipt, the incoming inspection (IQC) fails on the inspector's signature, a
// nonconformance report opens with the lot held as rejected, and a corrective action (CAPA)
// is opened from it.

registry.category("web_tour.tours").add("md_ncr_receive_iqc_capa_tour", {
    steps: () => [
        {
            content: "Validate the receipt of the tubing lot",
            trigger: ".o_form_view .o_statusbar_buttons button[name=button_validate]",
            run: "click",
        },
        {
            trigger: ".o_statusbar_status .o_arrow_button_current:contains(Done)",
        },
        {
            content: "The receipt created its incoming inspection (the lot is in quarantine)",
            trigger: ".o_form_view .oe_stat_button:contains(Inspections)",
            run: "click",
        },
        {
            content: "Open the result of the visual check",
            trigger: ".o_form_view .o_field_widget[name=line_ids] .o_data_row:contains(Wall thickness) td.o_data_cell",
            run: "click",
        },
        {
            content: "The check fails",
            trigger: ".modal .o_field_widget[name=check_result] input[data-value=fail]",
            run: "click",
        },
        {
            trigger: ".modal .o_field_widget[name=defect_units] input",
        },
        {
            trigger: ".modal .o_form_button_save",
            run: "click",
        },
        {
            trigger: "body:not(:has(.modal))",
        },
        {
            content: "Sign the results as verified: the signature decides the inspection",
            trigger: ".o_form_view .o_form_statusbar button[name=action_md_sign]",
            run: "click",
        },
        {
            trigger: ".modal .o_field_widget[name=reason] textarea",
            run: "edit IQC: wall thickness below specification",
        },
        {
            content: "First signature of the session: login and password (21 CFR 11.200)",
            trigger: ".modal .o_field_widget[name=login] input",
            run: "edit ncr_inspector",
        },
        {
            trigger: ".modal .o_field_widget[name=password] input",
            run: "edit ncr_inspector-Pw1!",
        },
        {
            trigger: ".modal .modal-footer button[name=action_sign]",
            run: "click",
        },
        {
            trigger: "body:not(:has(.modal))",
        },
        {
            trigger: ".o_statusbar_status .o_arrow_button_current:contains(Failed)",
        },
        {
            content: "The failed inspection opened a nonconformance report",
            trigger: ".o_form_view .oe_stat_button[name=action_md_open_ncrs]",
            run: "click",
        },
        {
            content: "The NCR is in containment: its lot is held as rejected",
            trigger: ".o_form_view .o_statusbar_status .o_arrow_button_current:contains(Containment)",
        },
        {
            trigger: ".o_form_view .oe_stat_button[name=action_open_holds]:contains(1)",
        },
        {
            content: "Open a corrective action on the cause",
            trigger: ".o_form_view .o_statusbar_buttons button[name=action_create_capa]",
            run: "click",
        },
        {
            content: "The CAPA names the nonconformance it addresses",
            trigger: ".o_form_view .o_field_widget[name=ncr_ids] .o_tag:contains(NCR/)",
        },
    ],
});
