/** @odoo-module **/
import { registry } from "@web/core/registry";
import { clickHeaderButton, interfaceInChinese } from "@md_base/../tests/tours/md_tour_utils";

// The GSP journey of a distributor (经营企业), walked in Simplified Chinese on a desktop or a phone:
// the storekeeper accepts the receipt (验收, GSP Art. 64-65) and stores it (入库, Art. 69-70); a
// second person checks the delivery by scanning (出库复核, Art. 87) before it leaves with its
// accompanying document (随货同行单, Art. 91-92).
const LOT = "GSP-2612";
const UDI = `010690123456789217491231` + `10${LOT}`;

function tick(field) {
    return [
        {
            content: `Tick ${field}`,
            trigger: `.o_form_view .o_field_widget[name=${field}] input`,
            run: "click",
        },
        {
            trigger: `.o_form_view .o_field_widget[name=${field}] input:checked`,
        },
    ];
}

function backToTransfer() {
    return [
        {
            content: "Back to the transfer",
            trigger: ".o_breadcrumb .o_back_button",
            run: "click",
        },
        {
            trigger: ".o_form_view .o_field_widget[name=picking_type_id]",
        },
    ];
}

function validateTransfer() {
    return [
        ...clickHeaderButton("button_validate", "Validate the transfer"),
        {
            content: "The transfer is done",
            trigger: ".o_form_view .o_statusbar_status .o_arrow_button_current[data-value=done]",
        },
    ];
}

registry.category("web_tour.tours").add("md_gsp_receipt_journey", {
    steps: () => [
        ...interfaceInChinese(),
        ...clickHeaderButton("action_md_acceptance", "Start the acceptance of the receipt"),
        {
            content: `The acceptance lists lot ${LOT} as received, with its registration number`,
            trigger: `.o_field_widget[name=line_ids] .o_data_row:contains(${LOT}):contains(国械注准),
                      .o_field_widget[name=line_ids] .o_kanban_record:contains(${LOT})`,
        },
        ...interfaceInChinese(),
        ...tick("accompanying_document_checked"),
        ...tick("packaging_checked"),
        ...tick("certificates_checked"),
        ...clickHeaderButton("action_confirm", "Confirm the acceptance"),
        {
            content: "The acceptance record is confirmed",
            trigger: ".o_form_view .o_statusbar_status .o_arrow_button_current[data-value=done]",
        },
        ...backToTransfer(),
        ...validateTransfer(),
    ],
});

registry.category("web_tour.tours").add("md_gsp_storage_records", {
    steps: () => [
        {
            content: `The storage-in record lists lot ${LOT} with its registration number and UDI`,
            trigger: `.o_data_row:contains(${LOT}):contains(国械注准):contains((01)06901234567892)`,
        },
    ],
});

registry.category("web_tour.tours").add("md_gsp_outbound_journey", {
    steps: () => [
        ...interfaceInChinese(),
        ...clickHeaderButton("action_md_outbound_check", "Start the outbound check of the delivery"),
        {
            content: "Nothing checked yet: 0 of the 2 units the delivery carries",
            trigger: ".o_md_scan_line .o_md_scan_count:contains(0 / 2)",
        },
        ...[1, 2].flatMap((count) => [
            {
                content: `Scan the UDI of unit ${count}`,
                trigger: ".o_form_view .o_md_scan_input",
                run: `edit ${UDI} && press Enter`,
            },
            {
                trigger: `.o_md_scan_line .o_md_scan_count:contains(${count} / 2)`,
            },
        ]),
        ...clickHeaderButton("action_confirm", "Confirm the check"),
        {
            content: "The outbound check is recorded",
            trigger: ".o_form_view .o_statusbar_status .o_arrow_button_current[data-value=done]",
        },
        ...backToTransfer(),
        ...validateTransfer(),
    ],
});
