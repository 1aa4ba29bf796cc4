/** @odoo-module **/
import { registry } from "@web/core/registry";

// Approves a document revision in review through the signing dialog (login
// and password: first signature of the session, 21 CFR 11.200(a)(1)); the
// last required signature approves it and, without a later effective date,
// makes it effective (ISO 13485 4.2.4).
registry.category("web_tour.tours").add("md_document_sign_tour", {
    steps: () => [
        {
            content: "The revision is in review",
            trigger: ".o_statusbar_status .o_arrow_button_current:contains(In Review)",
        },
        {
            content: "Open the signing dialog",
            trigger: ".o_form_view .o_form_statusbar button[name=action_md_sign]",
            run: "click",
        },
        {
            trigger: ".modal .o_field_widget[name=meaning_id] input",
            run: "edit Approved",
        },
        {
            trigger: ".modal .o_field_widget[name=meaning_id] .o-autocomplete--dropdown-menu li a:contains(Approved)",
            run: "click",
        },
        {
            content: "The meaning's statement is shown once chosen",
            trigger: ".modal .o_field_widget[name=meaning_description]:contains(I approve this record for use)",
        },
        {
            trigger: ".modal .o_field_widget[name=reason] textarea",
            run: "edit Procedure adequate for release",
        },
        {
            content: "First signature of the session: the login is asked",
            trigger: ".modal .o_field_widget[name=login] input",
            run: "edit md_doc_tour_approver",
        },
        {
            trigger: ".modal .o_field_widget[name=password] input",
            run: "edit md_doc_tour_approver-Pw1!",
        },
        {
            trigger: ".modal .o_field_widget[name=reason] textarea:value(Procedure adequate for release)",
        },
        {
            trigger: ".modal .modal-footer button[name=action_sign]",
            run: "click",
        },
        {
            trigger: "body:not(:has(.modal))",
        },
        {
            content: "The approval signature made the revision effective",
            trigger: ".o_statusbar_status .o_arrow_button_current:contains(Effective)",
        },
        {
            trigger: ".o_notebook .nav-link:contains(Signatures)",
            run: "click",
        },
        {
            content: "Both signatures are manifested with name and meaning",
            trigger: ".o_md_signature_list tr:has(td:contains(Approved)):has(td:contains(Md Doc Tour Approver))",
        },
        {
            trigger: ".o_md_signature_list tr:has(td:contains(Reviewed)):has(td:contains(Md Doc Reviewer))",
        },
    ],
});
