"""Data elements of the UDI databases, as each database names them.

Each Element: ``label`` (the column of the CSV export), ``tag`` (the XML element, a path of
qualified names for nested elements; None when no element of the database's schema could be
identified: the value is then written as an XML comment), ``value``, ``required`` and ``note``
(what could not be verified or exported; shown in the CSV "Notes" column and in XML comments).

- FDA GUDID (21 CFR 830.310): labels are the GUDID data element names, XML tags the names
  AccessGUDID uses for the same elements (not re-checked in this version).
- EU EUDAMED: element names, nesting and coded values of the EUDAMED DTX XML schema published by the
  European Commission (version 3.0.25; namespaces https://ec.europa.eu/tools/eudamed/dtx/datamodel/...;
  UDIDIType.xsd, BasicUDIType.xsd, CommonDeviceType.xsd, DI.xsd, as copied in the public repository
  AttilaJakosa-MC/EUDAMED_XML_Generator, "EUDAMED downloaded/XSD"), each cited by the schema's
  #FLD-UDID-nnn# field number. An MDR device is a device:MDRDevice with its device:MDRBasicUDI (Basic
  UDI-DI data, MDR Annex VI Part A 2) and device:MDRUDIDIData (UDI-DI data, Annex VI Part B).
- China NMPA UDID: element names of the UDID public data download XML (udi.nmpa.gov.cn:
  udid/devices/device, packingList/packing, lower-case pinyin-initial tags) and its Chinese column
  names, as independent public parsers of that file transcribe them; YY/T 1752-2020 and the
  YY/T 1753-2020 submission interface could not be checked.

A value of None or "" is missing; False is a value ("no").
"""

from collections import namedtuple

Element = namedtuple("Element", "label tag value required note", defaults=(None,))
Database = namedtuple(
    "Database",
    "code name market_field root device_list_tag device_tag package_list_tag package_tag bool_text "
    "namespaces schema device_elements package_elements",
)

