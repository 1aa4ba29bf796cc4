/** @odoo-module **/
import { registry } from "@web/core/registry";
import { clickHeaderButton, interfaceInChinese } from "@md_base/../tests/tours/md_tour_utils";

// Pilot journey 4, a recall case (召回), walked by the regulatory officer in Simplified Chinese on
// a desktop or a phone: the scope of the recalled lot is computed, the recall started (its lots go
// on hold), and the consignee's notification by telephone and its acknowledgement are recorded
// with who was reached (医疗器械召回管理办法; 21 CFR 7.49). Closing is not offered while units are
// still in the field.
registry.category("web_tour.tours").add("md_trial_recall_journey", {
    steps: () => [
        ...interfaceInChinese(),
        ...clickHeaderButton("action_compute_scope", "Compute the scope of the recalled lot"),
        {
            content: "The consignee who received the lot is in the scope",
            trigger: ".o_notebook .nav-link[name=customers]",
            run: "click",
        },
        {
            trigger: ".o_field_widget[name=customer_line_ids] .o_data_row:contains(TRIAL-RCL-1)",
        },
        ...clickHeaderButton("action_start", "Start the recall"),
        {
            content: "Confirm: the lots in scope go on hold",
            trigger: ".modal-footer .btn-primary",
            run: "click",
        },
        {
            content: "Record the telephone notification of the consignee",
            trigger: ".o_field_widget[name=customer_line_ids] .o_data_row button[name=action_record_notification]",
            run: "click",
        },
        {
            trigger: ".modal .o_field_widget[name=contact] input",
            run: "edit 设备科 张主任",
        },
        {
            trigger: ".modal .o_field_widget[name=reference] input",
            run: "edit 电话记录 2026-001",
        },
        {
            trigger: ".modal-footer button[name=action_record]",
            run: "click",
        },
        {
            trigger: "body:not(:has(.modal))",
        },
        {
            content: "The consignee acknowledges the notice",
            trigger: ".o_field_widget[name=customer_line_ids] .o_data_row button[name=action_acknowledge]",
            run: "click",
        },
        {
            trigger: ".modal .o_field_widget[name=contact] input",
            run: "edit 设备科 张主任",
        },
        {
            trigger: ".modal .o_field_widget[name=qty_on_hand] input",
            run: "edit 4",
        },
        {
            trigger: ".modal-footer button[name=action_record]",
            run: "click",
        },
        {
            trigger: "body:not(:has(.modal))",
        },
        {
            content: "Units still in the field: closing is not offered",
            trigger: ".o_form_view:not(:has(button[name=action_close]))",
        },
    ],
});
