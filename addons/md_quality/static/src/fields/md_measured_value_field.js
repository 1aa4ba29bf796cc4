/** @odoo-module **/
import { registry } from "@web/core/registry";
import { CharField, charField } from "@web/views/fields/char/char_field";

// A measured value typed as text, so that a sample not measured yet stays empty instead of
// showing 0.000: the phone opens its numeric keypad (inputmode decimal) and the server
// parses and formats the value with the characteristic's decimal places.
export class MdMeasuredValueField extends CharField {
    static template = "md_quality.MdMeasuredValueField";
}

registry.category("fields").add("md_measured_value", {
    ...charField,
    component: MdMeasuredValueField,
});
