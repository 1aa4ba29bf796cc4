/** @odoo-module **/
import { registry } from "@web/core/registry";

// A mock recall (drill): create it for a lot, compute the scope, see the customers
// it reaches and the time it took (ISO 13485 8.3.3, recall readiness).
registry.category("web_tour.tours").add("md_recall_tour", {
    steps: () => [
        {
            content: "Create a recall from the Recalls list",
            trigger: ".o_list_button_add",
            run: "click",
        },
        {
            trigger: ".o_field_widget[name=name] input",
            run: "edit Drill: tubing lot LOT-TOUR-RCL",
        },
        {
            content: "It is a mock recall",
            trigger: ".o_field_widget[name=is_mock] input",
            run: "click",
        },
        {
            content: "The form says that a drill places no holds and sends no emails",
            trigger: ".o_md_recall_mock_banner:contains(no stock is put on hold)",
        },
        {
            trigger: ".o_field_widget[name=lot_ids] input",
            run: "edit LOT-TOUR-RCL",
        },
        {
            trigger: ".o_field_widget[name=lot_ids] .o-autocomplete--dropdown-menu li a:contains(LOT-TOUR-RCL)",
            run: "click",
        },
        {
            trigger: ".o_field_widget[name=lot_ids] .o_tag:contains(LOT-TOUR-RCL)",
        },
        {
            trigger: ".o_form_button_save",
            run: "click",
        },
        {
            content: "Compute the scope",
            trigger: ".o_form_statusbar button[name=action_compute_scope]:contains(Compute Scope)",
            run: "click",
        },
        {
            content: "The customer who received the lot is listed",
            trigger: ".o_md_recall_customers .o_data_row:contains(Tour Hospital):contains(LOT-TOUR-RCL)",
        },
        {
            content: "The drill's time to a complete scope is shown",
            trigger: ".o_field_widget[name=scope_completed_at]:not(:empty)",
        },
        {
            trigger: ".o_field_widget.o_md_recall_drill_duration",
        },
    ],
});
