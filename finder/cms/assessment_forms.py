"""Assessment booking in the admin: which providers, slots, bookings and results a user may work with (and the
slots' permission policy that says so to Wagtail's own screens), and the forms the assessors' screens use.

The boundary is the venues' and enquiries' rule, applied to slots: an editor works with the slots (and so the
bookings and results) of the providers and hubs whose pages they can edit (``editable_providers``); coordinators
work with every provider's. Everything else is "not found". The rules about places, results and look-ups are in
``finder.assessment_services``; the forms here only check what a person typed before a service is called.
"""

import datetime

from django import forms
from django.contrib.auth import get_user_model
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from wagtail.permission_policies.base import ModelPermissionPolicy

from esolplus.concurrency import VersionedFormMixin
from esolplus.roles import coordinators, is_coordinator, is_signed_in
from finder.cms.permissions import EDIT_PAGE_CODENAMES, editable_providers
from finder.models import AssessmentBooking, AssessmentResult, AssessmentSlot, ClassPage, Language, ProviderPage, Venue

Mode = AssessmentSlot.Mode
WEEKDAYS = [(0, _("Monday")), (1, _("Tuesday")), (2, _("Wednesday")), (3, _("Thursday"))]
WEEKDAYS += [(4, _("Friday")), (5, _("Saturday")), (6, _("Sunday"))]
MAX_WEEKS = 26
APPROVAL_ACTIONS = ("publish", "lock", "unlock")  # coordinators' only, as for venues and pages


# --- The boundary ------------------------------------------------------------------------------------------------


def providers_for(user) -> QuerySet[ProviderPage]:
    """The providers (and hubs) whose assessments this user runs: all for coordinators, else those they edit."""
    if not is_signed_in(user):
        return ProviderPage.objects.none()
    return ProviderPage.objects.all() if is_coordinator(user) else editable_providers(user)


def may_use(user) -> bool:
    return is_coordinator(user) or editable_providers(user).exists()


def slots_visible_to(user) -> QuerySet[AssessmentSlot]:
    return AssessmentSlot.objects.filter(provider__in=providers_for(user))


def bookings_visible_to(user) -> QuerySet[AssessmentBooking]:
    """Bookings of the user's own providers and hubs (all for coordinators, as with enquiries)."""
    return AssessmentBooking.objects.for_providers(providers_for(user))


def results_visible_to(user) -> QuerySet[AssessmentResult]:
    return AssessmentResult.objects.filter(booking__in=bookings_visible_to(user))


class SlotPermissionPolicy(ModelPermissionPolicy):
    """A provider's slots are theirs to add, change and delete, as its pages are (no model permission to grant
    to every editors' group); only coordinators publish, so an editor's slot always waits in the workflow."""

    def user_has_permission(self, user, action):
        return is_coordinator(user) if action in APPROVAL_ACTIONS else may_use(user)

    def user_has_permission_for_instance(self, user, action, instance):
        return self.user_has_permission(user, action) and providers_for(user).filter(pk=instance.provider_id).exists()

    def instances_user_has_any_permission_for(self, user, actions):
        if not self.user_has_any_permission(user, actions):
            return AssessmentSlot.objects.none()
        return slots_visible_to(user)

    def users_with_any_permission(self, actions):
        wanted = Q(pk__in=coordinators().values("pk"))
        if set(actions) - set(APPROVAL_ACTIONS):
            wanted |= Q(groups__page_permissions__permission__codename__in=EDIT_PAGE_CODENAMES)
        return get_user_model().objects.filter(wanted, is_active=True).distinct()

    def users_with_any_permission_for_instance(self, actions, instance):
        users = self.users_with_any_permission(actions)
        allowed = [user.pk for user in users if self.user_has_any_permission_for_instance(user, actions, instance)]
        return users.filter(pk__in=allowed)


def own_venues(user) -> QuerySet[Venue]:
    return Venue.objects.filter(provider__in=providers_for(user))


def current_classes() -> QuerySet[ClassPage]:
    """Classes a learner can be recommended or referred to: the public ones, with their provider's name."""
    return ClassPage.objects.current().with_provider().order_by("title", "pk")


