/** @odoo-module **/
import { registry } from "@web/core/registry";

// Results of an incoming inspection entered on a phone (390x844), on one screen: the rows of
// each sample are prepared, the inspector types the values (no line to add per value), sees
// "n / N" samples measured per characteristic and records the pass/fail check in its card.

const ENTRY = ".o_field_widget[name=measurement_ids]";

function enterValue(row, value) {
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

registry.category("web_tour.tours").add("md_inspection_phone_tour", {
    steps: () => [
        {
            content: "One row per sample, none measured yet: the values are empty, not 0.000",
            trigger: `${ENTRY} .o_data_row:eq(2) td[name=sample_label]:contains(3 / 3)`,
        },
        {
            content: "The limits with the characteristic's decimal places",
            trigger: ".o_field_widget[name=line_ids] .o_kanban_record:contains(Outer diameter):contains(2.900 – 3.100)",
        },
        ...enterValue(0, "3.01"),
        ...enterValue(1, "2.98"),
        ...enterValue(2, "3.02"),
        {
            content: "The value of the previous sample is kept as entered",
            trigger: `${ENTRY} .o_data_row:eq(1) td[name=value_entry]:contains(2.98)`,
        },
        {
            content: "Save the values",
            trigger: ".o_form_button_save",
            run: "click",
        },
        {
            trigger: ".o_form_saved",
        },
        {
            content: "Every sample of the characteristic is counted as measured",
            trigger: ".o_field_widget[name=line_ids] .o_kanban_record:contains(Outer diameter):contains(3 / 3)",
        },
        {
            content: "Open the pass/fail check",
            trigger: ".o_field_widget[name=line_ids] .o_kanban_record:contains(Surface free of particles)",
            run: "click",
        },
        {
            trigger: ".modal .o_field_widget[name=check_result] input[data-value=pass]",
            run: "click",
        },
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
        {
            content: "Every characteristic has its verdict",
            trigger: ".o_field_widget[name=line_ids] .o_kanban_record:contains(Surface free of particles):contains(Pass)",
        },
    ],
});
