/** @odoo-module **/
import { registry } from "@web/core/registry";
import { clickHeaderButton, clickStatButton, interfaceInChinese } from "@md_base/../tests/tours/md_tour_utils";

// Pilot journey 3, a supplier change notice (供应商变更), walked by the quality manager in
// Simplified Chinese on a desktop or a phone, in two sittings (ISO 13485:2016 7.4.1, 7.4.2).
// First the assessment: once it starts, the supplier's approval of the component is pending
// re-qualification (the buyer cannot order it meanwhile); the change, the same resin grade from a
// second producer, is assessed as without effect on our devices. Then the decision: the quality
// manager, who did not record the notice, accepts it by e-signature (21 CFR 11.50, 11.200) and the
// approval is in force again.

/** The approval put back by the notice, opened from the notice's smart button. */
function openTheApprovalPutBack(content) {
    return [
        ...clickStatButton("action_view_approvals", content),
        {
            content: "The approval of the component",
            trigger: ".o_list_view .o_data_row:contains(医用级PVC管路) td.o_data_cell",
            run: "click",
        },
        {
            content: "The approval's form is open",
            trigger: ".o_form_view .o_field_widget[name=product_tmpl_id]",
        },
    ];
}

registry.category("web_tour.tours").add("md_trial_sqe_assessment_journey", {
    steps: () => [
        ...interfaceInChinese(),
        ...clickHeaderButton("action_start_assessment", "Start the assessment of the supplier's change"),
        {
            content: "The change does not affect our devices: same resin grade, equivalence data supplied",
            trigger: ".o_form_view .o_field_widget[name=affects_devices] input[data-value=no]",
            run: "click",
        },
        {
            trigger: ".o_form_view .o_field_widget[name=risk] select",
            run: 'select "low"',
        },
        {
            trigger: ".o_notebook .nav-link[name=assessment]",
            run: "click",
        },
        {
            trigger: ".o_form_view .o_field_widget[name=assessment] textarea",
            run: "edit 同牌号 SG-5 树脂，供应商提供了两家生产商的等效性数据和首批检验报告；不影响管路规格和生物相容性。",
        },
        {
            content: "Save the assessment",
            trigger: ".o_form_view .o_form_button_save",
            run: "click",
        },
        {
            trigger: ".o_form_view:not(:has(.o_form_status_indicator_buttons:not(.invisible)))",
        },
        ...openTheApprovalPutBack("The supplier's approval of the component was put back"),
        {
            content: "The approval is pending re-qualification while the notice is assessed",
            trigger: ".o_form_view .o_field_widget[name=supplier_change_ids] .o_tag:contains(SCN/)",
        },
    ],
});

registry.category("web_tour.tours").add("md_trial_sqe_decision_journey", {
    steps: () => [
        ...interfaceInChinese(),
        {
            content: "The assessment recorded: no effect on our devices",
            trigger: ".o_form_view .o_field_widget[name=affects_devices] input[data-value=no]:checked",
        },
        ...clickHeaderButton("action_accept", "Accept the change (signature meaning Approved)"),
        {
            trigger: ".modal .o_field_widget[name=reason] textarea",
            run: "edit 同牌号树脂，等效性数据充分，对我司器械无影响，接受变更。",
        },
        {
            content: "First signature of the session: login and password (21 CFR 11.200)",
            trigger: ".modal .o_field_widget[name=login] input",
            run: "edit qm.wang",
        },
        {
            trigger: ".modal .o_field_widget[name=password] input",
            run: "edit demo-qm.wang",
        },
        {
            trigger: ".modal .modal-footer button[name=action_sign]",
            run: "click",
        },
        {
            trigger: "body:not(:has(.modal))",
        },
        {
            content: "The signed decision is on the notice",
            trigger: ".o_notebook .nav-link[name=decision]",
            run: "click",
        },
        {
            trigger: ".o_form_view .o_field_widget[name=decision_by_id]:contains(王静)",
        },
        ...openTheApprovalPutBack("The supplier's approval of the component is restored"),
        {
            content: "The approval is in force again: no change notice holds it",
            trigger: ".o_form_view:not(:has(.o_field_widget[name=supplier_change_ids]))",
        },
    ],
});
