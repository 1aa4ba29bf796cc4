"""Go-live migration sheets of market access: partners, their licences, the first-time supplier
and product approvals (首营企业/首营品种) and the registration certificates.

An approval the legacy system holds is migrated as approved without an Odoo signature, with the
legacy approver's name, date and reference (md.legacy.approval.mixin explains why); one still
pending there is migrated as a draft, approved by e-signature in Odoo.
"""

from odoo import fields, models
from odoo.tools.translate import LazyTranslate

from odoo.addons.md_base.migration import Column, Sheet

from .md_registration import REGISTRATION_TYPES

_lt = LazyTranslate(__name__)

EU_MARKET = "EU"
NMPA_CLASSES = {"I": "covers_class_i", "II": "covers_class_ii", "III": "covers_class_iii"}
APPROVAL_STATUSES = ("approved", "draft")

PARTNER_REF = Column(
    "partner_ref",
    _lt("Partner reference"),
    _lt("The partner's reference (partners sheet or already in Odoo)."),
    required=True,
    example="SUP-001",
)


def _approval_columns(what):
    """The columns of an approval given (or pending) in the legacy system."""
    return (
        Column(
            "status",
            _lt("Status"),
            _lt(
                "approved: approved in the legacy system (approver and date required); draft: pending, to be "
                "approved by e-signature in Odoo."
            ),
            kind="selection",
            choices=APPROVAL_STATUSES,
            example="approved",
        ),
        Column(
            "approved_on",
            _lt("Approved on"),
            _lt("The date of the approval in the legacy system."),
            kind="date",
            example="2024-03-15",
        ),
        Column(
            "approved_by",
            _lt("Approved by"),
            _lt("The printed name of who approved it in the legacy system (not an Odoo signature)."),
            example="王丽 Wang Li",
        ),
        Column(
            "approval_ref",
            _lt("Approval reference"),
            _lt("The legacy system's record of the approval (number or document reference)."),
            example=what,
        ),
    )


