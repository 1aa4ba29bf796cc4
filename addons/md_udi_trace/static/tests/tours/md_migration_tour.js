/** @odoo-module **/
// The administrator's go-live: the dry run of a legacy extract names the DI typed with a wrong
// check digit; a clean extract passes its dry run and is imported, reconciled
// (tests/test_migration_tour.py attaches the two workbooks).
import { registry } from "@web/core/registry";
import { clickHeaderButton } from "@md_base/../tests/tours/md_tour_utils";

registry.category("web_tour.tours").add("md_udi_trace_migration_tour", {
    steps: () => [
        {
            content: "Open the extract with the typo",
            trigger: ".o_data_row td:contains('tour-typo.xlsx')",
            run: "click",
        },
        ...clickHeaderButton("action_dry_run", "Run its dry run"),
        {
            content: "Open the refused rows",
            trigger: ".o_notebook .nav-link[name=issues]",
            run: "click",
        },
        {
            content: "The refused row names the wrong check digit",
            trigger: ".o_field_widget[name=issue_ids] td:contains('check digit')",
        },
        {
            content: "Nothing was written: back to the list",
            trigger: ".o_breadcrumb .o_back_button, .o_breadcrumb li.breadcrumb-item a",
            run: "click",
        },
        {
            content: "Open the clean extract",
            trigger: ".o_data_row td:contains('tour-clean.xlsx')",
            run: "click",
        },
        ...clickHeaderButton("action_dry_run", "Run its dry run"),
        {
            content: "The dry run passed",
            trigger: ".o_form_view .o_statusbar_buttons button[name=action_import], .o_cp_action_menus",
        },
        {
            content: "Open the reconciliation",
            trigger: ".o_notebook .nav-link[name=counts]",
            run: "click",
        },
        {
            content: "The reconciliation shows what the import will write",
            trigger: ".o_field_widget[name=count_ids] td:contains('WH/Stock')",
        },
        ...clickHeaderButton("action_import", "Import"),
        {
            content: "Confirm the all-or-nothing import",
            trigger: ".modal-footer button.btn-primary",
            run: "click",
        },
        {
            content: "The migration is imported",
            trigger: ".o_form_view .ribbon:contains('Imported')",
        },
    ],
});
