"""Short plain-English descriptions of a class for result lists ("£45 a term", "Join any time").

Money and dates are written the way the learner's language writes them (CLDR): through ``esolplus.cldr``'s
template filters once they exist, otherwise through Babel here. Everything works from the class's own
columns and its prefetched sessions, so a page of results costs no extra queries.
"""

from decimal import Decimal

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from esolplus import cldr
from finder.models import ClassPage, ClassSession
from finder.vocabularies import FeeUnit


def money(amount: Decimal) -> str:
    """An amount in pounds as the learner's language writes it: "£45", "£45.50", "45 GBP"."""
    return cldr.format_currency(amount)


def long_date(value) -> str:
    """ "6 January 2027", in the learner's language (CLDR: the right month case in Polish)."""
    return cldr.format_date(value)


FEE_TEXTS = {
    FeeUnit.COURSE: gettext_lazy("%(amount)s for the whole course"),
    FeeUnit.TERM: gettext_lazy("%(amount)s a term"),
    FeeUnit.SESSION: gettext_lazy("%(amount)s a session"),
    FeeUnit.HOUR: gettext_lazy("%(amount)s an hour"),
}


def fee_text(amount, unit: str) -> str:
    """ "£45 a term"; just "£45" when the provider has not said what the fee pays for."""
    text = FEE_TEXTS.get(unit)
    return str(text) % {"amount": money(amount)} if text else money(amount)


def cost_text(page: ClassPage) -> str:
    """The short cost: "free", "Free if eligible" or "£45 a term" (capitalised by the card)."""
    if page.cost == ClassPage.Cost.FEE and page.fee_amount:
        return fee_text(page.fee_amount, page.fee_unit)
    return str(page.get_cost_display()).lower() if page.cost == ClassPage.Cost.FREE else str(page.get_cost_display())


def concession_text(page: ClassPage) -> str:
    """ "£20 a term if you are on a low income", or "" when there is no reduced fee."""
    if page.cost != ClassPage.Cost.FEE or not page.concession_fee:
        return ""
    return _("%(fee)s if you are on a low income") % {"fee": fee_text(page.concession_fee, page.fee_unit)}


def age_text(months: int) -> str:
    """ "6 months", "2 years": whole years in years, anything else in months."""
    if months >= 12 and months % 12 == 0:
        years = months // 12
        return ngettext("%(count)s year", "%(count)s years", years) % {"count": years}
    return ngettext("%(count)s month", "%(count)s months", months) % {"count": months}


def childcare_text(page: ClassPage) -> str:
    """ "Crèche on site for children from 6 months to 4 years", "Help to pay for childcare" or "No childcare"."""
    if page.childcare != ClassPage.Childcare.CRECHE:
        return str(page.get_childcare_display())
    youngest, oldest = page.creche_from_months, page.creche_to_months
    if youngest is not None and oldest is not None:
        return _("Crèche on site for children from %(youngest)s to %(oldest)s") % {
            "youngest": age_text(youngest),
            "oldest": age_text(oldest),
        }
    if youngest is not None:
        return _("Crèche on site for children from %(youngest)s") % {"youngest": age_text(youngest)}
    if oldest is not None:
        return _("Crèche on site for children up to %(oldest)s") % {"oldest": age_text(oldest)}
    return str(page.get_childcare_display())


def join_text(page: ClassPage) -> str:
    """ "Come to a drop-in assessment on Monday 10:00–12:00", "Book an assessment" or "Referral only"."""
    if page.how_to_join == ClassPage.HowToJoin.DROP_IN and page.drop_in_weekday is not None:
        day = ClassSession.Weekday(page.drop_in_weekday).label
        if page.drop_in_start and page.drop_in_end:
            return _("Come to a drop-in assessment on %(day)s %(start)s–%(end)s") % {
                "day": day,
                "start": page.drop_in_start.strftime("%H:%M"),
                "end": page.drop_in_end.strftime("%H:%M"),
            }
        return _("Come to a drop-in assessment on %(day)s") % {"day": day}
    return str(page.get_how_to_join_display())


def next_start_text(page: ClassPage, today) -> str:
    """For a class with no places now: "Next start date: 6 January 2027", when the provider gave one."""
    if page.has_open_places() or not page.next_intake or page.next_intake < today:
        return ""
    return _("Next start date: %(date)s") % {"date": long_date(page.next_intake)}


def start_text(page: ClassPage, today) -> str:
    start = page.next_start(today)
    if page.rolling_enrolment:
        return _("Join any time")
    if start:
        return _("Next start: %(date)s") % {"date": long_date(start)}
    return _("Ask about the next start date")
