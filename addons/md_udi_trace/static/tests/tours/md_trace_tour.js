/** @odoo-module **/
// Opens a lot, clicks Trace, expands everything and finds a finished serial
// and a customer (tests/test_trace_tour.py builds the genealogy).
import { registry } from "@web/core/registry";

registry.category("web_tour.tours").add("md_udi_trace_trace_tour", {
    steps: () => [
        {
            content: "Trace the raw lot from its form",
            trigger: ".o_form_view button[name='action_md_trace']",
            run: "click",
        },
        {
            content: "Expand the whole downstream tree",
            trigger: ".md_trace_expand_all",
            run: "click",
        },
        {
            content: "The finished serial is in the tree",
            trigger: ".md_trace_tree .md_trace_row .md_trace_lot:contains('TOUR-SN-2')",
        },
        {
            content: "Open the customers",
            trigger: ".md_trace_tab_customers",
            run: "click",
        },
        {
            content: "The hospital that received the serial is listed",
            trigger: ".md_trace_customers td:contains('MD Test City Hospital')",
        },
    ],
});
