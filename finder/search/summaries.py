"""Short plain-English descriptions of a class for result lists ("Tuesday and Thursday evenings")."""

from django.utils.formats import date_format
from django.utils.text import get_text_list
from django.utils.translation import gettext as _

from finder.models import ClassPage, ClassSession
from finder.vocabularies import TimeOfDay


def days_and_parts(sessions) -> str:
    """ "Tuesday and Thursday evenings"; days in week order, from the prefetched sessions."""
    sessions = sorted(sessions, key=lambda s: (s.weekday, s.start_time))
    if not sessions:
        return ""
    days = list(dict.fromkeys(ClassSession.Weekday(s.weekday).label for s in sessions))
    parts = list(dict.fromkeys(TimeOfDay.of(s.start_time).value for s in sessions))
    words = {"morning": _("mornings"), "afternoon": _("afternoons"), "evening": _("evenings")}
    return _("%(days)s %(parts)s") % {
        "days": get_text_list([str(d) for d in days], _("and")),
        "parts": get_text_list([words[p] for p in parts], _("and")),
    }


def cost_text(page: ClassPage) -> str:
    if page.cost == ClassPage.Cost.FEE and page.fee_amount:
        return _("£%(amount)s") % {"amount": f"{page.fee_amount:.2f}".removesuffix(".00")}
    return str(page.get_cost_display()).lower() if page.cost == ClassPage.Cost.FREE else str(page.get_cost_display())


def match_reasons(page: ClassPage, answers: dict) -> str:
    """Why a class fits the guided path's answers: "1.2 km · Tuesday and Thursday evenings · free · crèche"."""
    reasons = []
    if getattr(page, "distance_km", None) is not None:
        reasons.append(_("%(km).1f km away") % {"km": page.distance_km})
    when = days_and_parts(page.sessions.all())
    if when:
        reasons.append(when)
    reasons.append(cost_text(page))
    if page.childcare == ClassPage.Childcare.CRECHE:
        reasons.append(_("crèche"))
    elif page.childcare == ClassPage.Childcare.SUPPORT:
        reasons.append(_("help with childcare"))
    if answers.get("level") == "dont-know":
        reasons.append(str(page.get_how_to_join_display()).lower())
    elif answers.get("level"):
        reasons.append(_("your level"))
    if page.women_only:
        reasons.append(_("women only"))
    return " · ".join(reasons)


def start_text(page: ClassPage, today) -> str:
    start = page.next_start(today)
    if page.rolling_enrolment:
        return _("Join any time")
    if start:
        return _("Next start: %(date)s") % {"date": date_format(start, "j F Y")}
    return _("Ask about the next start date")
