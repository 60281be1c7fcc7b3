"""Help me choose: which classes fit a learner's answers, in what order, and why each one does or does not.

The answers are must-haves: a learner who said "mornings" is never shown an afternoon class as a match. When the
must-haves leave nothing near, the learner is told so and offered, clearly labelled, online classes that fit and
the nearest classes at other times. The filtering and ordering happen in the database; only the few classes shown
are explained, from what ``for_display`` already fetched (no further queries).
"""

import operator
from dataclasses import dataclass, field
from datetime import date
from functools import reduce

from django.db.models import Case, Exists, F, IntegerField, OuterRef, Q, QuerySet, Value, When
from django.utils.text import get_text_list
from django.utils.translation import gettext as _

from finder.models import ClassPage, ClassSession
from finder.search.filters import WEEKEND
from finder.search.help_forms import HelpMeChooseForm as Form
from finder.search.queries import attach_providers, for_display, near_classes, online_classes
from finder.search.summaries import childcare_text, join_text
from finder.search.view_helpers import with_descriptions, with_distances
from finder.vocabularies import TimeOfDay

RADIUS_KM = 5
RESULTS = 10


@dataclass(frozen=True)
class Answers:
    """The learner's answers, as the matching rules read them; empty means "no answer" (flexible)."""

    level: str = ""
    level_name: str = ""
    times: tuple[str, ...] = ()
    weekend: bool = False
    any_time: bool = False
    childcare: str = ""
    free: str = ""

    @classmethod
    def from_form(cls, form: Form) -> "Answers":
        cleaned_data = getattr(form, "cleaned_data", {})
        when = cleaned_data.get("when") or []
        level = cleaned_data.get("level") or ""
        return cls(
            level=level,
            level_name=str(dict(form.fields["level"].choices).get(level, "")),
            times=tuple(time for time in Form.TIMES if time in when),
            weekend=Form.WEEKEND in when,
            any_time=Form.ANY_TIME in when,
            childcare=cleaned_data.get("childcare") or "",
            free=cleaned_data.get("free") or "",
        )

    @property
    def chose_times(self) -> bool:
        return bool(self.times or self.weekend)

    def said_times(self) -> str:
        """ "mornings or weekends": the times the learner chose, in their words."""
        words = {"morning": _("mornings"), "afternoon": _("afternoons"), "evening": _("evenings")}
        said = [words[time] for time in self.times] + ([_("weekends")] if self.weekend else [])
        return str(get_text_list(said, _("or")))


@dataclass(frozen=True)
class Reason:
    """One line of "why this class": ``matches`` True (✓), False (it does not fit an answer) or None (a fact)."""

    text: str
    matches: bool | None = None


@dataclass
class HelpResults:
    """What the results page shows: matches, or else the labelled alternatives."""

    matches: list = field(default_factory=list)
    online: list = field(default_factory=list)
    other_times: list = field(default_factory=list)

    @property
    def anything(self) -> bool:
        return bool(self.matches or self.online or self.other_times)


# --- The rules, in the database ---------------------------------------------------------------------------------


def session_fits_q(answers: Answers) -> Q:
    """Sessions at a time the learner said they are free: in a chosen part of the day, or on a weekend."""
    choices = []
    for time in answers.times:
        start, before = TimeOfDay(time).start_bounds
        part = Q()
        if start is not None:
            part &= Q(start_time__gte=start)
        if before is not None:
            part &= Q(start_time__lt=before)
        choices.append(part)
    if answers.weekend:
        choices.append(Q(weekday__in=WEEKEND))
    return reduce(operator.or_, choices) if choices else Q(pk__in=[])


def session_fits(session: ClassSession, answers: Answers) -> bool:
    """``session_fits_q`` for one fetched session (the same rule, for the reasons shown)."""
    return TimeOfDay.of(session.start_time).value in answers.times or (answers.weekend and session.weekday in WEEKEND)


def _sessions() -> QuerySet:
    return ClassSession.objects.filter(page=OuterRef("pk"))


def at_chosen_times(queryset: QuerySet, answers: Answers) -> QuerySet:
    """Classes whose every session is at a chosen time: the learner can come to all of them."""
    if not answers.chose_times:
        return queryset
    return queryset.filter(Exists(_sessions())).exclude(Exists(_sessions().exclude(session_fits_q(answers))))


def meeting_must_haves(queryset: QuerySet, answers: Answers) -> QuerySet:
    """Level, crèche and cost: the answers every class shown must meet, whatever its times."""
    if answers.level == Form.DONT_KNOW:
        queryset = queryset.filter(how_to_join__in=[ClassPage.HowToJoin.DROP_IN, ClassPage.HowToJoin.BOOK])
    elif answers.level:
        queryset = queryset.filter(levels__code=answers.level)
    if answers.childcare == Form.YES:
        queryset = queryset.with_childcare()
    if answers.free == Form.YES:
        queryset = queryset.free()
    elif answers.free == Form.MAYBE:
        queryset = queryset.free(eligible=True)
    return queryset


def _fit(answers: Answers):
    """Best fit among classes that meet the must-haves: surely free before maybe free, walk-in before booking,
    and (among classes at other times) those with some sessions at a chosen time."""
    terms = []
    if answers.free == Form.MAYBE:
        terms.append(When(cost=ClassPage.Cost.FREE, then=Value(1)))
    if answers.level == Form.DONT_KNOW:
        terms.append(When(how_to_join=ClassPage.HowToJoin.DROP_IN, then=Value(1)))
    if answers.chose_times:
        terms.append(When(Exists(_sessions().filter(session_fits_q(answers))), then=Value(1)))
    score = Value(0, output_field=IntegerField())
    for term in terms:
        score = score + Case(term, default=Value(0), output_field=IntegerField())
    return score


