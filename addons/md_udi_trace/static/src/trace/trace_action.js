/** @odoo-module **/
// Trace screen of lots/serials: upstream and downstream trees with expand and
// "Expand all", the affected finished units, customers and stock, and XLSX/CSV
// downloads (ISO 13485:2016 7.5.9.2, 21 CFR 820.65).
import { Component, onWillStart, useState } from "@odoo/owl";
import { _t } from "@web/core/l10n/translation";
import { registry } from "@web/core/registry";
import { useService } from "@web/core/utils/hooks";
import { standardActionServiceProps } from "@web/webclient/actions/action_service";

export class TraceAction extends Component {
    static template = "md_udi_trace.TraceAction";
    static props = { ...standardActionServiceProps };

    setup() {
        this.orm = useService("orm");
        this.actionService = useService("action");
        const params = this.props.action.params || {};
        const context = this.props.action.context || {};
        this.lotIds = params.lot_ids || context.active_ids || [];
        // expanded: tree row keys explicitly opened; collapsed: explicitly closed
        // (after "Expand all", every row is open unless collapsed).
        this.state = useState({
            tab: "down",
            data: null,
            expandAll: false,
            expanded: new Set(),
            collapsed: new Set(),
        });
        onWillStart(async () => {
            this.state.data = await this.orm.call("stock.lot", "md_trace_data", [this.lotIds]);
        });
    }

    get tabs() {
        const data = this.state.data;
        return [
            { key: "down", label: _t("Downstream") },
            { key: "up", label: _t("Upstream") },
            { key: "units", label: _t("Affected units (%s)", data.units.length) },
            { key: "customers", label: _t("Customers (%s)", data.customers.length) },
            { key: "stock", label: _t("Stock (%s)", data.stock.length) },
        ];
    }

    isOpen(key) {
        if (this.state.collapsed.has(key)) {
            return false;
        }
        return this.state.expandAll || this.state.expanded.has(key);
    }

    /** The visible rows of the current tree, depth first; a lot already on
     *  the path (a cycle through an unbuild) is shown but not expanded. */
    get rows() {
        const { data, tab } = this.state;
        const children = data[tab];
        const rows = [];
        const visit = (lotId, depth, path, key) => {
            const kids = (children[lotId] || []).filter((child) => !path.includes(child));
            const open = kids.length > 0 && this.isOpen(key);
            rows.push({ key, node: data.nodes[lotId], depth, hasChildren: kids.length > 0, open });
            if (open) {
                for (const child of kids) {
                    visit(child, depth + 1, [...path, child], `${key}/${child}`);
                }
            }
        };
        for (const root of data.roots) {
            visit(root, 0, [root], String(root));
        }
        return rows;
    }

    toggle(row) {
        if (row.open) {
            this.state.expanded.delete(row.key);
            this.state.collapsed.add(row.key);
        } else {
            this.state.collapsed.delete(row.key);
            this.state.expanded.add(row.key);
        }
    }

    expandAll() {
        this.state.expandAll = true;
        this.state.collapsed.clear();
    }

    collapseAll() {
        this.state.expandAll = false;
        this.state.expanded.clear();
        this.state.collapsed.clear();
    }

    movesSummary(node) {
        return node.moves
            .map((move) => `${move.reference || move.kind}${move.partner ? " (" + move.partner + ")" : ""}`)
            .join(" · ");
    }

    openLot(lotId) {
        this.actionService.doAction({
            type: "ir.actions.act_window",
            res_model: "stock.lot",
            res_id: lotId,
            views: [[false, "form"]],
        });
    }

    exportUrl(format) {
        return `/md_udi_trace/trace/export/${format}?lot_ids=${this.lotIds.join(",")}`;
    }
}

registry.category("actions").add("md_udi_trace.trace", TraceAction);
