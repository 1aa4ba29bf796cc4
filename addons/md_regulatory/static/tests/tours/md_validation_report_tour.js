/** @odoo-module **/
import { registry } from "@web/core/registry";
import { rpc } from "@web/core/network/rpc";

// The computerised system validation report (ISO 13485:2016 4.1.6, 7.5.6;
// 21 CFR 11.10(a)): imported as a draft revision of its controlled document
// and submitted, then reviewed and approved by e-signature in the signing
// dialog, each by its own user (21 CFR 11.50, 11.200(a)(1)).
// The report file is the attachment "md_validation_tour_report.html" of the
// importing user (tests/test_validation_report.py).

async function uploadTourReport() {
    const [attachment] = await rpc("/web/dataset/call_kw/ir.attachment/search_read", {
        model: "ir.attachment",
        method: "search_read",
        args: [[["name", "=", "md_validation_tour_report.html"]], ["datas"]],
        kwargs: {},
    });
    const blob = await (await fetch(`data:text/html;base64,${attachment.datas}`)).blob();
    const transfer = new DataTransfer();
    transfer.items.add(new File([blob], "validation-report.html", { type: "text/html" }));
    const input = document.querySelector(".modal .o_field_widget[name=file] input[type=file]");
    input.files = transfer.files;
    input.dispatchEvent(new Event("change", { bubbles: true }));
}

registry.category("web_tour.tours").add("md_validation_report_import_tour", {
    steps: () => [
        {
            content: "Import the report from its controlled document",
            trigger: ".o_form_view .o_form_statusbar button:contains(Import Validation Report)",
            run: "click",
        },
        {
            content: "Choose the HTML report of the run",
            trigger: ".modal .o_field_widget[name=file]",
            run: uploadTourReport,
        },
        {
            content: "The run's figures are read from the report",
            trigger: ".modal .o_field_widget[name=result]:contains(Passed)",
        },
        {
            trigger: ".modal .o_field_widget[name=summary]:contains(requirements verified)",
        },
        {
            trigger: ".modal .modal-footer button[name=action_import]",
            run: "click",
        },
        {
            content: "A draft revision holds the report",
            trigger: ".o_statusbar_status .o_arrow_button_current:contains(Draft)",
        },
        {
            trigger: ".o_form_view .o_form_statusbar button[name=action_submit]",
            run: "click",
        },
        {
            trigger: ".o_statusbar_status .o_arrow_button_current:contains(In Review)",
        },
    ],
});

function signSteps(meaning, login, reason) {
    return [
        {
            trigger: ".o_statusbar_status .o_arrow_button_current:contains(In Review)",
        },
        {
            content: "The validation figures are on the revision",
            trigger: ".o_notebook .nav-link:contains(Validation Report)",
            run: "click",
        },
        {
            trigger: ".o_field_widget[name=validation_oq_result]:contains(Passed)",
        },
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
            trigger: ".modal .o_field_widget[name=reason] textarea",
            run: `edit ${reason}`,
        },
        {
            content: "First signature of the session: the login is asked",
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

registry.category("web_tour.tours").add("md_validation_report_review_tour", {
    steps: () => [
        ...signSteps("Reviewed", "md_doc_reviewer", "IQ OQ PQ evidence complete"),
        {
            content: "Reviewed, still waiting for the approval",
            trigger: ".o_statusbar_status .o_arrow_button_current:contains(In Review)",
        },
    ],
});

registry.category("web_tour.tours").add("md_validation_report_approve_tour", {
    steps: () => [
        ...signSteps("Approved", "md_doc_approver", "System validated for use"),
        {
            content: "The approval made the report effective",
            trigger: ".o_statusbar_status .o_arrow_button_current:contains(Effective)",
        },
        {
            trigger: ".o_notebook .nav-link:contains(Signatures)",
            run: "click",
        },
        {
            content: "Both signatures are manifested with name and meaning",
            trigger: ".o_md_signature_list tr:has(td:contains(Approved)):has(td:contains(Md Doc Approver))",
        },
        {
            trigger: ".o_md_signature_list tr:has(td:contains(Reviewed)):has(td:contains(Md Doc Reviewer))",
        },
    ],
});
