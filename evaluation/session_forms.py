"""Forms for changing a cohort's timetable: move, cancel or reinstate a session, or add one.

The rules for where a session may go live in ``evaluation.services.sessions.slot_problems``; these forms show them
as errors on the fields they are about, so nothing the person types ends in a server error. Forms that change a
session carry the version they were based on (the session's ``register_version``): a change made meanwhile by
someone else is shown, not overwritten (esolplus.concurrency).
"""

import datetime

from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext_lazy

from esolplus.concurrency import BASED_ON, VersionedFormMixin

from .forms import DATE_INPUT
from .models import Cohort, Session
from .services.sessions import slot_problems

# A time input holds "HH:MM" whatever the language.
TIME_INPUT = forms.TimeInput(attrs={"type": "time"}, format="%H:%M")


class SlotForm(forms.Form):
    """A date, a start and an end, checked against the cohort and its other sessions."""

    date = forms.DateField(label=_("Date"), widget=DATE_INPUT)
    start_time = forms.TimeField(label=_("Starts"), widget=TIME_INPUT)
    end_time = forms.TimeField(label=_("Ends"), widget=TIME_INPUT)

    def __init__(self, *args, cohort: Cohort, moving: Session | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.cohort, self.moving = cohort, moving

    def clean(self):
        data = super().clean()
        if all(data.get(name) is not None for name in ("date", "start_time", "end_time")):
            found = slot_problems(self.cohort, data["date"], data["start_time"], data["end_time"], moving=self.moving)
            for field, message in found.items():
                self.add_error(field, message)
        return data

    def slot(self) -> dict[str, datetime.date | datetime.time]:
        return {name: self.cleaned_data[name] for name in ("date", "start_time", "end_time")}


class AddSessionForm(SlotForm):
    """One extra session. No submission key: the slot is the key (see evaluation.services.sessions)."""

    def __init__(self, *args, cohort: Cohort, **kwargs):
        last = cohort.sessions.order_by("-date", "-start_time").first()
        initial = {"start_time": last.start_time, "end_time": last.end_time} if last else {}
        super().__init__(*args, cohort=cohort, initial=initial, **kwargs)


class MoveSessionForm(VersionedFormMixin, SlotForm):
    compared = ("date", "start_time", "end_time")

    def __init__(self, *args, session: Session, **kwargs):
        initial = {name: getattr(session, name) for name in self.compared}
        initial[BASED_ON] = session.register_version
        super().__init__(*args, cohort=session.cohort, moving=session, initial=initial, **kwargs)


class CancelSessionForm(VersionedFormMixin, forms.Form):
    """Cancelling removes the register's marks: when there are some, the person says they know (``remove_marks``)."""

    reason = forms.CharField(
        label=_("Why was it cancelled? (optional)"),
        required=False,
        max_length=200,
        help_text=_("For example: tutor ill, venue closed. Kept in the audit log."),
    )

    def __init__(self, *args, session: Session, marks: int, **kwargs):
        super().__init__(*args, initial={BASED_ON: session.register_version}, **kwargs)
        self.marks = marks
        if marks:
            self.fields["remove_marks"] = forms.BooleanField(
                label=ngettext_lazy(
                    "Remove the %(count)d register mark saved for this session",
                    "Remove the %(count)d register marks saved for this session",
                    "count",
                )
                % {"count": marks},
                error_messages={
                    "required": _("This session's register has marks. Tick the box to remove them with the session.")
                },
            )


class ReinstateSessionForm(VersionedFormMixin, forms.Form):
    def __init__(self, *args, session: Session, **kwargs):
        super().__init__(*args, initial={BASED_ON: session.register_version}, **kwargs)
