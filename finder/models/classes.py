"""Class pages: one class a learner can join, with its weekly sessions."""

import datetime
from datetime import date

from django import forms
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Exists, F, OuterRef, Q
from django.db.models.functions import Coalesce
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from modelcluster.fields import ParentalKey, ParentalManyToManyField
from wagtail.admin.forms import WagtailAdminPageForm
from wagtail.admin.panels import FieldPanel, FieldRowPanel, InlinePanel, MultiFieldPanel
from wagtail.fields import RichTextField
from wagtail.models import Orderable, Page, PageManager
from wagtail.search import index

from finder import freshness, vocabularies

from .fields import ChoiceListField
from .identifiers import OpenReferralIdentified
from .providers import RICH_TEXT_FEATURES, ProviderListing, ProviderListingQuerySet
from .reference import Language, Level, TargetGroup
from .venues import within_km


class ClassPageQuerySet(ProviderListingQuerySet):
    def current(self, today: date | None = None):
        """Live classes that have not ended, online or at a venue a coordinator has approved, checked by their
        provider since the cutoff (``finder.freshness``: an unchecked class is hidden, not deleted).

        A new venue stays a draft (``live=False``) until its first approval, and so do its classes
        for the public: the finder, provider pages, enquiries and the Open Referral API all start here.
        """
        today = today or timezone.localdate()
        return self.live().filter(
            Q(end_date__isnull=True) | Q(end_date__gte=today),
            Q(venue__isnull=True) | Q(venue__live=True),
            last_checked__gte=freshness.hidden_cutoff(today),
        )

    def near(self, latitude: float, longitude: float, radius_km: float):
        """Classes at venues within ``radius_km``, nearest first, worked out in the database
        (``venues.within_km``; ``distance_sq_km`` is the squared distance in km²)."""
        return within_km(self, latitude, longitude, radius_km).order_by("distance_sq_km", "pk")

    def free(self, eligible: bool = False):
        """Classes a learner asking for free classes is shown: free for everyone, and also "free if eligible"
        when the learner's eligibility check says they qualify (``vocabularies.FREE_COSTS*``)."""
        return self.filter(cost__in=vocabularies.FREE_COSTS_IF_ELIGIBLE if eligible else vocabularies.FREE_COSTS)

    def with_open_places(self):
        """Classes a learner can join now: the provider says so, or the class size is above its enrolments
        (or unknown). The same rule as ``ClassPage.places``, in the database."""
        enrolled = Coalesce("enrolled_on_register", "enrolled")
        return self.alias(enrolled_now=enrolled).filter(
            Q(places_status__in=vocabularies.OPEN_PLACES)
            | Q(places_status="")
            & (Q(capacity__isnull=True) | Q(enrolled_now__isnull=True) | Q(capacity__gt=F("enrolled_now")))
        )

    def with_childcare(self):
        """Classes a learner who needs childcare is shown (``vocabularies.CHILDCARE_OFFERED``)."""
        return self.filter(childcare__in=vocabularies.CHILDCARE_OFFERED)

    def on_days(self, weekdays: list[int]):
        return self.filter(Exists(ClassSession.objects.filter(page=OuterRef("pk"), weekday__in=weekdays)))


ClassPageManager = PageManager.from_queryset(ClassPageQuerySet)


