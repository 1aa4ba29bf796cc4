"""Data elements of the UDI databases, as each database names them.

- FDA GUDID (21 CFR 830.310): labels are the GUDID data element names, XML tags the names
  AccessGUDID uses for the same elements.
- EU EUDAMED: the UDI-DI core data of MDR 2017/745 Annex VI Part B (plus the implantable flag of
  the Basic UDI-DI data, Part A 2). Tags are our camelCase rendering of the Annex items: the
  EUDAMED XSD names were not available to check.
- China NMPA UDID: the Chinese data element names of YY/T 1752-2020, tags the pinyin-initial codes
  of the UDID data-sharing XML (verify against the YY/T 1753 interface specification).

A value of None or "" is missing; False is a value ("no").
"""

from collections import namedtuple

Element = namedtuple("Element", "label tag value required")
Database = namedtuple(
    "Database",
    "code name market_field root device_tag package_list_tag package_tag bool_text "
    "device_elements package_elements",
)

FDA_AGENCIES = {"gs1": "GS1", "hibcc": "HIBCC", "iccbba": "ICCBBA"}
EU_ENTITIES = {"gs1": "GS1", "hibcc": "HIBCC", "iccbba": "ICCBBA"}
NMPA_CODING_SYSTEMS = {"gs1": "GS1", "ma": "MA", "ahm": "AHM"}

GUDID_MRI = {
    "safe": "MR Safe",
    "conditional": "MR Conditional",
    "unsafe": "MR Unsafe",
    "no_info": "Labeling does not contain MRI Safety Information",
}
GUDID_STERILISATION = {
    "eo": "Ethylene Oxide",
    "gamma": "Radiation",
    "ebeam": "Radiation",
    "steam": "Moist Heat or Steam",
    "dry_heat": "Dry Heat",
    "h2o2": "Hydrogen Peroxide",
    "other": "Other",
}
EU_STATUS = {
    "on_market": "On the EU market",
    "off_market": "No longer placed on the EU market",
    "recalled": "Recalled",
    "fsca": "Field Safety Corrective Action initiated",
}
NMPA_MRI = {
    "safe": "安全",
    "conditional": "条件安全",
    "unsafe": "不安全",
    "no_info": "说明书或标签上面不包括MR安全信息",
}
NMPA_STERILISATION = {
    "eo": "环氧乙烷灭菌",
    "gamma": "辐照灭菌",
    "ebeam": "电子束灭菌",
    "steam": "湿热灭菌",
    "dry_heat": "干热灭菌",
    "h2o2": "过氧化氢灭菌",
    "other": "其他",
}
NMPA_LEVELS = {
    "unit_of_use": "使用单元",
    "each": "单件",
    "inner": "中包装",
    "box": "盒",
    "case": "箱",
    "pallet": "托盘",
}


def _text(value):
    return value or None


def chinese_name(product):
    """The product name in Chinese when that language is installed (NMPA records are in Chinese)."""
    lang = product.env["res.lang"]._get_code("zh_CN")
    return _text(product.with_context(lang=lang).name if lang else product.name)


def manufacturer(product):
    return product.md_manufacturer_id or product.company_id.partner_id or product.env.company.partner_id


def unit_of_use_di(product):
    return _text(product.packaging_ids.filtered(lambda p: p.md_udi_level == "unit_of_use")[:1].md_udi_di)


def package_levels(product):
    """Yield (packaging, contained DI, number of contained items) from the smallest level up."""
    levels = product.packaging_ids.filtered(
        lambda p: (p.md_udi_di or p.md_udi_level) and p.md_udi_level != "unit_of_use"
    ).sorted("qty")
    lower_di, lower_qty = product.md_udi_di, 1.0
    for packaging in levels:
        yield packaging, lower_di, packaging.qty / lower_qty
        lower_di, lower_qty = packaging.md_udi_di, packaging.qty


