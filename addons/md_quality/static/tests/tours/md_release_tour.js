/** @odoo-module **/
import { registry } from "@web/core/registry";

// Batch release in the browser (ISO 13485 8.2.6): the operator produces the
// serial, the inspector signs the final inspection (FQC), another person, a QA
// release approver, signs the release of its device history record in the
// signing dialog (21 CFR 11.200: login and password), then the delivery passes.

function signDialog(meaning, reason, login) {
    return [
        {
            trigger: ".modal .o_field_widget[name=meaning_id] input",
            run: `edit ${meaning}`,
        },
        {
            trigger: `.modal .o_field_widget[name=meaning_id] .o-autocomplete--dropdown-menu li a:contains(${meaning})`,
            run: "click",
        },
        {
            trigger: ".modal .o_field_widget[name=reason] textarea",
            run: `edit ${reason}`,
        },
        {
            content: "First signature of the session: login and password",
            trigger: ".modal .o_field_widget[name=login] input",
            run: `edit ${login}`,
        },
        {
            trigger: ".modal .o_field_widget[name=password] input",
            run: `edit ${login}-Pw1!`,
        },
        {
            trigger: `.modal .o_field_widget[name=reason] textarea:value(${reason})`,
        },
        {
            trigger: ".modal .modal-footer button[name=action_sign]",
            run: "click",
        },
        {
            trigger: "body:not(:has(.modal))",
        },
    ];
}

registry.category("web_tour.tours").add("md_release_produce_tour", {
    steps: () => [
        {
            content: "Produce the serial",
            trigger: ".o_form_view .o_statusbar_buttons button[name=button_mark_done]",
            run: "click",
        },
        {
            trigger: ".o_statusbar_status .o_arrow_button_current:contains(Done)",
        },
    ],
});

registry.category("web_tour.tours").add("md_release_fqc_tour", {
    steps: () => [
        {
            content: "Sign the final inspection",
            trigger: ".o_form_view .o_form_statusbar button[name=action_md_sign]",
            run: "click",
        },
        ...signDialog("Verified", "FQC: seal and flow conform", "md_rel_inspector"),
        {
            trigger: ".o_statusbar_status .o_arrow_button_current:contains(Passed)",
        },
    ],
});

registry.category("web_tour.tours").add("md_release_sign_tour", {
    steps: () => [
        {
            content: "The release queue shows the lot, nothing blocks it any more",
            trigger: ".o_kanban_record:contains(SN-TOUR-1):contains(Ready for release)",
            run: "click",
        },
        {
            trigger: ".o_form_view .o_form_statusbar button[name=action_release]",
            run: "click",
        },
        ...signDialog("Released", "DHR reviewed and complete", "md_rel_approver"),
        {
            trigger: ".o_form_view .o_statusbar_status .o_arrow_button_current:contains(Released)",
        },
        {
            trigger: ".o_notebook .nav-link:contains(Signatures)",
            run: "click",
        },
        {
            content: "The release signature is manifested (21 CFR 11.50)",
            trigger: ".o_md_signature_list tr:has(td:contains(Released)):has(td:contains(Md Rel Approver))",
        },
    ],
});

registry.category("web_tour.tours").add("md_release_deliver_tour", {
    steps: () => [
        {
            trigger: ".o_form_view .o_statusbar_buttons button[name=button_validate]",
            run: "click",
        },
        {
            trigger: ".o_statusbar_status .o_arrow_button_current:contains(Done)",
        },
    ],
});
