/** @odoo-module **/
import { user } from "@web/core/user";
import { utils as uiUtils } from "@web/core/ui/ui_service";

// Steps that work the same on a desktop and on a phone. On a small screen Odoo moves a form's
// header buttons into the record's action (cog) menu and its smart buttons behind a menu button:
// the journeys name buttons by their method, never by an English label.

/** Click a form header button (status bar on a desktop, action menu on a phone). */
export function clickHeaderButton(name, content) {
    if (!uiUtils.isSmall()) {
        return [{ content, trigger: `.o_form_view .o_statusbar_buttons button[name=${name}]`, run: "click" }];
    }
    return [
        {
            content: `${content}: open the record's action menu`,
            trigger: ".o_control_panel .o_cp_action_menus button:has(.fa-cog)",
            run: "click",
        },
        { content, trigger: `.o-dropdown--menu button[name=${name}]`, run: "click" },
    ];
}

/** Click a smart button of a form (button box on a desktop, behind its menu button on a phone). */
export function clickStatButton(name, content) {
    if (!uiUtils.isSmall()) {
        return [{ content, trigger: `.o_form_view .oe_stat_button[name=${name}]`, run: "click" }];
    }
    return [
        { content: `${content}: open the smart buttons`, trigger: ".o_control_panel .o_button_more", run: "click" },
        { content, trigger: `.o-dropdown--menu .oe_stat_button[name=${name}]`, run: "click" },
    ];
}

/** The user works in Simplified Chinese and the form's labels are in Chinese. */
export function interfaceInChinese() {
    return [
        {
            content: "The interface is in Simplified Chinese",
            trigger: ".o_form_view .o_form_label",
            run() {
                const labels = [...document.querySelectorAll(".o_form_view .o_form_label")];
                const chinese = labels.filter((label) => /[\u4e00-\u9fff]/.test(label.textContent));
                if (user.lang.replace("-", "_") !== "zh_CN" || !chinese.length) {
                    throw new Error(`Expected the Chinese interface, got ${user.lang}: ${labels[0].textContent}`);
                }
            },
        },
    ];
}
