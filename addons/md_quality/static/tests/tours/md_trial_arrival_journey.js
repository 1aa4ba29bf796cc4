/** @odoo-module **/
import { registry } from "@web/core/registry";
import { clickHeaderButton, clickStatButton, interfaceInChinese } from "@md_base/../tests/tours/md_tour_utils";

// Pilot journey 1, a purchase arrival (到货), walked in Simplified Chinese on a desktop or a phone.
// The storekeeper opens the receipt from Medical Devices > Receipts, scans the UDI of the two cases
// of tubing (GTIN 16975310000105, 10 rolls each, lot KD250701, expiry 2049-12-31), reads 20 / 20
// and validates: the lot goes to quarantine and its incoming inspection is created (ISO 13485 7.4.3).
// The inspector then enters the results on the inspection's one screen and signs them as verified:
// the inspection passes and the quarantine is lifted (8.2.6; 21 CFR 11.50).
const SUPPLIER = "常州康达医用管材有限公司";
const LOT = "KD250701";
const CASE_UDI = `01169753100001051749123110${LOT}`;
const ENTRY = ".o_field_widget[name=measurement_ids]";

function scanCase(count) {
    return [
        {
            content: `Scan a case of the tubing: ${count} of 20 rolls`,
            trigger: ".o_form_view .o_md_scan_input",
            run: `edit ${CASE_UDI} && press Enter`,
        },
        {
            trigger: `.o_md_scan_line .o_md_scan_count:contains(${count} / 20)`,
        },
        {
            trigger: `.o_md_scan_result.alert-success:contains(${LOT})`,
        },
    ];
}

export function enterValue(row, value) {
    return [
        {
            content: `Sample ${row + 1}: tap the empty value`,
            trigger: `${ENTRY} .o_data_row:eq(${row}) td[name=value_entry]`,
            run: "click",
        },
        {
            trigger: `${ENTRY} .o_data_row:eq(${row}).o_selected_row td[name=value_entry] input[inputmode=decimal]`,
            run: `edit ${value}`,
        },
    ];
}

/** Open the check of the characteristic ``name`` (list row on a desktop, card on a phone), set ``result``. */
export function recordCheck(name, result) {
    return [
        {
            content: `Open the check ${name}`,
            trigger: `.o_field_widget[name=line_ids] .o_data_row:contains(${name}) td.o_data_cell,
                      .o_field_widget[name=line_ids] .o_kanban_record:contains(${name})`,
            run: "click",
        },
        {
            trigger: `.modal .o_field_widget[name=check_result] input[data-value=${result}]`,
            run: "click",
        },
    ];
}

/** Sign the open record in the signing dialog, the first signature of the session (21 CFR 11.200). */
export function signAsVerified(reason, login) {
    return [
        ...clickHeaderButton("action_md_sign", "Sign the results as verified: the signature decides"),
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
            run: `edit demo-${login}`,
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

export function openInspectionOfLot(lot) {
    return [
        {
            content: `The inspector's to-do list shows the incoming inspection of lot ${lot}`,
            trigger: `.o_data_row:contains(${lot}) td.o_data_cell, .o_kanban_record:contains(${lot})`,
            run: "click",
        },
        ...interfaceInChinese(),
        ...clickHeaderButton("action_start", "Start the inspection: one row per sample is prepared"),
        {
            trigger: ".o_statusbar_status .o_arrow_button_current[data-value=in_progress]",
        },
    ];
}

registry.category("web_tour.tours").add("md_trial_arrival_receipt", {
    steps: () => [
        {
            content: "Receipts lists the supplier's receipt with its scan button (list or phone cards)",
            trigger: `.o_data_row:contains(${SUPPLIER}) .o_md_receipt_scan, .o_kanban_record:contains(${SUPPLIER}) .o_md_receipt_scan`,
            run: "click",
        },
        ...interfaceInChinese(),
        {
            content: "Nothing scanned yet: 0 of the 20 rolls expected",
            trigger: ".o_md_scan_line .o_md_scan_count:contains(0 / 20)",
        },
        ...scanCase(10),
        ...scanCase(20),
        {
            content: "Everything expected is scanned, with the lot and its expiry as a date (no time of day)",
            trigger: `.o_md_scan_line.o_md_scan_line_complete .o_md_scan_lot:contains(${LOT}) .o_md_scan_expiry:contains(2049):contains(31):not(:contains(:))`,
        },
        {
            content: "The scan's message and the progress are in Chinese",
            trigger: ".o_md_scan_result.alert-success",
            run() {
                for (const selector of [".o_md_scan_result", ".o_md_scan_expected_label", ".o_md_scan_expiry"]) {
                    const text = document.querySelector(selector).textContent;
                    if (!/[\u4e00-\u9fff]/.test(text)) {
                        throw new Error(`Not in Chinese: ${selector} reads "${text}"`);
                    }
                }
            },
        },
        ...clickHeaderButton("button_validate", "Validate the receipt"),
        {
            trigger: ".o_statusbar_status .o_arrow_button_current[data-value=done]",
        },
        ...clickStatButton("action_md_open_inspections", "The receipt created its incoming inspection"),
        {
            content: "The incoming inspection of the lot waits for the inspector",
            trigger: `.o_form_view:has(.o_field_widget[name=lot_id]:contains(${LOT})) .o_statusbar_status .o_arrow_button_current[data-value=draft]`,
        },
    ],
});

registry.category("web_tour.tours").add("md_trial_arrival_inspection", {
    steps: () => [
        ...openInspectionOfLot(LOT),
        ...enterValue(0, "3.01"),
        ...enterValue(1, "2.98"),
        ...enterValue(2, "3.02"),
        {
            trigger: ".o_form_button_save",
            run: "click",
        },
        {
            trigger: ".o_form_saved",
        },
        ...recordCheck("表面无颗粒", "pass"),
        {
            trigger: ".modal .o_form_button_save",
            run: "click",
        },
        {
            trigger: "body:not(:has(.modal))",
        },
        {
            trigger: ".o_form_button_save",
            run: "click",
        },
        {
            trigger: ".o_form_saved",
        },
        ...signAsVerified("来料检验合格", "qc.li"),
        {
            content: "The signature decided: passed",
            trigger: ".o_statusbar_status .o_arrow_button_current[data-value=passed]",
        },
    ],
});