def label_pis(product, names):
    flags = (
        product.md_label_lot,
        product.md_label_serial,
        product.md_label_expiry,
        product.md_label_production_date,
    )
    return _text(", ".join(name for name, flag in zip(names, flags, strict=True) if flag))


def storage_text(product):
    parts = [product.md_storage_conditions] if product.md_storage_conditions else []
    if product.md_storage_temp_controlled:
        parts.append(f"{product.md_storage_temp_min:g} °C to {product.md_storage_temp_max:g} °C")
    return _text("; ".join(parts))


def storage_bound(product, bound):
    return product[bound] if product.md_storage_temp_controlled else None


def sterilised(product):
    return product.md_sterile or product.md_requires_sterilisation


def several_devices(product):
    return product.md_device_count > 1


def outside_eu(product):
    country = manufacturer(product).country_id
    return bool(country) and country not in product.env.ref("base.europe").country_ids


def fda_premarket_required(product):
    # Class I devices are mostly 510(k) exempt; class II and III have a premarket number.
    return product.md_risk_class_us in ("II", "III")


GUDID = Database(
    code="gudid",
    market_field="md_risk_class_us",
    name="GUDID",
    root="gudidDevices",
    device_tag="device",
    package_list_tag="identifiers",
    package_tag="identifier",
    bool_text=("true", "false"),
    device_elements=[
        Element("Primary DI Number", "primaryDi", lambda p: _text(p.md_udi_di), True),
        Element("Issuing Agency", "deviceIdIssuingAgency", lambda p: FDA_AGENCIES.get(p.md_udi_issuer), True),
        Element("Device Count", "deviceCount", lambda p: p.md_device_count, True),
        Element("Unit of Use DI Number", "unitOfUseDi", unit_of_use_di, several_devices),
        Element("Labeler DUNS Number", "dunsNumber", lambda p: _text(manufacturer(p).md_duns), True),
        Element("Company Name", "companyName", lambda p: _text(manufacturer(p).name), True),
        Element("Brand Name", "brandName", lambda p: _text(p.md_brand_name), True),
        Element("Version or Model", "versionModelNumber", lambda p: _text(p.md_model_version), True),
        Element("Catalog Number", "catalogNumber", lambda p: _text(p.md_catalogue_number), False),
        Element("Device Description", "deviceDescription", lambda p: _text(p.md_device_description), False),
        Element(
            "Commercial Distribution Status",
            "deviceCommDistributionStatus",
            lambda p: (
                "In Commercial Distribution"
                if p.md_market_status == "on_market"
                else _text(p.md_market_status and "Not in Commercial Distribution")
            ),
            True,
        ),
        Element("For Single-Use", "singleUse", lambda p: p.md_single_use, True),
        Element("Lot or Batch Number", "lotBatch", lambda p: p.md_label_lot, True),
        Element("Serial Number", "serialNumber", lambda p: p.md_label_serial, True),
        Element("Manufacturing Date", "manufacturingDate", lambda p: p.md_label_production_date, True),
        Element("Expiration Date", "expirationDate", lambda p: p.md_label_expiry, True),
        Element(
            "Device required to be labeled as containing natural rubber latex or dry natural rubber",
            "labeledContainsNRL",
            lambda p: p.md_contains_latex,
            True,
        ),
        Element("MRI Safety Status", "MRISafetyStatus", lambda p: GUDID_MRI.get(p.md_mri_safety), True),
        Element(
            "Prescription Use (Rx)",
            "rx",
            lambda p: p.md_prescription in ("rx", "both") if p.md_prescription else None,
            True,
        ),
        Element(
            "Over the Counter (OTC)",
            "otc",
            lambda p: p.md_prescription in ("otc", "both") if p.md_prescription else None,
            True,
        ),
        Element("Kit", "deviceKit", lambda p: p.md_is_kit, True),
        Element("Combination Product", "deviceCombinationProduct", lambda p: p.md_is_combination, True),
        Element(
            "Human Cell, Tissue or Cellular or Tissue-Based Product (HCT/P)",
            "deviceHCTP",
            lambda p: p.md_is_hctp,
            True,
        ),
        Element("Device Packaged as Sterile", "deviceSterile", lambda p: p.md_sterile, True),
        Element(
            "Requires Sterilization Prior to Use",
            "sterilizationPriorToUse",
            lambda p: p.md_requires_sterilisation,
            True,
        ),
        Element(
            "Sterilization Method",
            "sterilizationMethod",
            lambda p: GUDID_STERILISATION.get(p.md_sterilisation_method),
            sterilised,
        ),
        Element(
            "FDA Premarket Submission Number",
            "submissionNumber",
            lambda p: _text(p.md_fda_premarket_number),
            fda_premarket_required,
        ),
        Element("FDA Product Code", "productCode", lambda p: _text(p.md_fda_product_code), True),
        Element("GMDN Code", "gmdnCode", lambda p: _text(p.md_gmdn_code), True),
        Element("Clinically Relevant Size", "clinicalSize", lambda p: _text(p.md_clinical_size), False),
        Element(
            "Special Storage Conditions",
            "specialStorageCondition",
            lambda p: _text(p.md_storage_conditions),
            False,
        ),
        Element(
            "Storage and Handling Low Value (Degrees Celsius)",
            "storageHandlingLow",
            lambda p: storage_bound(p, "md_storage_temp_min"),
            lambda p: p.md_storage_temp_controlled,
        ),
        Element(
            "Storage and Handling High Value (Degrees Celsius)",
            "storageHandlingHigh",
            lambda p: storage_bound(p, "md_storage_temp_max"),
            lambda p: p.md_storage_temp_controlled,
        ),
    ],
    package_elements=[
        Element("Package DI Number", "deviceId", lambda pk, di, qty: _text(pk.md_udi_di), True),
        Element(
            "Package Issuing Agency",
            "deviceIdIssuingAgency",
            lambda pk, di, qty: FDA_AGENCIES.get(pk.md_udi_issuer),
            True,
        ),
        Element("Quantity per Package", "pkgQuantity", lambda pk, di, qty: qty, True),
        Element("Contains DI Package", "containsDINumber", lambda pk, di, qty: _text(di), True),
        Element(
            "Package Type",
            "pkgType",
            lambda pk, di, qty: _text(pk.md_udi_level and pk.md_udi_level.replace("_", " ").title()),
            False,
        ),
    ],
)

