/** @odoo-module **/

import { registry } from "@web/core/registry";

// Opened by test_scan_tour.py on a desktop and on a phone viewport: from Medical Devices >
// Receipts, open the scan entry of a receipt expecting 3 serial-tracked stents (GTIN
// 00614141000111), scan 2 of them (expiry 2049-12-31) and read 2 / 3 with each serial on its
// line, the expiry as a date. The same steps run on both layouts: they must agree.
const RECEIPT = "Tour Receipt Supplier";

function scanSerial(serial) {
    return [
        {
            content: `Scan serial ${serial}`,
            trigger: ".o_form_view .o_md_scan_input",
            run: `edit 01006141410001111749123121${serial} && press Enter`,
        },
        {
            content: `Serial ${serial} is accepted`,
            trigger: `.o_md_scan_result.alert-success:contains(${serial})`,
        },
        {
            content: `Serial ${serial} shows on its line at once`,
            trigger: `.o_md_scan_line:contains(Tour Stent) .o_md_scan_lot_name:contains(${serial})`,
        },
    ];
}

registry.category("web_tour.tours").add("md_scan_receipt_tour", {
    steps: () => [
        {
            content: "Receipts lists the receipt with its Scan button (list or phone cards)",
            trigger: `.o_data_row:contains(${RECEIPT}) .o_md_receipt_scan, .o_kanban_record:contains(${RECEIPT}) .o_md_receipt_scan`,
            run: "click",
        },
        {
            content: "Nothing scanned yet: 0 of 3 expected, the demand is not prefilled",
            trigger: ".o_md_scan_line:contains(Tour Stent) .o_md_scan_count:contains(0 / 3)",
        },
        ...scanSerial("TOURSN1"),
        {
            content: "One of three",
            trigger: ".o_md_scan_line:contains(Tour Stent) .o_md_scan_count:contains(1 / 3)",
        },
        ...scanSerial("TOURSN2"),
        {
            content: "Two of three serials scanned read 2 / 3",
            trigger: ".o_md_scan_line:contains(Tour Stent) .o_md_scan_count:contains(2 / 3)",
        },
        {
            content: "The expiry is a date in the user's format, without a time of day",
            trigger: ".o_md_scan_lot:contains(TOURSN2) .o_md_scan_expiry:contains(12/31/2049):not(:contains(:))",
        },
        {
            content: "The receipt's operation line holds the 2 scanned, not the demand of 3",
            trigger: `.o_field_widget[name=move_ids_without_package] .o_data_row:contains(Tour Stent):contains(TOURSN2):contains(2.00),
                      .o_field_widget[name=move_ids_without_package] .o_kanban_record:contains(Tour Stent):contains(2.00)`,
        },
        {
            isActive: ["desktop"],
            content: "Open the detailed operations of the stents",
            trigger: ".o_field_widget[name=move_ids_without_package] .o_data_row:contains(Tour Stent) button[name='Open Move']",
            run: "click",
        },
        {
            isActive: ["desktop"],
            content: "The detailed operations show the expiry as a date too",
            trigger: ".modal .o_data_row:contains(TOURSN1) .o_data_cell[name=expiration_date]:contains(12/31/2049):not(:contains(:))",
        },
    ],
});