class ClassChoiceMixin:
    def label_from_instance(self, obj):
        return f"{obj.title} – {obj.provider_title}" if getattr(obj, "provider_title", None) else obj.title


class ClassChoiceField(ClassChoiceMixin, forms.ModelChoiceField):
    pass


class ClassesChoiceField(ClassChoiceMixin, forms.ModelMultipleChoiceField):
    pass


# --- Slots -------------------------------------------------------------------------------------------------------


class SlotRules:
    """What a slot form checks before a draft is saved: a venue of the slot's own provider when it is in person
    (the ``assessment_slot_in_person_has_venue`` constraint, said in words), none by phone."""

    def check_where(self, cleaned_data) -> None:
        provider, mode, venue = (cleaned_data.get(name) for name in ("provider", "mode", "venue"))
        if mode == Mode.PHONE:
            cleaned_data["venue"] = None
        elif mode == Mode.IN_PERSON and venue is None and not self.has_error("venue"):
            self.add_error("venue", _("Choose the venue for an assessment in person, or choose “By phone”."))
        elif venue is not None and provider is not None and venue.provider_id != provider.pk:
            self.add_error("venue", _("Choose one of this provider's own venues."))


class SlotForm(SlotRules, forms.ModelForm):
    """The slot snippet's form (mixed into Wagtail's): the editor's own providers and venues only, and never fewer
    places than are booked already (``booked`` itself is not a form field: only the booking services change it)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        user = getattr(self, "for_user", None)
        if user is None:
            return
        provider = self.fields.get("provider")
        if provider is not None:
            provider.queryset = providers_for(user).order_by("title")
            provider.error_messages["invalid_choice"] = _("Choose your own organisation.")
            if not self.instance.pk and provider.queryset.count() == 1:
                provider.initial = provider.queryset.first().pk
        if "venue" in self.fields:
            self.fields["venue"].queryset = own_venues(user).order_by("name")
            self.fields["venue"].help_text = _("Leave empty for an assessment by phone.")

    def clean(self):
        cleaned_data = super().clean()
        self.check_where(cleaned_data)
        places = cleaned_data.get("places")
        booked = AssessmentSlot.objects.filter(pk=self.instance.pk).values_list("booked", flat=True).first() or 0
        if self.instance.pk and places is not None and places < booked:
            self.add_error(
                "places",
                _("%(booked)s people have booked this slot: it needs at least %(booked)s places.") % {"booked": booked},
            )
        return cleaned_data


class WeeklyPatternForm(SlotRules, forms.Form):
    """One slot a week, at the same time and place, for up to 26 weeks."""

    provider = forms.ModelChoiceField(label=_("Provider or hub"), queryset=ProviderPage.objects.none())
    mode = forms.ChoiceField(label=_("How"), choices=Mode.choices, initial=Mode.IN_PERSON, widget=forms.RadioSelect)
    venue = forms.ModelChoiceField(
        label=_("Venue"),
        queryset=Venue.objects.none(),
        required=False,
        help_text=_("Leave empty for an assessment by phone."),
    )
    weekday = forms.TypedChoiceField(label=_("Day of the week"), choices=WEEKDAYS, coerce=int)
    time = forms.TimeField(label=_("Time"), help_text=_("For example 10:00 or 14:30."))
    length_minutes = forms.IntegerField(label=_("Length (minutes)"), min_value=5, max_value=480, initial=30)
    places = forms.IntegerField(label=_("Places in each slot"), min_value=1, max_value=500, initial=1)
    assessor_languages = forms.ModelMultipleChoiceField(
        label=_("Languages the assessors speak"),
        queryset=Language.objects.all(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    creche = forms.BooleanField(label=_("Crèche available"), required=False)
    notes = forms.CharField(label=_("Notes for learners"), required=False, widget=forms.Textarea(attrs={"rows": 3}))
    first_date = forms.DateField(
        label=_("From"), help_text=_("The first slot is on the chosen day of the week on or after this date.")
    )
    weeks = forms.IntegerField(label=_("Number of weeks"), min_value=1, max_value=MAX_WEEKS, initial=10)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        providers = providers_for(user).order_by("title")
        self.fields["provider"].queryset = providers
        self.fields["provider"].error_messages["invalid_choice"] = _("Choose your own organisation.")
        if providers.count() == 1:
            self.fields["provider"].initial = providers.first().pk
        self.fields["venue"].queryset = own_venues(user).order_by("name")

    def clean(self):
        cleaned_data = super().clean()
        self.check_where(cleaned_data)
        if not self.errors and self.starts()[0] <= timezone.now():
            self.add_error("first_date", _("The first slot would be in the past: choose a later date."))
        return cleaned_data

    def starts(self) -> list[datetime.datetime]:
        """When each slot starts, in London time, one week apart."""
        data = self.cleaned_data
        first = data["first_date"] + datetime.timedelta(days=(data["weekday"] - data["first_date"].weekday()) % 7)
        days = [first + datetime.timedelta(weeks=week) for week in range(data["weeks"])]
        return [timezone.make_aware(datetime.datetime.combine(day, data["time"])) for day in days]


# --- Results, look-ups and referrals -----------------------------------------------------------------------------


def version_of(result: AssessmentResult | None) -> int:
    """A result's version for the edit form: when it was last saved, in microseconds (0: not recorded yet)."""
    return 0 if result is None or result.updated_at is None else int(result.updated_at.timestamp() * 1_000_000)


