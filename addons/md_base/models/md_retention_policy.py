"""How long each kind of regulated record is kept, per company.

The rules it encodes (see each addon's ``data/*_retention_data.xml``):

- ISO 13485:2016 4.2.5, incorporated by FDA's QMSR (21 CFR 820.10 and
  820.35 as amended on 2 February 2024, applicable from 2 February 2026;
  formerly 21 CFR 820.180(b)): records are kept for at least the lifetime of
  the device as the organisation defines it, and not less than two years from
  the device's release;
- ISO 13485:2016 4.2.4: obsolete documents stay available for at least the
  lifetime of the devices made or tested with them, and not less than the
  retention period of the records they produced;
- China: 医疗器械监督管理条例 (State Council Order 739, 2021) Art. 45 has the
  purchase-inspection (进货查验) and sales records kept for the period the
  NMPA sets; 医疗器械经营质量管理规范 (GSP, NMPA announcement 2023 No. 153) Art. 23
  sets it: until 2 years after the device's expiry date, at least 5 years where
  it has none, permanently
  for implantable devices.

A policy names a model that adopts ``md.retention.mixin`` and the records it
covers; its period starts from a date found on the record (the latest date
over a dotted path, or over several alternative paths, wins), or from the
record's creation where the path gives none (or, for part of the record, a
branch of the path ends without a date: the longer period wins), and lasts
the longer of its years and the device's expected life (another path).
Records matching its permanent domain are kept permanently. Where several
policies cover a record, the longest wins.

Policies are configuration: Quality Managers and Regulatory Affairs add them
and lengthen them; shortening or switching one off shortens the protection of
records, so only a Security Manager may, with an e-signature and a reason
(the same control as narrowing the audit trail: 21 CFR 11.10(e), 11.10(k);
EU GMP Annex 11 §10). Policies are never deleted.
"""

import ast
from collections import defaultdict
from datetime import datetime

from dateutil.relativedelta import relativedelta

from odoo import api, fields, models
from odoo.exceptions import UserError, ValidationError
from odoo.osv import expression
from odoo.tools import SQL

from .module_data import module_data_uninstalling

MIXIN = "md.retention.mixin"
DATE_TYPES = ("date", "datetime")
YEAR_TYPES = ("integer", "float")
# What a policy keeps: a change of any of these is compared with the policy before it.
SCOPE_FIELDS = (
    "model_id",
    "company_id",
    "active",
    "record_domain",
    "start_field",
    "years_after_start",
    "years_without_start",
    "life_years_field",
    "permanent_domain",
)


def _as_date(value):
    return value.date() if isinstance(value, datetime) else value


def _add_years(day, years):
    """``day`` + ``years`` (fractions of a year in whole months)."""
    return day + relativedelta(months=round(years * 12))