EUDAMED = Database(
    code="eudamed",
    market_field="md_risk_class_eu",
    name="EUDAMED",
    root="eudamedUdiDiData",
    device_tag="udiDi",
    package_list_tag="packages",
    package_tag="package",
    bool_text=("true", "false"),
    device_elements=[
        Element("UDI-DI", "udiDiCode", lambda p: _text(p.md_udi_di), True),
        Element("Issuing entity", "issuingEntity", lambda p: EU_ENTITIES.get(p.md_udi_issuer), True),
        Element("Basic UDI-DI", "basicUdiDi", lambda p: _text(p.md_basic_udi_di), True),
        Element("Quantity of devices", "quantityOfDevices", lambda p: p.md_device_count, True),
        Element("Unit of use UDI-DI", "unitOfUseUdiDi", unit_of_use_di, several_devices),
        Element(
            "Type of UDI-PI",
            "udiPiType",
            lambda p: label_pis(
                p, ("Batch number", "Serial number", "Expiration date", "Manufacturing date")
            ),
            False,
        ),
        Element("Manufacturer name", "manufacturerName", lambda p: _text(manufacturer(p).name), True),
        Element("Manufacturer SRN", "manufacturerSrn", lambda p: _text(manufacturer(p).md_eu_srn), True),
        Element(
            "Authorised representative SRN",
            "authorisedRepresentativeSrn",
            lambda p: _text(p.md_authorised_rep_id.md_eu_srn),
            outside_eu,
        ),
        Element("EMDN code", "emdnCode", lambda p: _text(p.md_emdn_code), True),
        Element(
            "Risk class",
            "riskClass",
            lambda p: _text(p.md_risk_class_eu and f"Class {p.md_risk_class_eu}"),
            True,
        ),
        Element("Trade name", "tradeName", lambda p: _text(p.md_brand_name), True),
        Element("Model / reference", "reference", lambda p: _text(p.md_model_version), True),
        Element("Catalogue number", "catalogueNumber", lambda p: _text(p.md_catalogue_number), False),
        Element("Clinical size", "clinicalSize", lambda p: _text(p.md_clinical_size), False),
        Element(
            "Additional product description",
            "additionalDescription",
            lambda p: _text(p.md_device_description),
            False,
        ),
        Element("Storage and handling conditions", "storageHandlingConditions", storage_text, False),
        Element("Labelled as single use", "singleUse", lambda p: p.md_single_use, True),
        Element("Maximum number of reuses", "maxNumberOfReuses", lambda p: p.md_max_reuses or None, False),
        Element("Labelled as sterile", "sterile", lambda p: p.md_sterile, True),
        Element(
            "Need for sterilisation before use",
            "sterilisationNeeded",
            lambda p: p.md_requires_sterilisation,
            True,
        ),
        Element("Containing latex", "latex", lambda p: p.md_contains_latex, True),
        Element(
            "Containing CMR or endocrine-disrupting substances",
            "cmrSubstances",
            lambda p: p.md_cmr_substances,
            True,
        ),
        Element("Implantable", "implantable", lambda p: p.md_implantable, True),
        Element("URL for additional information (eIFU)", "eifuUrl", lambda p: _text(p.md_eifu_url), False),
        Element(
            "Critical warnings or contra-indications",
            "criticalWarnings",
            lambda p: _text(p.md_critical_warnings),
            False,
        ),
        Element("Status of the device", "deviceStatus", lambda p: EU_STATUS.get(p.md_market_status), True),
    ],
    package_elements=[
        Element("Package UDI-DI", "packageUdiDi", lambda pk, di, qty: _text(pk.md_udi_di), True),
        Element("Quantity per package", "quantityPerPackage", lambda pk, di, qty: qty, True),
        Element("Contained UDI-DI", "containedUdiDi", lambda pk, di, qty: _text(di), True),
    ],
)