PARTNER_COLUMNS = (
    Column(
        "ref",
        _lt("Partner reference"),
        _lt("The partner's unique code, used by the other sheets."),
        required=True,
        example="SUP-001",
    ),
    Column("name", _lt("Name"), _lt("The registered name."), required=True, example="苏州医疗器械有限公司"),
    Column(
        "company_type",
        _lt("Company or individual"),
        _lt("company or person; empty: company."),
        kind="selection",
        choices=("company", "person"),
        example="company",
    ),
    Column("country_code", _lt("Country"), _lt("The ISO 3166 two-letter country code."), example="CN"),
    Column(
        "supplier", _lt("Supplier"), _lt("The partner supplies the company."), kind="boolean", example="yes"
    ),
    Column(
        "customer", _lt("Customer"), _lt("The partner buys from the company."), kind="boolean", example="no"
    ),
    Column(
        "vat",
        _lt("Credit code / VAT"),
        _lt("The unified social credit code (统一社会信用代码) or the VAT number."),
        example="91320594MA1X2K3L51",
    ),
    Column("street", _lt("Street"), _lt("The street address."), example="星湖街 328 号"),
    Column("city", _lt("City"), _lt("The city."), example="苏州"),
    Column("phone", _lt("Phone"), _lt("The phone number."), example="+86 512 6000 0000"),
    Column("email", _lt("Email"), _lt("The email address."), example="qa@example.cn"),
)
LICENCE_COLUMNS = (
    PARTNER_REF,
    Column(
        "licence_type",
        _lt("Licence type"),
        _lt("The code of a partner licence type, e.g. CN-DIST."),
        required=True,
        example="CN-DIST",
    ),
    Column(
        "number",
        _lt("Number"),
        _lt("The licence, filing or certificate number."),
        required=True,
        example="苏食药监械经营许20190001号",
    ),
    Column(
        "issuer",
        _lt("Issuing authority"),
        _lt("The authority that issued it."),
        example="苏州市市场监督管理局",
    ),
    Column("issue_date", _lt("Issue date"), _lt("The date of issue."), kind="date", example="2021-06-01"),
    Column(
        "expiry_date",
        _lt("Expiry date"),
        _lt("The last day of validity; empty: no expiry."),
        kind="date",
        example="2026-05-31",
    ),
    Column(
        "classes",
        _lt("NMPA classes"),
        _lt("The device classes covered, I, II and/or III separated by commas; empty: every device."),
        example="II, III",
    ),
    Column(
        "scope",
        _lt("Scope as printed"),
        _lt("经营范围/生产范围 as printed on the licence."),
        example="III类: 6866",
    ),
)
SUPPLIER_APPROVAL_COLUMNS = (
    PARTNER_REF,
    Column(
        "licence_numbers",
        _lt("Licences verified"),
        _lt("The numbers of the supplier's licences checked for this approval, separated by commas."),
        required=True,
        example="苏食药监械经营许20190001号",
    ),
    Column(
        "sales_rep_name",
        _lt("Authorised salesperson"),
        _lt("The supplier's authorised salesperson."),
        example="张伟",
    ),
    *_approval_columns("SQ-2024-015"),
    Column("notes", _lt("Notes"), _lt("Notes of the approval."), example=""),
)
REGISTRATION_COLUMNS = (
    Column(
        "registration_type",
        _lt("Type"),
        _lt("The kind of certificate."),
        kind="selection",
        required=True,
        choices=tuple(code for code, _label in REGISTRATION_TYPES),
        example="nmpa_registration",
    ),
    Column(
        "number",
        _lt("Number"),
        _lt("The certificate, filing, 510(k) or PMA number."),
        required=True,
        example="国械注准20193140001",
    ),
    Column(
        "market",
        _lt("Market"),
        _lt("The ISO 3166 two-letter country code, or EU for the EU/EEA member states (EU MDR)."),
        required=True,
        example="CN",
    ),
    Column(
        "default_codes",
        _lt("Devices covered"),
        _lt("The internal references of the devices covered, separated by commas."),
        required=True,
        example="IS-200, IS-150",
    ),
    Column(
        "holder_ref",
        _lt("Holder"),
        _lt("The registrant's partner reference; empty: this company."),
        example="",
    ),
    Column(
        "notified_body_ref",
        _lt("Notified body"),
        _lt("The notified body's partner reference (EU MDR certificates)."),
        example="",
    ),
    Column(
        "notified_body_number", _lt("Notified body number"), _lt("The four-digit NANDO number."), example=""
    ),
    Column(
        "models_text",
        _lt("Models / specifications"),
        _lt("型号规格 as printed on the certificate."),
        example="IS-200-A",
    ),
    Column("issue_date", _lt("Issue date"), _lt("The date of issue."), kind="date", example="2019-04-01"),
    Column(
        "expiry_date", _lt("Expiry date"), _lt("The last day of validity."), kind="date", example="2029-03-31"
    ),
    *_approval_columns("RA-2019-004"),
)
PRODUCT_APPROVAL_COLUMNS = (
    Column(
        "default_code",
        _lt("Internal reference"),
        _lt("The device (devices sheet or already in Odoo)."),
        required=True,
        example="IS-200",
    ),
    Column(
        "registration_number",
        _lt("Registration certificate"),
        _lt("The number of the certificate checked (registrations sheet or already in Odoo)."),
        example="国械注准20193140001",
    ),
    Column(
        "supplier_ref",
        _lt("First supplier"),
        _lt("The first supplier's partner reference."),
        example="SUP-001",
    ),
    *_approval_columns("PQ-2024-031"),
    Column("notes", _lt("Notes"), _lt("Notes of the approval."), example=""),
)