class MdRetentionPolicy(models.Model):
    _name = "md.retention.policy"
    _description = "Records Retention Policy"
    _inherit = ["md.signed.configuration.mixin"]
    _md_change_wizard = "md.retention.policy.change"
    _order = "model_name, company_id, id"

    _md_signed_fields = ["name", "legal_basis", *SCOPE_FIELDS]
    _md_sign_on_change = "void"

    name = fields.Char(required=True, help="The kind of record, e.g. 'GSP sales records (deliveries)'.")
    company_id = fields.Many2one(
        "res.company", required=True, index=True, default=lambda self: self.env.company
    )
    model_id = fields.Many2one(
        "ir.model",
        required=True,
        ondelete="cascade",
        domain=lambda self: [("model", "in", self._md_adopting_model_names())],
        help="Records of this model are kept for the period of this policy.",
    )
    model_name = fields.Char(related="model_id.model", store=True, index=True, string="Technical Name")
    active = fields.Boolean(default=True)
    legal_basis = fields.Text(
        required=True, help="The regulation and article this period comes from, shown with refusals."
    )
    record_domain = fields.Char(
        string="Applies To",
        help="A domain, e.g. [('state', '=', 'done')]: only records matching it are covered. Empty: every "
        "record of the model in the company.",
    )
    start_field = fields.Char(
        string="Period Starts From",
        help="A dotted path from the record to a date, e.g. move_line_ids.lot_id.expiration_date, or "
        "several separated by commas: the latest date found starts the period. Empty: the record's "
        "creation.",
    )
    years_after_start = fields.Integer(default=2, help="Years the record is kept from the start date.")
    years_without_start = fields.Integer(
        string="Years Without a Start Date",
        default=5,
        help="Years counted from the record's creation when the path gives no date (for the part of the "
        "record without one, e.g. a device without an expiry date in a receipt): the longer period wins.",
    )
    life_years_field = fields.Char(
        string="Expected Life (Years) From",
        help="A dotted path to the device's expected life in years, e.g. product_id.md_expected_life_years: "
        "the record is kept for the longer of the policy's years and the longest life found.",
    )
    permanent_domain = fields.Char(
        string="Kept Permanently When",
        help="A domain, e.g. [('move_ids.product_id.md_implantable', '=', True)]: matching records are "
        "never deleted nor archived.",
    )

    _sql_constraints = [
        (
            "years_positive",
            "CHECK(years_after_start >= 0 AND years_without_start >= 0)",
            "A retention period cannot be negative.",
        ),
    ]

    # -- configuration ----------------------------------------------------------

    @api.model
    def _md_adopting_model_names(self):
        """The models that adopt records retention (``md.retention.mixin``)."""
        mixin = self.env.registry[MIXIN]
        return sorted(
            name
            for name, model_class in self.env.registry.items()
            if not model_class._abstract and not model_class._transient and issubclass(model_class, mixin)
        )

    @api.constrains("model_id", "record_domain", "start_field", "life_years_field", "permanent_domain")
    def _check_configuration(self):
        adopting = set(self._md_adopting_model_names())
        for policy in self:
            if policy.model_name not in adopting:
                raise ValidationError(
                    self.env._(
                        "%(policy)s: %(model)s records have no retention period (the model does not adopt "
                        "md.retention.mixin).",
                        policy=policy.name,
                        model=policy.model_id.name,
                    )
                )
            model = self.env[policy.model_name]
            for path in policy._md_start_paths():
                policy._md_check_path(model, path, DATE_TYPES, self.env._("a date"))
            if policy.life_years_field:
                policy._md_check_path(model, policy.life_years_field, YEAR_TYPES, self.env._("a number"))
            for name in ("record_domain", "permanent_domain"):
                policy._md_domain(name, check=True)

    def _md_check_path(self, model, path, types, expected):
        """Refuse a path that does not lead, through relational fields, to a field of ``types``."""
        names = path.strip().split(".")
        for position, name in enumerate(names):
            field = model._fields.get(name)
            last = position == len(names) - 1
            if field is None or (not last and not field.relational) or (last and field.type not in types):
                raise ValidationError(
                    self.env._(
                        "%(policy)s: the path %(path)s does not lead to %(expected)s on %(model)s records "
                        "(%(name)s is not a field there, or not of the right type).",
                        policy=self.name,
                        path=path,
                        expected=expected,
                        model=self.model_id.name,
                        name=name,
                    )
                )
            if not last:
                model = self.env[field.comodel_name]

    def _md_domain(self, field_name, check=False):
        """The domain of ``field_name`` as a list (empty when unset); with ``check``, refuse an invalid
        one with a clear message."""
        self.ensure_one()
        text = (self[field_name] or "").strip()
        if not text:
            return []
        try:
            domain = ast.literal_eval(text)
            if not isinstance(domain, list):
                raise TypeError(self.env._("a domain is a list of conditions"))
            if check:
                model = self.env[self.model_name].sudo().with_context(active_test=False)
                model.search_count(domain, limit=1)
        except (ValueError, SyntaxError, TypeError, KeyError) as error:
            raise ValidationError(
                self.env._(
                    "%(policy)s: the domain %(domain)s is invalid for %(model)s records: %(error)s",
                    policy=self.name,
                    domain=text,
                    model=self.model_id.name,
                    error=error,
                )
            ) from error
        return domain

    @api.model_create_multi
    def create(self, vals_list):
        policies = super().create(vals_list)
        self._md_policies_changed()
        return policies

    def write(self, vals):
        result = super().write(vals)
        self._md_policies_changed()
        return result

    @api.ondelete(at_uninstall=True)
    def _unlink_never(self):
        if module_data_uninstalling(self):
            return
        raise UserError(
            self.env._(
                "Retention policies are never deleted: a Security Manager archives them with a signed change."
            )
        )

    def _md_scope(self):
        """What this policy keeps, for comparing a change with."""
        self.ensure_one()
        return {
            "model": self.model_id.id,
            "company": self.company_id.id,
            "active": self.active,
            "record_domain": (self.record_domain or "").strip(),
            "start_field": (self.start_field or "").strip(),
            "years_after_start": self.years_after_start,
            "years_without_start": self.years_without_start,
            "life_years_field": (self.life_years_field or "").strip(),
            "permanent_domain": (self.permanent_domain or "").strip(),
        }

    def _md_weaker_than(self, old):
        """Whether records may now be deleted sooner than under ``old`` (a _md_scope): moved to another
        model or company, switched off, fewer years, another start date, a narrower scope, or a life or
        permanence condition removed or changed. Adding a life path or a permanent domain, or clearing
        the scope domain, only keeps more."""
        new = self._md_scope()
        return (
            new["model"] != old["model"]
            or new["company"] != old["company"]
            or (old["active"] and not new["active"])
            or new["years_after_start"] < old["years_after_start"]
            or new["years_without_start"] < old["years_without_start"]
            or new["start_field"] != old["start_field"]
            or (bool(new["record_domain"]) and new["record_domain"] != old["record_domain"])
            or (bool(old["life_years_field"]) and new["life_years_field"] != old["life_years_field"])
            or (bool(old["permanent_domain"]) and new["permanent_domain"] != old["permanent_domain"])
        )

    def _md_weakened_message(self):
        return self.env._(
            "Shortening or switching off the retention policy %(policies)s would let records be "
            "deleted sooner: only a Security Manager can, with an electronic signature and a "
            "reason (Change Retention Policy).",
            policies=", ".join(self.mapped("name")),
        )

    def _md_change_refused_message(self):
        return self.env._("Only a Security Manager can shorten or switch off a records retention policy.")

    def _md_reason_missing_message(self):
        return self.env._("Give the reason for changing the retention policy.")

    def _md_policies_changed(self):
        self.flush_model()
        self.env.registry.clear_cache("templates")  # the retention indication of the forms

    # -- periods -------------------------------------------------------------------

    @api.model
    def _md_has_policy(self, model_name):
        """Whether an active policy of any company covers ``model_name`` (the form views are shared)."""
        self.flush_model(["model_name", "active"])
        self.env.cr.execute(
            SQL(
                "SELECT 1 FROM md_retention_policy WHERE model_name = %s AND active LIMIT 1",
                model_name,
            )
        )
        return bool(self.env.cr.rowcount)

    @api.model
    def _md_retention_of(self, records):
        """``{id: (until, permanent, policy)}`` of the real ``records`` that an active policy covers:
        the date until which each is kept (None when permanent), computed set-based: a few queries
        per policy, whatever the number of records."""
        records = records.sudo().with_context(active_test=False, prefetch_fields=False)
        records = records.browse([record_id for record_id in records.ids if isinstance(record_id, int)])
        policies = self.sudo().search([("model_name", "=", records._name)]) if records else self.browse()
        result = {}
        if not policies:
            return result
        company_field = records._fields.get("company_id")
        by_company = None
        if company_field is not None and company_field.type == "many2one":
            by_company = defaultdict(set)
            for record in records:
                by_company[record.company_id.id].add(record.id)
        for policy in policies:
            ids = set(records.ids)
            if by_company is not None:
                # a record without a company follows the policies of every company
                ids = by_company[policy.company_id.id] | by_company[False]
            if not ids:
                continue
            targets = records.browse(sorted(ids))
            scope = policy._md_domain("record_domain")
            if scope:
                targets = targets.search(expression.AND([[("id", "in", targets.ids)], scope]))
            for record_id, until, permanent in policy._md_periods(targets):
                if record_id not in result or policy._md_longer(result[record_id], (until, permanent)):
                    result[record_id] = (until, permanent, policy)
        return result

    @staticmethod
    def _md_longer(current, new):
        """Whether ``new`` (until, permanent) keeps longer than ``current`` (until, permanent, policy)."""
        if current[1]:
            return False
        return new[1] or new[0] > current[0]

    def _md_periods(self, targets):
        """(id, until, permanent) of each of ``targets`` under this policy."""
        self.ensure_one()
        if not targets:
            return []
        permanent_domain = self._md_domain("permanent_domain")
        permanent = set()
        if permanent_domain:
            permanent = set(
                targets.search(expression.AND([[("id", "in", targets.ids)], permanent_domain])).ids
            )
        rest = targets.browse([record_id for record_id in targets.ids if record_id not in permanent])
        # Several paths are alternatives (an expiry or a withdrawal date): a record lacks a start date
        # only where every path ends without one.
        starts = {}
        for path in self._md_start_paths():
            for record_id, (dates, incomplete) in self._md_path_values(rest, path).items():
                known, undated = starts.get(record_id, ([], True))
                starts[record_id] = (known + dates, undated and incomplete)
        lives = self._md_path_values(rest, self.life_years_field) if self.life_years_field else {}
        periods = [(record_id, None, True) for record_id in permanent]
        for record in rest:
            dates, undated = starts.get(record.id, ([], True))
            life = max(lives.get(record.id, ([], False))[0], default=0)
            until = None
            if dates:
                until = _add_years(max(map(_as_date, dates)), max(self.years_after_start, life))
            if undated:
                created = _as_date(record.create_date) or fields.Date.today()
                fallback = _add_years(created, max(self.years_without_start, life))
                until = max(until, fallback) if until else fallback
            periods.append((record.id, until, False))
        return periods

    def _md_start_paths(self):
        """The paths of the start date: one, or several separated by commas (the latest date wins)."""
        self.ensure_one()
        return [path.strip() for path in (self.start_field or "").split(",") if path.strip()]

    @api.model
    def _md_path_values(self, records, path):
        """``{id: (values, incomplete)}``: the values found at the end of ``path`` from each record, and
        whether some branch of the path ends without one (an empty relation or value, e.g. a move line
        without a lot, or a lot without an expiry date). One read per step for all the records."""
        names = path.strip().split(".")
        steps = {record.id: record for record in records}
        incomplete = dict.fromkeys(steps, False)
        model = records.browse()
        for name in names[:-1]:
            model.union(*steps.values()).mapped(name)  # one read for every record of this step
            for record_id, step in steps.items():
                if not step or any(not sub[name] for sub in step):
                    incomplete[record_id] = True
                steps[record_id] = step.mapped(name)  # from the cache
            model = model[name]
        last = names[-1]
        model.union(*steps.values()).mapped(last)
        result = {}
        for record_id, step in steps.items():
            values = [sub[last] for sub in step]
            found = [value for value in values if value is not False and value is not None]
            result[record_id] = (found, incomplete[record_id] or not step or len(found) < len(values))
        return result