class ResultForm(VersionedFormMixin, forms.ModelForm):
    """An assessor's result. ``based_on`` is the version the form was shown with, so that of two people editing
    one result, the second to save sees what the first saved instead of overwriting it."""

    compared = (*AssessmentResult.SKILLS, "placement_notes", "consent_to_share")
    recommended_classes = ClassesChoiceField(
        label=_("Recommended classes"),
        queryset=ClassPage.objects.none(),
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 8}),
        help_text=_("Hold Ctrl (or Cmd) to choose more than one."),
    )
    send_to_learner = forms.BooleanField(label=_("Send the result to the learner"), required=False)

    class Meta:
        model = AssessmentResult
        fields = [*AssessmentResult.SKILLS, "placement_notes", "recommended_classes", "consent_to_share"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        recommended = self.instance.recommended_classes.values("pk") if self.instance.pk else []
        self.fields["recommended_classes"].queryset = (
            ClassPage.objects.filter(Q(pk__in=current_classes().values("pk")) | Q(pk__in=recommended))
            .with_provider()
            .order_by("title", "pk")
        )
        if not self.is_bound:
            self.initial["based_on"] = version_of(self.instance if self.instance.pk else None)

    def clean(self):
        cleaned_data = super().clean()
        if not any(cleaned_data.get(skill) for skill in AssessmentResult.SKILLS):
            raise forms.ValidationError(_("Give a level for at least one skill."), code="no_level")
        return cleaned_data

    def _get_validation_exclusions(self):
        """Said above in words, so the model's ``assessment_result_has_a_level`` check need not say it again."""
        exclusions = super()._get_validation_exclusions()
        if self.has_error(forms.forms.NON_FIELD_ERRORS, "no_level"):
            exclusions.update(AssessmentResult.SKILLS)
        return exclusions


class LookupForm(forms.Form):
    reference = forms.CharField(label=_("The learner's reference"), max_length=40)
    consent = forms.BooleanField(
        label=_("The learner has agreed that I can see their result"),
        error_messages={"required": _("Ask the learner first, and tick the box when they agree.")},
    )
    provider = forms.ModelChoiceField(label=_("Looking up for"), queryset=ProviderPage.objects.none(), required=False)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        own = editable_providers(user).order_by("title")
        if is_coordinator(user) or own.count() < 2:
            del self.fields["provider"]  # recorded as the editor's one provider, or none for coordinators
            self.only_provider = None if is_coordinator(user) else own.first()
        else:
            self.fields["provider"].queryset = own
            self.fields["provider"].required = True

    def looking_for(self):
        return self.cleaned_data.get("provider") or self.only_provider


class ReferForm(forms.Form):
    class_page = ClassChoiceField(label=_("Refer to the class"), queryset=ClassPage.objects.none())

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["class_page"].queryset = current_classes()
