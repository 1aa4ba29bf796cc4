"""Adverse-event reporting deadlines from the date the manufacturer became aware.

Plain functions so the rules can be read and tested on their own. Each regime
returns the deadline as a datetime, or None when no report is due. Work days
are counted as for the FDA 806 recall report (md_regulatory): the caller
passes the counter of the company's FDA deadline calendar.
"""

from datetime import timedelta

from odoo.addons.md_base.models.working_days import add_working_days

# 21 CFR 803.53: 5 work days, (a) when remedial action is needed, (b) when FDA asked in writing.
FDA_FIVE_DAY_WORK_DAYS = 5
FDA_REMEDIAL_WORK_DAYS = FDA_FIVE_DAY_WORK_DAYS
# 21 CFR 803.50(a): 30 calendar days.
FDA_CALENDAR_DAYS = 30
# 医疗器械不良事件监测和再评价管理办法 (SAMR/NHC Order No. 1, 2018):
# Art. 25: an individual event causing death within 7 days, serious injury (or that could cause
# serious injury or death) within 20 days;
NMPA_DEATH_DAYS = 7
NMPA_SERIOUS_DAYS = 20
# Art. 27: an event abroad causing or possibly causing serious injury or death, within 30 days;
NMPA_ABROAD_DAYS = 30
# Chapter III Section 3 (群体医疗器械不良事件): a group event within 12 hours by telephone or fax
# (and its basic information in the monitoring system), each of its events as an individual
# report within 24 hours, and the holder's report of its investigation and quality-system
# self-inspection within 7 days.
NMPA_GROUP_HOURS = 12
NMPA_GROUP_INDIVIDUAL_HOURS = 24
NMPA_GROUP_HOLDER_DAYS = 7


def fda_deadline(aware, remedial_action, add_work_days=add_working_days, written_request=False):
    """21 CFR 803.50(a): 30 calendar days. 803.53: 5 work days when (a) the event needs
    remedial action to prevent an unreasonable risk of substantial harm to the public health,
    or (b) FDA made a written request for 5-day reports (for the events of the same nature on
    substantially similar devices, for the period of the request). ``add_work_days(start,
    days)`` counts work days (default: Monday to Friday, no public holidays)."""
    if remedial_action or written_request:
        return add_work_days(aware, FDA_FIVE_DAY_WORK_DAYS)
    return aware + timedelta(days=FDA_CALENDAR_DAYS)


def eu_deadline(aware, public_health_threat, death_or_unanticipated_deterioration):
    """EU MDR 2017/745 Art. 87(3)-(5): serious incident 15 days; serious public
    health threat 2 days (87(4)); death or unanticipated serious deterioration
    of a person's state of health 10 days (87(5)). The shortest applicable wins."""
    if public_health_threat:
        return aware + timedelta(days=2)
    if death_or_unanticipated_deterioration:
        return aware + timedelta(days=10)
    return aware + timedelta(days=15)


def nmpa_deadline(aware, group_event, death, abroad=False):
    """The first NMPA report (Order No. 1): an event abroad 30 days (Art. 27); a group event
    12 hours (Chapter III Section 3); death 7 days, serious injury or one that could cause
    serious injury or death 20 days (Art. 25)."""
    if abroad:
        return aware + timedelta(days=NMPA_ABROAD_DAYS)
    if group_event:
        return aware + timedelta(hours=NMPA_GROUP_HOURS)
    if death:
        return aware + timedelta(days=NMPA_DEATH_DAYS)
    return aware + timedelta(days=NMPA_SERIOUS_DAYS)


def nmpa_group_deadlines(aware):
    """The reports a group event in China adds after its 12-hour report (Order No. 1,
    Chapter III Section 3): each event as an individual report within 24 hours, and the
    holder's report of its investigation and self-inspection within 7 days."""
    return {
        "initial": aware + timedelta(hours=NMPA_GROUP_HOURS),
        "individual": aware + timedelta(hours=NMPA_GROUP_INDIVIDUAL_HOURS),
        "holder_followup": aware + timedelta(days=NMPA_GROUP_HOLDER_DAYS),
    }