class MdMigration(models.Model):
    _inherit = "md.migration"

    def _md_migration_sheets(self):
        return [
            *super()._md_migration_sheets(),
            Sheet("partners", "Partners 客户供应商", PARTNER_COLUMNS, sequence=30, model="res.partner"),
            Sheet("licences", "Licences 资质证照", LICENCE_COLUMNS, sequence=35, model="md.partner.licence"),
            Sheet(
                "supplier_approvals",
                "Supplier approvals 首营企业",
                SUPPLIER_APPROVAL_COLUMNS,
                sequence=40,
                model="md.partner.qualification",
            ),
            Sheet(
                "registrations",
                "Registrations 注册证",
                REGISTRATION_COLUMNS,
                sequence=50,
                model="md.registration",
            ),
            Sheet(
                "product_approvals",
                "Product approvals 首营品种",
                PRODUCT_APPROVAL_COLUMNS,
                sequence=55,
                model="md.product.qualification",
            ),
        ]

    # -- partners -----------------------------------------------------------

    def _md_import_partners(self, rows, issues):
        existing = self._md_partners_by_ref([row.values["ref"] for row in rows])
        countries = self._md_countries([row.values["country_code"] for row in rows])
        rows = self._md_refuse_repeats(
            rows,
            lambda row: row.values["ref"],
            issues,
            "ref",
            self.env._("This reference is already on an earlier row."),
        )
        vals_list = []
        for row in rows:
            values = row.values
            if values["ref"] in existing:
                issues.add(row, "ref", self.env._("A partner with this reference already exists."))
            elif values["country_code"] and values["country_code"].upper() not in countries:
                issues.add(row, "country_code", self.env._("No country has this code."))
            else:
                vals_list.append((row, self._md_partner_vals(values, countries)))
        return self._md_records("res.partner", self._md_create_rows("res.partner", vals_list, issues))

    def _md_partner_vals(self, values, countries):
        return {
            "name": values["name"],
            "ref": values["ref"],
            "is_company": values["company_type"] != "person",
            "country_id": countries.get(values["country_code"].upper(), False),
            "supplier_rank": 1 if values["supplier"] else 0,
            "customer_rank": 1 if values["customer"] else 0,
            "vat": values["vat"] or False,
            "street": values["street"] or False,
            "city": values["city"] or False,
            "phone": values["phone"] or False,
            "email": values["email"] or False,
        }

    def _md_partners_by_ref(self, refs):
        """{reference: res.partner id} of the partners the rows name, in one search."""
        return self._md_by_key("res.partner", "ref", refs)

    def _md_countries(self, codes):
        return self._md_by_key("res.country", "code", [code.upper() for code in codes if code])

    # -- licences -----------------------------------------------------------

    def _md_import_licences(self, rows, issues):
        partners = self._md_partners_by_ref([row.values["partner_ref"] for row in rows])
        types = self._md_by_key(
            "md.partner.licence.type", "code", [row.values["licence_type"] for row in rows]
        )
        existing = self._md_existing_licences(partners.values())
        rows = self._md_refuse_repeats(
            rows,
            lambda row: (row.values["partner_ref"], row.values["licence_type"], row.values["number"]),
            issues,
            "number",
            self.env._("This licence is already on an earlier row."),
        )
        vals_list = []
        for row in rows:
            vals = self._md_licence_vals(row, partners, types, existing, issues)
            if vals:
                vals_list.append((row, vals))
        return self._md_records(
            "md.partner.licence", self._md_create_rows("md.partner.licence", vals_list, issues)
        )

    def _md_existing_licences(self, partner_ids):
        """{(partner id, licence type id, number)} already recorded (the model's unique key)."""
        licences = (
            self.env["md.partner.licence"]
            .with_context(active_test=False)
            .search_read(
                [("partner_id", "in", list(partner_ids))], ["partner_id", "licence_type_id", "number"]
            )
        )
        return {(lic["partner_id"][0], lic["licence_type_id"][0], lic["number"]) for lic in licences}

    def _md_licence_vals(self, row, partners, types, existing, issues):
        """The licence's values, or None once the row's problem is reported."""
        values = row.values
        partner_id = partners.get(values["partner_ref"])
        type_id = types.get(values["licence_type"])
        classes = [code.strip().upper() for code in values["classes"].split(",") if code.strip()]
        if not partner_id:
            issues.add(row, "partner_ref", self.env._("No partner has this reference."))
        elif not type_id:
            issues.add(row, "licence_type", self.env._("No licence type has this code."))
        elif any(code not in NMPA_CLASSES for code in classes):
            issues.add(row, "classes", self.env._("Give the classes as I, II or III separated by commas."))
        elif (partner_id, type_id, values["number"]) in existing:
            issues.add(row, "number", self.env._("This licence is already recorded for the partner."))
        else:
            return {
                "partner_id": partner_id,
                "licence_type_id": type_id,
                "number": values["number"],
                "issuer": values["issuer"] or False,
                "issue_date": values["issue_date"],
                "expiry_date": values["expiry_date"],
                "scope_text": values["scope"] or False,
                **{field_name: code in classes for code, field_name in NMPA_CLASSES.items()},
            }
        return None

    # -- approvals (首营企业, 首营品种) ---------------------------------------

    def _md_check_approval_row(self, row, issues):
        """An approved row names its legacy approver and a past date: the approval it records was
        given in the legacy system, not in Odoo (China GSP, NMPA announcement 2023 No. 153, Art. 53-54)."""
        values = row.values
        if values["status"] == "draft":
            return True
        if not values["approved_on"]:
            issues.add(row, "approved_on", self.env._("An approved row gives the date of its approval."))
        elif values["approved_on"] > fields.Date.context_today(self):
            issues.add(row, "approved_on", self.env._("The approval date is in the future."))
        elif not values["approved_by"]:
            issues.add(row, "approved_by", self.env._("An approved row names who approved it."))
        else:
            return True
        return False

    def _md_approve_legacy_rows(self, row_records, issues):
        """Record the legacy approval of the approved rows through the model's own rules."""
        approved = [(row, (row, record)) for row, record in row_records if row.values["status"] != "draft"]
        self._md_apply_each(
            approved,
            lambda row_record: row_record[1]._md_approve_migrated(
                self,
                row_record[0].values["approved_on"],
                row_record[0].values["approved_by"],
                row_record[0].values["approval_ref"],
            ),
            issues,
        )

    def _md_reconcile_approvals(self, rows, records, approved_states):
        """The rows and the approved rows of the file against the records migrated."""
        approved_rows = [row for row in rows if row.values["status"] != "draft"]
        return [
            {
                "label": records._description,
                "file_count": len(rows),
                "db_count": len(records),
            },
            {
                "label": self.env._("%s: approved in the legacy system", records._description),
                "file_count": len(approved_rows),
                "db_count": len(
                    records.filtered(lambda r: r.state in approved_states and r.legacy_approved_by)
                ),
            },
        ]

    # -- supplier approvals ---------------------------------------------------

    def _md_import_supplier_approvals(self, rows, issues):
        partners = self._md_partners_by_ref([row.values["partner_ref"] for row in rows])
        licences = self._md_licences_by_number(partners.values())
        qualified = self._md_qualified_subjects("md.partner.qualification", "partner_id", partners.values())
        rows = self._md_refuse_repeats(
            rows,
            lambda row: row.values["partner_ref"],
            issues,
            "partner_ref",
            self.env._("This supplier is already on an earlier row."),
        )
        vals_list = []
        for row in rows:
            vals = self._md_supplier_approval_vals(row, partners, licences, qualified, issues)
            if vals and self._md_check_approval_row(row, issues):
                vals_list.append((row, vals))
        created = self._md_create_rows("md.partner.qualification", vals_list, issues)
        self._md_approve_legacy_rows(created, issues)
        return self._md_records("md.partner.qualification", created)

    def _md_licences_by_number(self, partner_ids):
        """{(partner id, number): licence ids} of the partners' licences."""
        licences = {}
        for licence in self.env["md.partner.licence"].search([("partner_id", "in", list(partner_ids))]):
            licences.setdefault((licence.partner_id.id, licence.number), []).append(licence.id)
        return licences

    def _md_qualified_subjects(self, model, subject_field, subject_ids):
        """The subjects that already have a draft or approved first-time approval in the company:
        a migrated approval neither duplicates nor silently supersedes one made in Odoo."""
        records = self.env[model].search(
            [
                (subject_field, "in", list(subject_ids)),
                ("company_id", "=", self.company_id.id),
                ("state", "in", ("draft", "approved")),
            ]
        )
        return set(records[subject_field].ids)

    def _md_supplier_approval_vals(self, row, partners, licences, qualified, issues):
        """The approval's values, or None once the row's problem is reported."""
        values = row.values
        partner_id = partners.get(values["partner_ref"])
        numbers = [number.strip() for number in values["licence_numbers"].split(",") if number.strip()]
        unknown = [number for number in numbers if (partner_id, number) not in licences]
        if not partner_id:
            issues.add(row, "partner_ref", self.env._("No partner has this reference."))
        elif partner_id in qualified:
            issues.add(
                row, "partner_ref", self.env._("This supplier already has a first-time approval in Odoo.")
            )
        elif unknown:
            issues.add(
                row,
                "licence_numbers",
                self.env._("The supplier has no licence numbered %s.", ", ".join(unknown)),
            )
        else:
            licence_ids = [licence_id for number in numbers for licence_id in licences[(partner_id, number)]]
            return {
                "partner_id": partner_id,
                "company_id": self.company_id.id,
                "licence_ids": [fields.Command.set(licence_ids)],
                "sales_rep_name": values["sales_rep_name"] or False,
                "notes": values["notes"] or False,
            }
        return None

    def _md_reconcile_supplier_approvals(self, rows, records):
        return self._md_reconcile_approvals(rows, records, ("approved",))

    # -- registration certificates ------------------------------------------------

    def _md_import_registrations(self, rows, issues):
        partners = self._md_partners_by_ref(
            [row.values[key] for row in rows for key in ("holder_ref", "notified_body_ref")]
        )
        products = self._md_templates_by_code([code for row in rows for code in self._md_codes(row)])
        existing = self._md_existing_registrations(rows)
        rows = self._md_refuse_repeats(
            rows,
            lambda row: (row.values["registration_type"], row.values["number"]),
            issues,
            "number",
            self.env._("This certificate is already on an earlier row."),
        )
        vals_list = []
        for row in rows:
            vals = self._md_registration_vals(row, partners, products, existing, issues)
            if vals and self._md_check_approval_row(row, issues):
                vals_list.append((row, vals))
        created = self._md_create_rows("md.registration", vals_list, issues)
        self._md_approve_legacy_rows(created, issues)
        return self._md_records("md.registration", created)

    def _md_codes(self, row):
        return [code.strip() for code in row.values["default_codes"].split(",") if code.strip()]

    def _md_templates_by_code(self, codes):
        return self._md_by_key("product.template", "default_code", codes, [("active", "=", True)])

    def _md_existing_registrations(self, rows):
        """{(type, number)} of the company's certificates (the model's unique key)."""
        registrations = (
            self.env["md.registration"]
            .with_context(active_test=False)
            .search_read(
                [
                    ("company_id", "=", self.company_id.id),
                    ("number", "in", [row.values["number"] for row in rows]),
                ],
                ["registration_type", "number"],
            )
        )
        return {(registration["registration_type"], registration["number"]) for registration in registrations}

    def _md_registration_vals(self, row, partners, products, existing, issues):
        """The certificate's values, or None once the row's problem is reported."""
        values = row.values
        market = self._md_market(values["market"])
        unknown = [code for code in self._md_codes(row) if code not in products]
        problem = None
        if (values["registration_type"], values["number"]) in existing:
            problem = "number", self.env._("A certificate of this type with this number is already recorded.")
        elif not market:
            problem = "market", self.env._("Give a country code or EU.")
        elif unknown:
            problem = (
                "default_codes",
                self.env._("No device has the internal reference %s.", ", ".join(unknown)),
            )
        else:
            for key in ("holder_ref", "notified_body_ref"):
                if values[key] and values[key] not in partners:
                    problem = key, self.env._("No partner has this reference.")
        if problem:
            issues.add(row, *problem)
            return None
        return {
            **market,
            "registration_type": values["registration_type"],
            "number": values["number"],
            "company_id": self.company_id.id,
            "holder_id": partners.get(values["holder_ref"]) or self.company_id.partner_id.id,
            "notified_body_id": partners.get(values["notified_body_ref"], False),
            "notified_body_number": values["notified_body_number"] or False,
            "product_tmpl_ids": [fields.Command.set([products[code] for code in self._md_codes(row)])],
            "models_text": values["models_text"] or False,
            "issue_date": values["issue_date"],
            "expiry_date": values["expiry_date"],
        }

    def _md_market(self, code):
        """The certificate's country or country group of a market code, or None."""
        code = code.strip().upper()
        if code == EU_MARKET:
            return {"country_group_id": self.env.ref("md_regulatory.country_group_eu_eea_mdr").id}
        country_id = self._md_countries([code]).get(code)
        return {"country_id": country_id} if country_id else None

    def _md_reconcile_registrations(self, rows, records):
        return self._md_reconcile_approvals(rows, records, ("valid", "expired"))

    # -- product approvals ----------------------------------------------------------

    def _md_import_product_approvals(self, rows, issues):
        products = self._md_templates_by_code([row.values["default_code"] for row in rows])
        suppliers = self._md_partners_by_ref([row.values["supplier_ref"] for row in rows])
        registrations = self._md_by_key(
            "md.registration",
            "number",
            [row.values["registration_number"] for row in rows],
            [("company_id", "=", self.company_id.id)],
        )
        qualified = self._md_qualified_subjects(
            "md.product.qualification", "product_tmpl_id", products.values()
        )
        rows = self._md_refuse_repeats(
            rows,
            lambda row: row.values["default_code"],
            issues,
            "default_code",
            self.env._("This device is already on an earlier row."),
        )
        vals_list = []
        for row in rows:
            vals = self._md_product_approval_vals(row, products, suppliers, registrations, qualified, issues)
            if vals and self._md_check_approval_row(row, issues):
                vals_list.append((row, vals))
        created = self._md_create_rows("md.product.qualification", vals_list, issues)
        self._md_approve_legacy_rows(created, issues)
        return self._md_records("md.product.qualification", created)

    def _md_product_approval_vals(self, row, products, suppliers, registrations, qualified, issues):
        """The approval's values, or None once the row's problem is reported."""
        values = row.values
        product_id = products.get(values["default_code"])
        registration_id = registrations.get(values["registration_number"])
        problem = None
        if not product_id:
            problem = "default_code", self.env._("No device has this internal reference.")
        elif product_id in qualified:
            problem = "default_code", self.env._("This device already has a first-time approval in Odoo.")
        elif values["registration_number"] and not registration_id:
            problem = "registration_number", self.env._("No registration certificate has this number.")
        elif registration_id and not self._md_registration_covers(registration_id, product_id):
            problem = "registration_number", self.env._("This certificate does not cover the device.")
        elif values["supplier_ref"] and values["supplier_ref"] not in suppliers:
            problem = "supplier_ref", self.env._("No partner has this reference.")
        if problem:
            issues.add(row, *problem)
            return None
        return {
            "product_tmpl_id": product_id,
            "company_id": self.company_id.id,
            "registration_id": registration_id or False,
            "supplier_id": suppliers.get(values["supplier_ref"], False),
            "notes": values["notes"] or False,
        }

    def _md_registration_covers(self, registration_id, product_id):
        registration = self.env["md.registration"].browse(registration_id)
        product = self.env["product.template"].browse(product_id)
        return product in registration.product_tmpl_ids or bool(
            registration.categ_ids
            and product.categ_id.search_count(
                [("id", "=", product.categ_id.id), ("id", "child_of", registration.categ_ids.ids)]
            )
        )

    def _md_reconcile_product_approvals(self, rows, records):
        return self._md_reconcile_approvals(rows, records, ("approved",))
