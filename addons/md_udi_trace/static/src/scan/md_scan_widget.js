/** @odoo-module **/

import { Component, onMounted, onWillStart, onWillUpdateProps, useRef, useState } from "@odoo/owl";
import { scanBarcode } from "@web/core/barcode/barcode_dialog";
import { isBarcodeScannerSupported } from "@web/core/barcode/barcode_video_scanner";
import { deserializeDate, formatDate } from "@web/core/l10n/dates";
import { _t } from "@web/core/l10n/translation";
import { formatFloat } from "@web/core/utils/numbers";
import { registry } from "@web/core/registry";
import { useService } from "@web/core/utils/hooks";
import { standardWidgetProps } from "@web/views/widgets/standard_widget_props";

export const GS = "\x1d";

/**
 * A keyboard-wedge scanner types the GS1 FNC1 separator (ASCII 29) as a keystroke: Chrome
 * reports it as the key "\x1d", or as Ctrl+] (the ASCII control chord of 29) on scanners
 * that emulate a keyboard strictly.
 */
export function isGroupSeparatorKey(ev) {
    return ev.key === GS || (ev.ctrlKey && (ev.key === "]" || ev.code === "BracketRight"));
}

/** A quantity as "2" or "2.5", in the user's number format. */
export function formatQuantity(value) {
    return formatFloat(value || 0, { trailingZeros: false });
}

/** An ISO calendar date ("2049-12-31") in the user's date format; never a time of day. */
export function formatIsoDate(value) {
    return value ? formatDate(deserializeDate(value)) : "";
}

/**
 * Scan entry for stock operations: one scan after the other, Enter or Tab ends a scan, the
 * phone camera through Odoo's barcode dialog. The server (md.scan.scan) applies every rule;
 * md.scan.progress gives what was scanned against what is expected, per line and per lot.
 * Phones and desktops render the same template: it wraps, it does not branch.
 */
export class MdScanWidget extends Component {
    static template = "md_udi_trace.ScanWidget";
    static props = {
        ...standardWidgetProps,
        targetModel: { type: String, optional: true },
        targetField: { type: String, optional: true },
    };

    setup() {
        this.orm = useService("orm");
        this.notification = useService("notification");
        this.input = useRef("input");
        this.cameraSupported = isBarcodeScannerSupported();
        this.state = useState({ message: "", kind: "", lines: [], expectedLabel: "", lastLotId: false });
        this.formatQuantity = formatQuantity;
        this.formatIsoDate = formatIsoDate;
        // Scans typed while the previous one is on its way are sent after it, in order.
        this.queue = Promise.resolve();
        onWillStart(() => this.loadProgress(this.props));
        // The pager shows another operation in the same form: its progress, not the last one's.
        onWillUpdateProps((nextProps) => {
            if (this.targetKey(nextProps) !== this.loadedKey) {
                return this.loadProgress(nextProps);
            }
        });
        onMounted(() => this.focus());
    }

    focus() {
        this.input.el?.focus();
    }

    get target() {
        return this.targetOf(this.props);
    }

    targetOf({ record, targetModel, targetField }) {
        if (targetField) {
            const value = record.data[targetField];
            return [targetModel, Array.isArray(value) ? value[0] : value];
        }
        return [targetModel || record.resModel, record.resId];
    }

    targetKey(props) {
        return this.targetOf(props).join(",");
    }

    async loadProgress(props = this.props) {
        const [model, resId] = this.targetOf(props);
        this.loadedKey = this.targetKey(props);
        if (!resId) {
            Object.assign(this.state, { lines: [], expectedLabel: "" });
            return;
        }
        let progress;
        try {
            progress = await this.orm.call("md.scan", "progress", [model, resId]);
        } catch (error) {
            // The figures are a view of the operation: failing to read them must not keep the
            // form from opening nor the next scan from being taken.
            const message = error.data?.message || error.message || String(error);
            Object.assign(this.state, { lines: [], expectedLabel: "", message, kind: "danger" });
            return;
        }
        Object.assign(this.state, { lines: progress.lines, expectedLabel: progress.expected_label });
    }

    isComplete(line) {
        return line.expected > 0 && line.scanned >= line.expected;
    }

    onKeydown(ev) {
        if (isGroupSeparatorKey(ev)) {
            ev.preventDefault();
            this.insertAtCursor(GS);
        } else if (ev.key === "Enter" || ev.key === "Tab") {
            ev.preventDefault();
            const raw = this.input.el.value;
            this.input.el.value = "";
            if (raw.trim()) {
                this.enqueue(raw);
            }
        }
    }

    insertAtCursor(text) {
        const el = this.input.el;
        const start = el.selectionStart ?? el.value.length;
        const end = el.selectionEnd ?? el.value.length;
        el.value = el.value.slice(0, start) + text + el.value.slice(end);
        el.selectionStart = el.selectionEnd = start + text.length;
    }

    async onCamera() {
        let raw;
        try {
            raw = await scanBarcode(this.env);
        } catch (error) {
            this.notification.add(error.message || _t("The camera could not read a code."), {
                type: "warning",
            });
            return;
        }
        if (raw) {
            await this.enqueue(raw);
        }
    }

    enqueue(raw) {
        this.queue = this.queue.then(() => this.submit(raw));
        return this.queue;
    }

    async submit(raw) {
        const { record } = this.props;
        try {
            if (record.isNew || record.dirty) {
                await record.save();
            }
            const [model, resId] = this.target;
            if (!resId) {
                this.show(_t("Save the record and choose where to scan first."), "danger");
                return;
            }
            const result = await this.orm.call("md.scan", "scan", [model, resId, raw]);
            this.show(result.message, result.status === "pending" ? "info" : "success");
            this.state.lastLotId = result.lot_id;
            // The lot or serial shows on its line as soon as the server has it.
            await Promise.all([record.load(), this.loadProgress()]);
        } catch (error) {
            const message = error.data?.message || error.message || String(error);
            this.show(message, "danger");
            this.notification.add(message, { type: "danger", title: _t("Scan refused") });
        } finally {
            this.focus();
        }
    }

    show(message, kind) {
        this.state.message = message;
        this.state.kind = kind;
        beep(kind === "danger");
    }
}

/** A short tone: a high one for an accepted scan, a low long one for a refusal. */
function beep(isError) {
    const AudioContext = window.AudioContext || window.webkitAudioContext;
    if (!AudioContext) {
        return;
    }
    try {
        const context = new AudioContext();
        const oscillator = context.createOscillator();
        const gain = context.createGain();
        oscillator.frequency.value = isError ? 220 : 880;
        gain.gain.value = 0.1;
        oscillator.connect(gain).connect(context.destination);
        oscillator.start();
        oscillator.stop(context.currentTime + (isError ? 0.4 : 0.1));
        oscillator.onended = () => context.close();
    } catch {
        // Audio is a convenience: a browser that refuses it still shows the message.
    }
}

export const mdScanWidget = {
    component: MdScanWidget,
    extractProps: ({ attrs }) => ({
        targetModel: attrs.target_model,
        targetField: attrs.target_field,
    }),
};

registry.category("view_widgets").add("md_udi_scan", mdScanWidget);