FDA_AGENCIES = {"gs1": "GS1", "hibcc": "HIBCC", "iccbba": "ICCBBA"}
# EUDAMED IssuingEntityTypeEnum (UDIDIType.xsd): EUDAMED, GS1, IFA, HIBCC, ICCBBA.
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
# DeviceStatusEnum (udidi:status) and DeviceSubstatusEnum (FLD-UDID-131), UDIDIType.xsd: a recall
# or an FSCA is a substatus of a device that is on the market or no longer placed on it.
EU_STATUS = {"on_market": "ON_THE_MARKET", "off_market": "NO_LONGER_PLACED_ON_THE_MARKET"}
EU_SUBSTATUS = {"recalled": "RECALLED", "fsca": "FIELD_SAFETY_CORRECTIVE_ACTION_INITIATED"}
# RiskClassEnum (RiskClassEnum.xsd)
EU_RISK_CLASS = {"I": "CLASS_I", "IIa": "CLASS_IIA", "IIb": "CLASS_IIB", "III": "CLASS_III"}
# PIElementEnum (UDIDIType.xsd), in the order of the label flags
EU_PI_TYPES = ("BATCH_NUMBER", "SERIALISATION_NUMBER", "EXPIRATION_DATE", "MANUFACTURING_DATE")
EUDAMED_NAMESPACES = {
    "device": "https://ec.europa.eu/tools/eudamed/dtx/datamodel/Entity/Device/v1",
    "basicudi": "https://ec.europa.eu/tools/eudamed/dtx/datamodel/Entity/Device/BasicUDI/v1",
    "udidi": "https://ec.europa.eu/tools/eudamed/dtx/datamodel/Entity/UDIDI/v1",
    "commondi": "https://ec.europa.eu/tools/eudamed/dtx/datamodel/Entity/Device/CommonDevice/v1",
    "lsn": "https://ec.europa.eu/tools/eudamed/dtx/datamodel/Entity/Common/LanguageSpecific/v1",
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


def label_pis(product, names, separator=", "):
    flags = (
        product.md_label_lot,
        product.md_label_serial,
        product.md_label_expiry,
        product.md_label_production_date,
    )
    return _text(separator.join(name for name, flag in zip(names, flags, strict=True) if flag))


def eu_number_of_reuses(product):
    """FLD-UDID-157: 0 for a single-use device, the number of reuses when limited, 1 when not defined."""
    if product.md_single_use:
        return 0
    return product.md_max_reuses or 1


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
    device_list_tag=None,
    device_tag="device",
    package_list_tag="identifiers",
    package_tag="identifier",
    bool_text=("true", "false"),
    namespaces=None,
    schema="Element names: FDA GUDID data elements (CSV) and the AccessGUDID names of the same elements.",
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

_EU_NOT_CODED = (
    "EUDAMED codes this item ({codes}); free text cannot be mapped to a code: enter it in EUDAMED "
    "(the value is given here as a comment)"
)

EUDAMED = Database(
    code="eudamed",
    market_field="md_risk_class_eu",
    name="EUDAMED",
    root="eudamedDevices",
    device_list_tag=None,
    device_tag="device:MDRDevice",
    package_list_tag="device:MDRUDIDIData/udidi:packages",
    package_tag="udidi:package",
    bool_text=("true", "false"),
    namespaces=EUDAMED_NAMESPACES,
    schema=(
        "Element names, nesting and codes of the EUDAMED DTX XML schema 3.0.25 (European Commission). "
        "Not an EUDAMED DTX message: the m:Push envelope and the elements Odoo does not hold are missing, "
        "and the container eudamedDevices is this export's own."
    ),
    device_elements=[
        # device:MDRBasicUDI (BasicUDIType.xsd, MDRBasicUDIType)
        Element(
            "Risk class",  # FLD-UDID-16
            "device:MDRBasicUDI/basicudi:riskClass",
            lambda p: EU_RISK_CLASS.get(p.md_risk_class_eu),
            True,
        ),
        Element(
            "Device model",  # FLD-UDID-20
            "device:MDRBasicUDI/basicudi:model",
            lambda p: _text(p.md_model_version),
            True,
        ),
        Element(
            "Basic UDI-DI",  # FLD-UDID-02 in basicudi:identifier (commondi:DIIdentifierType)
            "device:MDRBasicUDI/basicudi:identifier/commondi:DICode",
            lambda p: _text(p.md_basic_udi_di),
            True,
        ),
        Element(
            "Basic UDI-DI issuing entity",  # FLD-UDID-01
            "device:MDRBasicUDI/basicudi:identifier/commondi:issuingEntityCode",
            lambda p: EU_ENTITIES.get(p.md_udi_issuer) if p.md_basic_udi_di else None,
            lambda p: bool(p.md_basic_udi_di),
        ),
        Element(
            "Authorised representative SRN",  # FLD-UDID-15
            "device:MDRBasicUDI/basicudi:ARActorCode",
            lambda p: _text(p.md_authorised_rep_id.md_eu_srn),
            outside_eu,
        ),
        Element(
            "Manufacturer SRN",  # FLD-UDID-10
            "device:MDRBasicUDI/basicudi:MFActorCode",
            lambda p: _text(manufacturer(p).md_eu_srn),
            True,
        ),
        Element(
            "Implantable",  # FLD-UDID-30, commondi:MDApplicablePropertiesGroup
            "device:MDRBasicUDI/commondi:implantable",
            lambda p: p.md_implantable,
            True,
        ),
        # device:MDRUDIDIData (UDIDIType.xsd, MDRUDIDIDataType)
        Element(
            "UDI-DI",  # FLD-UDID-02 in udidi:identifier
            "device:MDRUDIDIData/udidi:identifier/commondi:DICode",
            lambda p: _text(p.md_udi_di),
            True,
        ),
        Element(
            "Issuing entity",  # FLD-UDID-01
            "device:MDRUDIDIData/udidi:identifier/commondi:issuingEntityCode",
            lambda p: EU_ENTITIES.get(p.md_udi_issuer),
            True,
        ),
        Element(
            "Status of the device",  # udidi:status, commondi:UDIDIStatusType, DeviceStatusEnum
            "device:MDRUDIDIData/udidi:status/commondi:code",
            lambda p: EU_STATUS.get(p.md_market_status),
            lambda p: p.md_market_status in EU_STATUS,
        ),
        Element(
            "Additional product description",  # FLD-UDID-175, lsn:LanguageSpecificTextsType
            "device:MDRUDIDIData/udidi:additionalDescription/lsn:name/lsn:textValue",
            lambda p: _text(p.md_device_description),
            False,
            "the text's language (lsn:language, required by the schema) is not recorded: add it in EUDAMED",
        ),
        Element(
            "Basic UDI-DI of the UDI-DI",  # FLD-UDID-145
            "device:MDRUDIDIData/udidi:basicUDIIdentifier/commondi:DICode",
            lambda p: _text(p.md_basic_udi_di),
            True,
        ),
        Element(
            "EMDN code",  # FLD-UDID-149 nomenclature code(s)
            "device:MDRUDIDIData/udidi:MDNCodes",
            lambda p: _text(p.md_emdn_code),
            True,
        ),
        Element(
            "Type of UDI-PI",  # FLD-UDID-148, PIElementEnum list
            "device:MDRUDIDIData/udidi:productionIdentifier",
            lambda p: label_pis(p, EU_PI_TYPES, " "),
            False,
        ),
        Element(
            "Reference / catalogue number",  # FLD-UDID-163 (minOccurs 1)
            "device:MDRUDIDIData/udidi:referenceNumber",
            lambda p: _text(p.md_catalogue_number),
            True,
        ),
        Element(
            "Device labelled sterile",  # FLD-UDID-169
            "device:MDRUDIDIData/udidi:sterile",
            lambda p: p.md_sterile,
            True,
        ),
        Element(
            "Need for sterilisation before use",  # FLD-UDID-170
            "device:MDRUDIDIData/udidi:sterilization",
            lambda p: p.md_requires_sterilisation,
            True,
        ),
        Element(
            "Trade name",  # FLD-UDID-176, lsn:LanguageSpecificTextsType
            "device:MDRUDIDIData/udidi:tradeNames/lsn:name/lsn:textValue",
            lambda p: _text(p.md_brand_name),
            True,
            "the trade name's language (lsn:language, required by the schema) is not recorded: add it in "
            "EUDAMED",
        ),
        Element(
            "URL for additional information",  # FLD-UDID-174
            "device:MDRUDIDIData/udidi:website",
            lambda p: _text(p.md_eifu_url),
            False,
        ),
        Element(
            "Storage and handling conditions",
            None,
            storage_text,
            False,
            _EU_NOT_CODED.format(codes="udidi:storageHandlingConditions, SHC codes"),
        ),
        Element(
            "Critical warnings or contra-indications",
            None,
            lambda p: _text(p.md_critical_warnings),
            False,
            _EU_NOT_CODED.format(codes="udidi:criticalWarnings, CW codes"),
        ),
        Element(
            "Device substatus",  # FLD-UDID-131, DeviceSubstatusEnum
            "device:MDRUDIDIData/udidi:substatuses/commondi:substatus/commondi:code",
            lambda p: EU_SUBSTATUS.get(p.md_market_status),
            False,
            "the substatus start date (commondi:startDate, FLD-UDID-126) is not recorded",
        ),
        Element(
            "Maximum number of reuses",  # FLD-UDID-157: 0 single use, 1 not defined, n limited
            "device:MDRUDIDIData/udidi:numberOfReuses",
            eu_number_of_reuses,
            True,
        ),
        Element(
            "Unit of use UDI-DI",  # FLD-UDID-135
            "device:MDRUDIDIData/udidi:deviceMarking/udidi:unitOfUseIdentifier/commondi:DICode",
            unit_of_use_di,
            several_devices,
        ),
        Element(
            "Quantity of device",  # FLD-UDID-151
            "device:MDRUDIDIData/udidi:baseQuantity",
            lambda p: p.md_device_count,
            True,
        ),
        Element(
            "Containing latex",  # FLD-UDID-156
            "device:MDRUDIDIData/udidi:latex",
            lambda p: p.md_contains_latex,
            True,
        ),
        Element(
            "Containing CMR or endocrine-disrupting substances",
            None,
            lambda p: p.md_cmr_substances,
            False,
            "EUDAMED lists each substance (udidi:substances: name, CAS/EC code, CMR category, "
            "FLD-UDID-196 to 203); Odoo records only yes/no: enter the substances in EUDAMED",
        ),
        Element(
            "Clinical size",
            None,
            lambda p: _text(p.md_clinical_size),
            False,
            _EU_NOT_CODED.format(codes="udidi:clinicalSizes, CST size types and MU units"),
        ),
    ],
    package_elements=[
        Element(
            "Package UDI-DI",  # FLD-UDID-02 in udidi:identifier of udidi:PackageUDIType
            "udidi:identifier/commondi:DICode",
            lambda pk, di, qty: _text(pk.md_udi_di),
            True,
        ),
        Element(
            "Package issuing entity",  # FLD-UDID-01
            "udidi:identifier/commondi:issuingEntityCode",
            lambda pk, di, qty: EU_ENTITIES.get(pk.md_udi_issuer),
            True,
        ),
        Element(
            "Contained UDI-DI",  # FLD-UDID-124 udidi:child
            "udidi:child/commondi:DICode",
            lambda pk, di, qty: _text(di),
            True,
        ),
        Element(
            "Quantity per package",  # FLD-UDID-121
            "udidi:numberOfItems",
            lambda pk, di, qty: qty,
            True,
        ),
    ],
)

NMPA = Database(
    code="nmpa",
    market_field="md_risk_class_cn",
    name="NMPA UDID",
    root="udid",
    device_list_tag="devices",
    device_tag="device",
    package_list_tag="packingList",
    package_tag="packing",
    bool_text=("是", "否"),
    namespaces=None,
    schema=(
        "Element names and Chinese names of the NMPA UDID public data download XML (udi.nmpa.gov.cn). "
        "The YY/T 1753-2020 submission interface could not be checked."
    ),
    device_elements=[
        Element("最小销售单元产品标识", "zxxsdycpbs", lambda p: _text(p.md_udi_di), True),
        Element(
            "医疗器械唯一标识编码体系名称",
            "cpbsbmtxmc",
            lambda p: NMPA_CODING_SYSTEMS.get(p.md_udi_issuer),
            True,
        ),
        Element("最小销售单元中使用单元的数量", "zxxsdyzsydydsl", lambda p: p.md_device_count, True),
        Element("使用单元产品标识", "sydycpbs", unit_of_use_di, several_devices),
        Element("产品名称/通用名称", "cpmctymc", chinese_name, True),
        Element("商品名称", "spmc", lambda p: _text(p.md_brand_name), False),
        Element("规格型号", "ggxh", lambda p: _text(p.md_model_version), True),
        Element("是否为包类/组套类产品", "sfwblztlcp", lambda p: p.md_is_kit, True),
        Element("产品描述", "cpms", lambda p: _text(p.md_device_description), True),
        Element("产品货号或编号", "cphhhbh", lambda p: _text(p.md_catalogue_number), False),
        Element(
            "管理类别",
            None,
            lambda p: _text(p.md_risk_class_cn),
            True,
            "未在 UDID 公开数据中找到对应的数据项名称（未核实）/ no element of the UDID public data carries "
            "the management class; its element name could not be verified",
        ),
        Element("分类编码", "flbm", lambda p: _text(p.md_nmpa_class_code), True),
        Element(
            "注册证编号或者备案凭证编号", "zczbhhzbapzbh", lambda p: _text(p.md_cn_registration_number), True
        ),
        Element("医疗器械注册人/备案人名称", "ylqxzcrbarmc", lambda p: _text(manufacturer(p).name), True),
        Element("统一社会信用代码", "tyshxydm", lambda p: _text(manufacturer(p).vat), True),
        Element("磁共振（MR）安全相关信息", "cgzmraqxgxx", lambda p: NMPA_MRI.get(p.md_mri_safety), True),
        Element("是否标记为一次性使用", "sfbjwycxsy", lambda p: p.md_single_use, True),
        Element("最大重复使用次数", "zdcfsycs", lambda p: p.md_max_reuses or None, False),
        Element("是否为无菌包装", "sfwwjbz", lambda p: p.md_sterile, True),
        Element("使用前是否需要进行灭菌", "syqsfxyjxmj", lambda p: p.md_requires_sterilisation, True),
        Element("灭菌方式", "mjfs", lambda p: NMPA_STERILISATION.get(p.md_sterilisation_method), sterilised),
        Element("生产标识是否包含批号", "scbssfbhph", lambda p: p.md_label_lot, True),
        Element("生产标识是否包含序列号", "scbssfbhxlh", lambda p: p.md_label_serial, True),
        Element("生产标识是否包含生产日期", "scbssfbhscrq", lambda p: p.md_label_production_date, True),
        Element("生产标识是否包含失效日期", "scbssfbhsxrq", lambda p: p.md_label_expiry, True),
        Element("特殊储存或操作条件", "tscchcztj", storage_text, False),
        Element("特殊尺寸说明", "tsccsm", lambda p: _text(p.md_clinical_size), False),
        Element("其他信息的网址链接", "qtxxdwzlj", lambda p: _text(p.md_eifu_url), False),
        Element(
            "医保耗材分类编码",
            "ybbm",
            lambda p: _text(p.md_cn_insurance_code),
            False,
            "中文名称未核实：公开数据的转录亦作“医保编码” / Chinese name not verified: transcriptions of the "
            "public data also call it 医保编码",
        ),
    ],
    package_elements=[
        Element("包装产品标识", "bzcpbs", lambda pk, di, qty: _text(pk.md_udi_di), True),
        Element("产品包装级别", "cpbzjb", lambda pk, di, qty: NMPA_LEVELS.get(pk.md_udi_level), True),
        Element("包装内含小一级包装产品标识", "bznhxyjbzcpbs", lambda pk, di, qty: _text(di), True),
        Element("包装内含小一级产品标识数量", "bznhxyjcpbssl", lambda pk, di, qty: qty, True),
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
