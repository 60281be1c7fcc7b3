"""Workplace offers: ESOL delivered with employers."""

from datetime import date

from django import forms
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from modelcluster.fields import ParentalManyToManyField
from wagtail.admin.panels import FieldPanel, FieldRowPanel, MultiFieldPanel
from wagtail.fields import RichTextField
from wagtail.models import Page, PageManager
from wagtail.search import index

from finder import freshness
from finder.geography.models import District

from .identifiers import OpenReferralIdentified
from .providers import RICH_TEXT_FEATURES, ProviderListing, ProviderListingQuerySet
from .reference import IndustrySector, Level


class WorkplaceOfferPageQuerySet(ProviderListingQuerySet):
    def current(self, today: date | None = None):
        """Live offers checked by their provider since the cutoff (``finder.freshness``): what the workplace
        finder, provider pages and the Open Referral API show. An unchecked offer is hidden, not deleted."""
        return self.live().filter(last_checked__gte=freshness.hidden_cutoff(today))


class WorkplaceOfferPage(ProviderListing, OpenReferralIdentified, Page):
    """ESOL an organisation delivers with employers, at the workplace or at its own centre."""

    class DeliveredAt(models.TextChoices):
        WORKPLACE = "workplace", _("At the workplace")
        PROVIDER = "provider", _("At the provider")
        EITHER = "either", _("At the workplace or the provider")

    summary = models.CharField(_("summary"), max_length=300)
    description = RichTextField(_("description"), blank=True, features=RICH_TEXT_FEATURES)
    sectors = ParentalManyToManyField(IndustrySector, verbose_name=_("sectors"), related_name="workplace_offers")
    boroughs = ParentalManyToManyField(
        District,
        verbose_name=_("boroughs covered"),
        limit_choices_to={"is_london_borough": True},
        related_name="workplace_offers",
    )
    levels = ParentalManyToManyField(Level, verbose_name=_("levels"), blank=True, related_name="workplace_offers")
    delivered_at = models.CharField(_("where"), max_length=20, choices=DeliveredAt.choices, default=DeliveredAt.EITHER)
    min_group_size = models.PositiveSmallIntegerField(_("smallest group"), default=6)
    max_group_size = models.PositiveSmallIntegerField(_("largest group"), default=15)
    funding_and_cost = models.TextField(_("funding and cost"))
    typical_length = models.CharField(
        _("typical length"), max_length=100, help_text=_("For example: 10 weeks, 2 hours a week.")
    )
    contact_name = models.CharField(_("contact name"), max_length=100, blank=True)
    contact_phone = models.CharField(_("contact phone"), max_length=30, blank=True)
    contact_email = models.EmailField(_("contact email"), blank=True)
    last_checked = models.DateField(_("last checked by the provider"), default=timezone.localdate)

    objects = PageManager.from_queryset(WorkplaceOfferPageQuerySet)()

    content_panels = [
        *Page.content_panels,
        FieldPanel("summary"),
        FieldPanel("description"),
        FieldPanel("sectors", widget=forms.CheckboxSelectMultiple),
        FieldPanel("boroughs", widget=forms.CheckboxSelectMultiple),
        FieldPanel("levels", widget=forms.CheckboxSelectMultiple),
        FieldPanel("delivered_at"),
        FieldRowPanel([FieldPanel("min_group_size"), FieldPanel("max_group_size")], heading=_("Group size")),
        FieldPanel("funding_and_cost"),
        FieldPanel("typical_length"),
        MultiFieldPanel(
            [FieldPanel("contact_name"), FieldPanel("contact_phone"), FieldPanel("contact_email")], heading=_("Contact")
        ),
        FieldPanel("last_checked"),
    ]
    search_fields = [*Page.search_fields, index.SearchField("summary"), index.SearchField("description")]
    parent_page_types = ["finder.ProviderPage"]
    subpage_types: list[str] = []
    template = "pages/workplace_offer_page.html"

    class Meta:
        verbose_name = _("workplace ESOL offer")
        constraints = [
            models.CheckConstraint(
                condition=Q(min_group_size__gte=1) & Q(max_group_size__gte=F("min_group_size")),
                name="workplace_group_size_range",
            )
        ]

    def clean(self):
        super().clean()
        if self.max_group_size < self.min_group_size:
            raise ValidationError({"max_group_size": _("The largest group can't be smaller than the smallest.")})

    def mark_checked(self, today: date | None = None):
        self.last_checked = today or timezone.localdate()

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        context["provider"] = self.provider
        return context