NMPA = Database(
    code="nmpa",
    market_field="md_risk_class_cn",
    name="NMPA UDID",
    root="udid",
    device_tag="device",
    package_list_tag="packingInfoList",
    package_tag="packingInfo",
    bool_text=("是", "否"),
    device_elements=[
        Element("最小销售单元产品标识", "ZXXSDYCPBS", lambda p: _text(p.md_udi_di), True),
        Element(
            "产品标识编码体系名称", "CPBSBMTXMC", lambda p: NMPA_CODING_SYSTEMS.get(p.md_udi_issuer), True
        ),
        Element("最小销售单元中使用单元的数量", "ZXXSDYZSYDYDSL", lambda p: p.md_device_count, True),
        Element("使用单元产品标识", "SYDYCPBS", unit_of_use_di, several_devices),
        Element("产品名称/通用名称", "CPMCTYMC", chinese_name, True),
        Element("商品名称", "SPMC", lambda p: _text(p.md_brand_name), False),
        Element("规格型号", "GGXH", lambda p: _text(p.md_model_version), True),
        Element("是否为包类/组套类产品", "SFWBLZTLCP", lambda p: p.md_is_kit, True),
        Element("产品描述", "CPMS", lambda p: _text(p.md_device_description), True),
        Element("产品货号或编号", "CPHHHBH", lambda p: _text(p.md_catalogue_number), False),
        Element("管理类别", "GLLB", lambda p: _text(p.md_risk_class_cn), True),
        Element("分类编码", "FLBM", lambda p: _text(p.md_nmpa_class_code), True),
        Element(
            "注册证编号或者备案凭证编号", "ZCZBHHZBAPZBH", lambda p: _text(p.md_cn_registration_number), True
        ),
        Element("医疗器械注册人/备案人名称", "YLQXZCRBARMC", lambda p: _text(manufacturer(p).name), True),
        Element("统一社会信用代码", "TYSHXYDM", lambda p: _text(manufacturer(p).vat), True),
        Element("磁共振(MR)安全相关信息", "CGZMRAQXGXX", lambda p: NMPA_MRI.get(p.md_mri_safety), True),
        Element("是否标记为一次性使用", "SFBJWYCXSY", lambda p: p.md_single_use, True),
        Element("最大重复使用次数", "ZDCFSYCS", lambda p: p.md_max_reuses or None, False),
        Element("是否为无菌包装", "SFWWJBZ", lambda p: p.md_sterile, True),
        Element("使用前是否需要进行灭菌", "SYQSFXYJXMJ", lambda p: p.md_requires_sterilisation, True),
        Element("灭菌方式", "MJFS", lambda p: NMPA_STERILISATION.get(p.md_sterilisation_method), sterilised),
        Element("生产标识是否包含批号", "SCBSSFBHPH", lambda p: p.md_label_lot, True),
        Element("生产标识是否包含序列号", "SCBSSFBHXLH", lambda p: p.md_label_serial, True),
        Element("生产标识是否包含生产日期", "SCBSSFBHSCRQ", lambda p: p.md_label_production_date, True),
        Element("生产标识是否包含失效日期", "SCBSSFBHSXRQ", lambda p: p.md_label_expiry, True),
        Element("特殊储存或操作条件", "TSCCHCZTJ", storage_text, False),
        Element("特殊尺寸说明", "TSCCSM", lambda p: _text(p.md_clinical_size), False),
        Element("其他信息的网址链接", "QTXXDWZLJ", lambda p: _text(p.md_eifu_url), False),
        Element("医保耗材分类编码", "YBHCFLBM", lambda p: _text(p.md_cn_insurance_code), False),
    ],
    package_elements=[
        Element("包装产品标识", "BZCPBS", lambda pk, di, qty: _text(pk.md_udi_di), True),
        Element("产品包装级别", "CPBZJB", lambda pk, di, qty: NMPA_LEVELS.get(pk.md_udi_level), True),
        Element("包装内含下一级包装产品标识", "BZNHXYJBZCPBS", lambda pk, di, qty: _text(di), True),
        Element("包装内含下一级产品标识数量", "BZNHXYJCPBSSL", lambda pk, di, qty: qty, True),
    ],
)

