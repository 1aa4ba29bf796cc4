/** @odoo-module **/
import { registry } from "@web/core/registry";

// Signs a lot hold twice through the signing dialog: the first signature of
// the session asks for login and password, the second (same continuous
// session) for the password only (21 CFR 11.200(a)(1)); the "Released"
// signature releases the hold and both show on the form (11.50).
function sign(meaning, statement, reason, { login = null } = {}) {
    const steps = [
        {
            content: "Open the signing dialog",
            trigger: ".o_form_view .o_form_statusbar button[name=action_md_sign]",
            run: "click",
        },
        {
            trigger: ".modal .o_field_widget[name=meaning_id] input",
            run: `edit ${meaning}`,
        },
        {
            trigger: `.modal .o_field_widget[name=meaning_id] .o-autocomplete--dropdown-menu li a:contains(${meaning})`,
            run: "click",
        },
        {
            content: "The meaning's statement is shown once chosen",
            trigger: `.modal .o_field_widget[name=meaning_description]:contains(${statement})`,
        },
        {
            trigger: ".modal .o_field_widget[name=reason] textarea",
            run: `edit ${reason}`,
        },
    ];
    if (login) {
        steps.push({
            content: "First signature of the session: the login is asked",
            trigger: ".modal .o_field_widget[name=login] input",
            run: `edit ${login}`,
        });
    } else {
        steps.push({
            content: "Later signature in the same session: the password alone",
            trigger: ".modal:not(:has(.o_field_widget[name=login]))",
        });
    }
    steps.push(
        {
            trigger: ".modal .o_field_widget[name=password] input",
            run: "edit md_signer-Pw1!",
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
        }
    );
    return steps;
}

registry.category("web_tour.tours").add("md_sign_tour", {
    steps: () => [
        ...sign("Reviewed", "I reviewed this record", "Investigation closed", { login: "md_signer" }),
        ...sign("Released", "I authorise the release", "Lot retested and conforming"),
        {
            trigger: ".o_notebook .nav-link:contains(Signatures)",
            run: "click",
        },
        {
            content: "Both signatures are manifested with name, meaning and date",
            trigger: ".o_md_signature_list tr:has(td:contains(Released)):has(td:contains(Md Signer))",
        },
        {
            trigger: ".o_md_signature_list tr:has(td:contains(Reviewed)):has(td:contains(Md Signer))",
        },
        {
            content: "The released signature released the hold",
            trigger: ".o_statusbar_status .o_arrow_button_current:contains(Released)",
        },
    ],
});
