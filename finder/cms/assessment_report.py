"""The coordinators' report on initial assessments, in Wagtail's admin (Reports menu): slots and places offered and
used, waits from booking to assessment and from assessment to a class, and the levels assessed by borough.

Coordinators only (``esolplus.roles.is_coordinator``): the figures are exact and unpublished
(``finder.assessment_figures`` says why no disclosure control is applied). Anyone else is refused (403).
"""

from django import forms
from django.core.exceptions import PermissionDenied
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from wagtail import hooks
from wagtail.admin.menu import MenuItem

from esolplus.roles import is_coordinator
from finder import assessment_figures
from finder.vocabularies import Skill

DATE_INPUT = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class ReportFilterForm(forms.Form):
    since = forms.DateField(label=gettext_lazy("From"), required=False, widget=DATE_INPUT)
    until = forms.DateField(label=gettext_lazy("To"), required=False, widget=DATE_INPUT)
    skill = forms.ChoiceField(
        label=gettext_lazy("Levels in"),
        required=False,
        choices=[("", gettext_lazy("The lowest level across the skills assessed")), *Skill.choices],
    )

    def clean(self):
        data = super().clean()
        if data.get("since") and data.get("until") and data["since"] > data["until"]:
            self.add_error("until", _("The end of the period must be on or after its start."))
        return data

    def choices(self) -> dict:
        """The period and skill chosen; everything (and the lowest level) when the form is empty or wrong."""
        if not self.is_valid():
            return {"since": None, "until": None, "skill": ""}
        return self.cleaned_data


def assessment_report(request):
    if not is_coordinator(request.user):
        raise PermissionDenied
    form = ReportFilterForm(request.GET or None)
    chosen = form.choices()
    period = {"since": chosen["since"], "until": chosen["until"]}
    counts = assessment_figures.slot_counts(**period)
    context = {
        "page_title": _("Assessment figures"),
        "header_icon": "doc-full",
        "form": form,
        "count_tables": [
            (_("All slots"), counts["total"]),
            (_("By borough"), counts["by_borough"]),
            (_("By week"), counts["by_week"]),
            (_("By language the assessors speak"), counts["by_language"]),
        ],
        "wait_tables": [
            (
                _("From booking to assessment, for learners assessed (the slot's start minus when they booked)"),
                assessment_figures.booking_to_assessment(**period),
            ),
            (
                _("From assessment to the start of the class the learner was referred to"),
                assessment_figures.assessment_to_class(**period),
            ),
        ],
        "levels": assessment_figures.levels_by_borough(chosen["skill"] or None, **period),
        "skill": dict(Skill.choices).get(chosen["skill"]),
    }
    return TemplateResponse(request, "finder/admin/assessment_report.html", context)


@hooks.register("register_admin_urls")
def register_assessment_report_url():
    return [path("reports/assessments/", assessment_report, name="finder_assessment_report")]


class CoordinatorReportMenuItem(MenuItem):
    def is_shown(self, request):
        return is_coordinator(request.user)


@hooks.register("register_reports_menu_item")
def assessment_report_menu_item():
    return CoordinatorReportMenuItem(
        gettext_lazy("Assessment figures"),
        reverse("finder_assessment_report"),
        name="assessment-figures",
        icon_name="doc-full",
        order=60,
    )