DATABASES = {database.code: database for database in (GUDID, EUDAMED, NMPA)}


def is_missing(value):
    return value is None or value == ""


def is_required(element, *args):
    return element.required(*args) if callable(element.required) else element.required


def missing_elements(database, product):
    """Labels of the required elements ``product`` lacks for ``database``."""
    missing = [
        element.label
        for element in database.device_elements
        if is_required(element, product) and is_missing(element.value(product))
    ]
    for packaging, contained_di, quantity in package_levels(product):
        missing += [
            f"{packaging.name}: {element.label}"
            for element in database.package_elements
            if is_required(element, packaging, contained_di, quantity)
            and is_missing(element.value(packaging, contained_di, quantity))
        ]
    return missing


def markets(product):
    """The databases of the markets the device has a risk class for; all of them when none is set yet."""
    databases = [database for database in DATABASES.values() if product[database.market_field]]
    return databases or list(DATABASES.values())


def missing_elements_report(products):
    """{product id: text listing per database the missing required elements} for the devices."""
    reports = {}
    for product in products.filtered("md_is_device"):
        lines = [
            f"{database.name}: {', '.join(missing)}"
            for database in markets(product)
            if (missing := missing_elements(database, product))
        ]
        reports[product.id] = "\n".join(lines) or False
    return reports