def ranked(queryset: QuerySet, answers: Answers, nearest_first: bool = True) -> QuerySet:
    """Open places first (``with_open_places``), then best fit, then distance."""
    open_now = Exists(ClassPage.objects.with_open_places().filter(pk=OuterRef("pk")))
    order = [F("open_now").desc(), F("fit").desc(), *(["distance_sq_km"] if nearest_first else []), "pk"]
    return queryset.annotate(open_now=open_now, fit=_fit(answers)).order_by(*order)


def find_matches(answers: Answers, origin: tuple[float, float], today: date | None = None) -> HelpResults:
    """Classes near ``origin`` that fit every answer; if none, online classes that do and the nearest classes
    that fit all but the times."""
    near = meeting_must_haves(near_classes(*origin, RADIUS_KM, today), answers)
    results = HelpResults(matches=_shown(ranked(at_chosen_times(near, answers), answers), origin, answers, today))
    if results.matches:
        return results
    online = at_chosen_times(meeting_must_haves(online_classes(today), answers), answers)
    results.online = _shown(ranked(online, answers, nearest_first=False), origin, answers, today)
    if answers.chose_times:
        results.other_times = _shown(ranked(near, answers), origin, answers, today)
    return results


def _shown(queryset: QuerySet, origin, answers: Answers, today) -> list:
    items = with_descriptions(with_distances(attach_providers(list(for_display(queryset)[:RESULTS])), origin), today)
    for item in items:
        item.match_reasons = reasons(item, answers)
    return items


# --- Why, in the learner's words ---------------------------------------------------------------------------------


def _day_and_part(session: ClassSession) -> str:
    parts = {"morning": _("morning"), "afternoon": _("afternoon"), "evening": _("evening")}
    return _("%(day)s %(part)s") % {
        "day": ClassSession.Weekday(session.weekday).label,
        "part": parts[TimeOfDay.of(session.start_time).value],
    }


def _time_reasons(page: ClassPage, answers: Answers) -> list[Reason]:
    seen, found = set(), []
    for session in page.sessions.all():
        text = _day_and_part(session)
        if text in seen:
            continue
        seen.add(text)
        if answers.chose_times:
            said = _("%(fact)s — you said %(answer)s") % {"fact": text, "answer": answers.said_times()}
            found.append(Reason(said, session_fits(session, answers)))
        else:
            found.append(Reason(text, True if answers.any_time else None))
    return found


def _level_reasons(page: ClassPage, answers: Answers) -> list[Reason]:
    if answers.level == Form.DONT_KNOW:
        how = join_text(page)
        fits = page.how_to_join in (ClassPage.HowToJoin.DROP_IN, ClassPage.HowToJoin.BOOK)
        return [Reason(_("%(how)s — they will find your level") % {"how": how} if fits else how, fits)]
    if not answers.level:
        return []
    if any(level.code == answers.level for level in page.levels.all()):
        return [Reason(_("%(level)s — your level") % {"level": answers.level_name}, True)]
    names = ", ".join(str(level) for level in page.levels.all())
    return [Reason(_("%(fact)s — you said %(answer)s") % {"fact": names, "answer": answers.level_name}, False)]


def _childcare_reasons(page: ClassPage, answers: Answers) -> list[Reason]:
    label = childcare_text(page)
    if answers.childcare == Form.YES:
        if page.childcare == ClassPage.Childcare.CRECHE:
            return [Reason(_("%(fact)s — you asked for a crèche") % {"fact": label}, True)]
        return [Reason(_("%(fact)s — you asked for a crèche") % {"fact": label}, False)]
    return [] if page.childcare == ClassPage.Childcare.NONE else [Reason(label)]


def _cost_reasons(page: ClassPage, answers: Answers) -> list[Reason]:
    cost = str(getattr(page, "cost_text", "") or page.get_cost_display())
    cost = cost[:1].upper() + cost[1:]
    if page.cost == ClassPage.Cost.FREE:
        return [Reason(str(page.get_cost_display()), True if answers.free in (Form.YES, Form.MAYBE) else None)]
    if answers.free == Form.MAYBE and page.cost == ClassPage.Cost.FREE_IF_ELIGIBLE:
        return [Reason(_("%(fact)s — you said you might get it free") % {"fact": page.get_cost_display()}, True)]
    if answers.free == Form.YES:
        return [Reason(_("%(fact)s — you said it must be free") % {"fact": cost}, False)]
    if answers.free == Form.MAYBE:
        return [Reason(_("%(fact)s — you said you might get it free") % {"fact": cost}, False)]
    return [Reason(cost)]


def _where_reasons(page: ClassPage) -> list[Reason]:
    if getattr(page, "distance_km", None) is not None:
        return [Reason(_("%(km).1f km away") % {"km": page.distance_km})]
    if page.delivery_mode == ClassPage.DeliveryMode.ONLINE:
        return [Reason(_("Online: you study from home"))]
    return []


def reasons(page: ClassPage, answers: Answers) -> list[Reason]:
    """Each answer checked against the class ("Monday morning — you said mornings" ✓), then facts."""
    found = [
        *_time_reasons(page, answers),
        *_level_reasons(page, answers),
        *_childcare_reasons(page, answers),
        *_cost_reasons(page, answers),
        *_where_reasons(page),
    ]
    if page.women_only:
        found.append(Reason(_("Women only")))
    return found
