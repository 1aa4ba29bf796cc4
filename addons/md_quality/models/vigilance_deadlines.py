"""Adverse-event reporting deadlines from the date the manufacturer became aware.

Plain functions so the rules can be read and tested on their own. Each regime
returns the deadline as a datetime, or None when no report is due. Work days
are counted as for the FDA 806 recall report (md_regulatory): the caller
passes the counter of the company's FDA deadline calendar.
"""

from datetime import timedelta

from odoo.addons.md_base.models.working_days import add_working_days

# 21 CFR 803.53(a): 5 work days.
FDA_REMEDIAL_WORK_DAYS = 5


def fda_deadline(aware, remedial_action, add_work_days=add_working_days):
    """21 CFR 803.50(a): 30 calendar days; 803.53(a): 5 work days when the event
    needs remedial action to prevent an unreasonable risk of substantial harm
    to the public health. ``add_work_days(start, days)`` counts work days
    (default: Monday to Friday, no public holidays)."""
    if remedial_action:
        return add_work_days(aware, FDA_REMEDIAL_WORK_DAYS)
    return aware + timedelta(days=30)


def eu_deadline(aware, public_health_threat, death_or_unanticipated_deterioration):
    """EU MDR 2017/745 Art. 87(3)-(5): serious incident 15 days; serious public
    health threat 2 days (87(4)); death or unanticipated serious deterioration
    of a person's state of health 10 days (87(5)). The shortest applicable wins."""
    if public_health_threat:
        return aware + timedelta(days=2)
    if death_or_unanticipated_deterioration:
        return aware + timedelta(days=10)
    return aware + timedelta(days=15)


def nmpa_deadline(aware, group_event, death):
    """《医疗器械不良事件监测和再评价管理办法》 (NMPA/NHC Order No. 1, 2018), Art. 25:
    death 7 days, serious injury (or one that could cause serious injury or death)
    20 days (regulatory.md §8, verified from a secondary source); group adverse
    events (群体不良事件) 12 hours by telephone or fax (Art. 30; not verified in
    regulatory.md)."""
    if group_event:
        return aware + timedelta(hours=12)
    if death:
        return aware + timedelta(days=7)
    return aware + timedelta(days=20)
