/** @odoo-module **/

import { registry } from "@web/core/registry";

// Scans a GS1 UDI (GTIN 00614141000098, expiry 2049-12-31, lot TOURLOT1) into the receipt
// opened by test_scan_tour.py, the way a keyboard-wedge scanner types it, then checks the result.
registry.category("web_tour.tours").add("md_scan_tour", {
    steps: () => [
        {
            content: "The scan entry of the receipt",
            trigger: ".o_form_view .o_md_scan_input",
            run: "edit 010061414100009817491231<GS>10TOURLOT1 && press Enter",
        },
        {
            content: "The scan is accepted with its lot and expiry date",
            trigger: ".o_md_scan_result.alert-success:contains(TOURLOT1):contains(2049-12-31)",
        },
        {
            content: "The receipt shows the scanned quantity",
            trigger: ".o_field_widget[name=move_ids_without_package] .o_data_row:contains(Tour Catheter)",
        },
        {
            content: "A second scan of an unknown device is refused inline",
            trigger: ".o_form_view .o_md_scan_input",
            run: "edit 010061414199999610TOURLOT2 && press Enter",
        },
        {
            content: "The refusal says why",
            trigger: ".o_md_scan_result.alert-danger:contains(Unknown device identifier)",
        },
    ],
});