class ClassPageForm(WagtailAdminPageForm):
    """Offers only the venues of the provider the class belongs to."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        provider = self.parent_page or (self.instance.get_parent() if self.instance.pk else None)
        if "venue" in self.fields and provider is not None:
            self.fields["venue"].queryset = self.fields["venue"].queryset.filter(provider_id=provider.pk)


class ClassPage(ProviderListing, OpenReferralIdentified, Page):
    """One class a learner can join."""

    # The vocabularies are defined once, in finder.vocabularies; these names keep ClassPage.Cost.FREE readable.
    Skills = vocabularies.SkillsFocus
    DeliveryMode = vocabularies.DeliveryMode
    HowToJoin = vocabularies.HowToJoin
    Cost = vocabularies.Cost
    Childcare = vocabularies.Childcare
    Strand = vocabularies.Strand
    Places = vocabularies.Places
    FeeUnit = vocabularies.FeeUnit

    summary = models.CharField(_("summary"), max_length=300, help_text=_("One or two short sentences."))
    description = RichTextField(_("description"), blank=True, features=RICH_TEXT_FEATURES)
    levels = ParentalManyToManyField(Level, verbose_name=_("levels"), related_name="classes")
    skills_focus = models.CharField(_("skills focus"), max_length=20, choices=Skills.choices, default=Skills.ALL)
    delivery_mode = models.CharField(
        _("how it is taught"), max_length=20, choices=DeliveryMode.choices, default=DeliveryMode.IN_PERSON
    )
    venue = models.ForeignKey(
        "finder.Venue",
        verbose_name=_("venue"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="classes",
        help_text=_("Leave empty for online classes."),
    )
    start_date = models.DateField(_("term starts"), null=True, blank=True)
    end_date = models.DateField(_("term ends"), null=True, blank=True)
    rolling_enrolment = models.BooleanField(_("learners can join at any time"), default=False)
    how_to_join = models.CharField(
        _("how to join"), max_length=20, choices=HowToJoin.choices, default=HowToJoin.DROP_IN
    )
    joining_notes = models.TextField(_("joining details"), blank=True)
    cost = models.CharField(_("cost"), max_length=20, choices=Cost.choices, default=Cost.FREE)
    fee_amount = models.DecimalField(_("fee (£)"), max_digits=7, decimal_places=2, null=True, blank=True)
    eligibility = models.TextField(
        _("who can get it free"),
        blank=True,
        help_text=_("Plain English, for example: 'Free if you get Universal Credit.'"),
    )
    childcare = models.CharField(_("childcare"), max_length=20, choices=Childcare.choices, default=Childcare.NONE)
    women_only = models.BooleanField(_("women only"), default=False)
    target_groups = ParentalManyToManyField(
        TargetGroup, verbose_name=_("who it is for"), blank=True, related_name="classes"
    )
    support_languages = ParentalManyToManyField(
        Language, verbose_name=_("other languages staff speak"), blank=True, related_name="classes"
    )
    strand = models.CharField(_("ESOL Plus strand"), max_length=20, choices=Strand.choices, default=Strand.NONE)
    accredited = models.BooleanField(_("leads to a qualification"), default=False)
    qualification = models.CharField(_("qualification"), max_length=200, blank=True)
    fee_unit = models.CharField(_("the fee is"), max_length=20, choices=vocabularies.FeeUnit.choices, blank=True)
    concession_fee = models.DecimalField(
        _("reduced fee (£)"),
        max_digits=7,
        decimal_places=2,
        null=True,
        blank=True,
        help_text=_("For learners on a low income, if you offer one."),
    )
    free_for = ChoiceListField(_("who can get it free"), vocabulary=vocabularies.FreeReason)
    what_to_bring = ChoiceListField(_("what to bring to join"), vocabulary=vocabularies.ThingToBring)
    referral_by = ChoiceListField(_("who can refer learners"), vocabulary=vocabularies.Referrer)
    drop_in_weekday = models.PositiveSmallIntegerField(
        _("drop-in assessment day"), choices=vocabularies.Weekday.choices, null=True, blank=True
    )
    drop_in_start = models.TimeField(_("drop-in from"), null=True, blank=True)
    drop_in_end = models.TimeField(_("drop-in until"), null=True, blank=True)
    creche_from_months = models.PositiveSmallIntegerField(
        _("crèche takes children from (months)"), null=True, blank=True
    )
    creche_to_months = models.PositiveSmallIntegerField(
        _("crèche takes children up to (months)"), null=True, blank=True
    )
    places_status = models.CharField(
        _("places"),
        max_length=20,
        choices=Places.choices,
        blank=True,
        help_text=_("Leave empty to work it out from the class size and the learners enrolled."),
    )
    capacity = models.PositiveSmallIntegerField(_("class size"), null=True, blank=True)
    enrolled = models.PositiveSmallIntegerField(
        _("learners enrolled now"),
        null=True,
        blank=True,
        help_text=_("For an ESOL Plus pilot class, the register keeps this up to date."),
    )
    # Kept by the pilot register (evaluation's enrolments), outside page revisions: publishing a provider's draft
    # never puts back an older count (see with_content_json).
    enrolled_on_register = models.PositiveSmallIntegerField(null=True, blank=True, editable=False)
    next_intake = models.DateField(
        _("next start date"), null=True, blank=True, help_text=_("When the class is full: when new learners can start.")
    )
    contact_name = models.CharField(_("contact name"), max_length=100, blank=True)
    contact_phone = models.CharField(_("contact phone"), max_length=30, blank=True)
    contact_email = models.EmailField(_("contact email"), blank=True)
    last_checked = models.DateField(_("last checked by the provider"), default=timezone.localdate)

    objects = ClassPageManager()

    content_panels = [
        *Page.content_panels,
        FieldPanel("summary"),
        FieldPanel("description"),
        MultiFieldPanel(
            [
                FieldPanel("levels", widget=forms.CheckboxSelectMultiple),
                FieldPanel("skills_focus"),
                FieldPanel("accredited"),
                FieldPanel("qualification"),
            ],
            heading=_("Level"),
        ),
        MultiFieldPanel([FieldPanel("delivery_mode"), FieldPanel("venue", widget=forms.Select)], heading=_("Where")),
        MultiFieldPanel(
            [
                InlinePanel("sessions", label=_("Weekly sessions"), min_num=1),
                FieldRowPanel([FieldPanel("start_date"), FieldPanel("end_date")]),
                FieldPanel("rolling_enrolment"),
            ],
            heading=_("When"),
        ),
        MultiFieldPanel(
            [
                FieldPanel("how_to_join"),
                FieldRowPanel([FieldPanel("drop_in_weekday"), FieldPanel("drop_in_start"), FieldPanel("drop_in_end")]),
                FieldPanel("referral_by"),
                FieldPanel("what_to_bring"),
                FieldPanel("joining_notes"),
            ],
            heading=_("Joining"),
        ),
        MultiFieldPanel(
            [
                FieldPanel("cost"),
                FieldRowPanel([FieldPanel("fee_amount"), FieldPanel("fee_unit"), FieldPanel("concession_fee")]),
                FieldPanel("free_for"),
                FieldPanel("eligibility"),
            ],
            heading=_("Cost"),
        ),
        MultiFieldPanel(
            [
                FieldPanel("childcare"),
                FieldRowPanel([FieldPanel("creche_from_months"), FieldPanel("creche_to_months")]),
                FieldPanel("women_only"),
                FieldPanel("target_groups", widget=forms.CheckboxSelectMultiple),
                FieldPanel("support_languages", widget=forms.CheckboxSelectMultiple),
                FieldPanel("strand"),
            ],
            heading=_("Who it is for"),
        ),
        MultiFieldPanel(
            [
                FieldRowPanel([FieldPanel("capacity"), FieldPanel("enrolled")]),
                FieldPanel("places_status"),
                FieldPanel("next_intake"),
                FieldPanel("last_checked"),
            ],
            heading=_("Places"),
        ),
        MultiFieldPanel(
            [FieldPanel("contact_name"), FieldPanel("contact_phone"), FieldPanel("contact_email")], heading=_("Contact")
        ),
    ]
    search_fields = [
        *Page.search_fields,
        index.SearchField("summary"),
        index.SearchField("description"),
        index.FilterField("cost"),
        index.FilterField("childcare"),
        index.FilterField("women_only"),
        index.FilterField("strand"),
    ]
    parent_page_types = ["finder.ProviderPage"]
    subpage_types: list[str] = []
    template = "pages/class_page.html"
    base_form_class = ClassPageForm

    class Meta:
        verbose_name = _("class")
        verbose_name_plural = _("classes")
        # The finder counts the current classes at the venues near a place; this index answers that from the index
        # alone (the dates that make a class current, and the page to join), without reading each class's row: on
        # PostgreSQL through the included page, on SQLite because the page is the row id every index entry carries.
        indexes = [
            models.Index(fields=["venue", "last_checked", "end_date"], include=["page_ptr"], name="class_venue_current")
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(end_date__isnull=True) | Q(start_date__isnull=True) | Q(end_date__gte=F("start_date")),
                name="class_ends_after_it_starts",
            ),
            models.CheckConstraint(condition=~Q(cost="fee") | Q(fee_amount__gt=0), name="class_fee_has_amount"),
            models.CheckConstraint(
                condition=Q(drop_in_start__isnull=True)
                | Q(drop_in_end__isnull=True)
                | Q(drop_in_end__gt=F("drop_in_start")),
                name="class_drop_in_ends_after_it_starts",
            ),
            models.CheckConstraint(
                condition=Q(creche_from_months__isnull=True)
                | Q(creche_to_months__isnull=True)
                | Q(creche_to_months__gte=F("creche_from_months")),
                name="class_creche_ages_in_order",
            ),
        ]

    def clean(self):
        super().clean()
        errors = {}
        if self.start_date and self.end_date and self.end_date < self.start_date:
            errors["end_date"] = _("The term must end after it starts.")
        if self.cost == self.Cost.FEE and not self.fee_amount:
            errors["fee_amount"] = _("Enter the fee, or choose another cost.")
        if self.cost == self.Cost.FEE and not self.fee_unit:
            errors["fee_unit"] = _("Say what the fee pays for: the course, a term, a session or an hour.")
        if self.cost == self.Cost.FREE_IF_ELIGIBLE and not self.free_for and not self.eligibility.strip():
            errors["free_for"] = _("Say who can get this class free.")
        if self.how_to_join == self.HowToJoin.REFERRAL and not self.referral_by:
            errors["referral_by"] = _("Say who can refer learners.")
        if self.drop_in_start and self.drop_in_end and self.drop_in_end <= self.drop_in_start:
            errors["drop_in_end"] = _("The drop-in must end after it starts.")
        ages = (self.creche_from_months, self.creche_to_months)
        if None not in ages and ages[1] < ages[0]:
            errors["creche_to_months"] = _("The oldest age must be above the youngest.")
        if self.capacity is not None and self.enrolled is not None and self.enrolled > self.capacity:
            errors["enrolled"] = _("More learners than the class size: raise the class size, or check the number.")
        if self.delivery_mode != self.DeliveryMode.ONLINE and not self.venue_id:
            errors["venue"] = _("Choose a venue, or set the class to online.")
        parent = self._known_parent()
        if self.venue_id and parent is not None and self.venue.provider_id != parent.pk:
            errors["venue"] = _("Choose one of your own venues.")
        if errors:
            raise ValidationError(errors)
        self.expire_after_end_date()

    def save(self, *args, **kwargs):
        self.expire_after_end_date()
        return super().save(*args, **kwargs)

    def _known_parent(self):
        if self.path or getattr(self, "_cached_parent_obj", None):
            return self.get_parent()
        return None

    def expire_after_end_date(self):
        """Schedule Wagtail to unpublish the class when its last day is over.

        ``publish_scheduled`` (run by cron) does the unpublishing; moving the end date moves the expiry.
        """
        if self.end_date:
            next_day = datetime.datetime.combine(self.end_date + datetime.timedelta(days=1), datetime.time.min)
            self.expire_at = timezone.make_aware(next_day)

    def next_start(self, today: date | None = None) -> date | None:
        """When a new learner could start: today for rolling enrolment, else the term start."""
        today = today or timezone.localdate()
        if self.rolling_enrolment:
            return today
        if self.start_date and self.start_date >= today:
            return self.start_date
        return None

    def with_content_json(self, content):
        """The register's count is the live one, whatever the revision being published held."""
        record = super().with_content_json(content)
        record.enrolled_on_register = self.enrolled_on_register
        return record

    def enrolled_now(self) -> int | None:
        """The register's count for a pilot class, otherwise the provider's own number."""
        return self.enrolled_on_register if self.enrolled_on_register is not None else self.enrolled

    def places_left(self) -> int | None:
        """Places left from the class size and the learners enrolled; None when either is unknown."""
        enrolled = self.enrolled_now()
        if self.capacity is None or enrolled is None:
            return None
        return max(self.capacity - enrolled, 0)

    def places(self) -> str:
        """The provider's word when given, otherwise worked out from the places left (see ``with_open_places``)."""
        if self.places_status:
            return self.places_status
        left = self.places_left()
        if left is None or left > vocabularies.FEW_PLACES_LEFT:
            return self.Places.AVAILABLE
        return self.Places.FEW if left > 0 else self.Places.FULL

    def has_open_places(self) -> bool:
        return self.places() in vocabularies.OPEN_PLACES

    def get_places_display(self) -> str:
        return self.Places(self.places()).label

    def mark_checked(self, today: date | None = None):
        """The provider confirms the listing is still correct."""
        self.last_checked = today or timezone.localdate()

    def serve(self, request, *args, **kwargs):
        """Not found while its venue waits for its first approval, as in ``current()``; previews still show it."""
        if self.venue_id and not self.venue.live and not getattr(request, "is_preview", False):
            raise Http404
        return super().serve(request, *args, **kwargs)

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        context["provider"] = self.provider
        context["structured_data"] = self.structured_data(request)
        return context

    COURSE_MODES = {"in_person": "onsite", "online": "online", "blended": "blended"}
    SCHEMA_DAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]

    def structured_data(self, request=None) -> dict:
        """schema.org Course with one CourseInstance, for search engines (rendered as JSON-LD)."""
        provider = self.provider
        instance: dict = {
            "@type": "CourseInstance",
            "courseMode": self.COURSE_MODES[self.delivery_mode],
            "courseSchedule": [
                {
                    "@type": "Schedule",
                    "byDay": f"https://schema.org/{self.SCHEMA_DAYS[session.weekday]}",
                    "startTime": session.start_time.strftime("%H:%M"),
                    "endTime": session.end_time.strftime("%H:%M"),
                    "repeatFrequency": "P1W",
                    **({"startDate": self.start_date.isoformat()} if self.start_date else {}),
                    **({"endDate": self.end_date.isoformat()} if self.end_date else {}),
                }
                for session in self.sessions.all()
            ],
            "isAccessibleForFree": self.cost != self.Cost.FEE,
        }
        if self.start_date:
            instance["startDate"] = self.start_date.isoformat()
        if self.end_date:
            instance["endDate"] = self.end_date.isoformat()
        if self.venue:
            place = {
                "@type": "Place",
                "name": self.venue.name,
                "address": {
                    "@type": "PostalAddress",
                    "streetAddress": " ".join(self.venue.address.split()),
                    "postalCode": self.venue.postcode,
                    "addressLocality": "London",
                    "addressCountry": "GB",
                },
            }
            if self.venue.latitude is not None:
                place["geo"] = {
                    "@type": "GeoCoordinates",
                    "latitude": self.venue.latitude,
                    "longitude": self.venue.longitude,
                }
            instance["location"] = place
        else:
            instance["location"] = {"@type": "VirtualLocation", "name": str(_("Online"))}
        if self.women_only:
            instance["audience"] = {"@type": "PeopleAudience", "suggestedGender": "female"}
        offer = {
            "@type": "Offer",
            "price": str(self.fee_amount) if self.cost == self.Cost.FEE and self.fee_amount else "0",
            "priceCurrency": "GBP",
            "category": "Paid" if self.cost == self.Cost.FEE else "Free",
        }
        if self.eligibility:
            offer["eligibleCustomerType"] = self.eligibility
        course = {
            "@context": "https://schema.org",
            "@type": "Course",
            "name": self.title,
            "description": self.summary,
            "url": self.get_full_url(request),
            "inLanguage": "en-GB",
            "educationalLevel": [str(level) for level in self.levels.all()],
            "isAccessibleForFree": self.cost != self.Cost.FEE,
            "offers": offer,
            "hasCourseInstance": [instance],
        }
        if provider:
            course["provider"] = {
                "@type": "Organization",
                "name": provider.title,
                "url": provider.website or provider.get_full_url(request),
            }
        if self.accredited and self.qualification:
            course["educationalCredentialAwarded"] = self.qualification
        return course


class ClassSession(Orderable):
    """One weekly meeting of a class: a weekday and a time."""

    Weekday = vocabularies.Weekday

    page = ParentalKey(ClassPage, on_delete=models.CASCADE, related_name="sessions")
    weekday = models.PositiveSmallIntegerField(_("day"), choices=Weekday.choices)
    start_time = models.TimeField(_("starts"))
    end_time = models.TimeField(_("ends"))

    panels = [FieldRowPanel([FieldPanel("weekday"), FieldPanel("start_time"), FieldPanel("end_time")])]

    class Meta(Orderable.Meta):
        verbose_name = _("weekly session")
        indexes = [models.Index(fields=["weekday", "start_time"], name="session_day_time")]
        constraints = [
            models.CheckConstraint(condition=Q(end_time__gt=F("start_time")), name="session_ends_after_it_starts"),
            models.CheckConstraint(condition=Q(weekday__gte=0, weekday__lte=6), name="session_weekday_valid"),
        ]

    def get_weekday_display(self) -> str:
        """The day's name. Django's own version hashes every day's label, translating all seven, on each call; a
        page of result cards asks dozens of times."""
        return self.Weekday(self.weekday).label if self.weekday in self.Weekday.values else str(self.weekday)

    def clean(self):
        if self.start_time and self.end_time and self.end_time <= self.start_time:
            raise ValidationError({"end_time": _("The session must end after it starts.")})
