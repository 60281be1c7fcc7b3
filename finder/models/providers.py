"""Provider pages: the index of organisations and each organisation's own page."""

from django import forms
from django.db import models
from django.db.models import CharField, Exists, OuterRef, Subquery
from django.db.models.functions import Length, Substr
from django.utils.translation import gettext_lazy as _
from modelcluster.fields import ParentalManyToManyField
from wagtail.admin.panels import FieldPanel, MultiFieldPanel
from wagtail.fields import RichTextField
from wagtail.models import Page
from wagtail.query import PageQuerySet
from wagtail.search import index

from finder.geography.models import District

from .identifiers import OpenReferralIdentified
from .reference import Language

RICH_TEXT_FEATURES = ["h2", "h3", "bold", "italic", "ol", "ul", "link"]


class ProviderIndexPage(Page):
    """The list of every organisation that teaches ESOL: /providers/."""

    intro = models.TextField(_("introduction"), blank=True)

    content_panels = [*Page.content_panels, FieldPanel("intro")]
    parent_page_types = ["esolplus.HomePage"]
    subpage_types = ["finder.ProviderPage"]
    max_count = 1
    template = "pages/provider_index_page.html"

    class Meta:
        verbose_name = _("provider index")

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        context["providers"] = (
            ProviderPage.objects.child_of(self).live().order_by("title").prefetch_related("boroughs_served")
        )
        return context


def provider_path(listing_path):
    """The tree path of the provider that runs a listing: the one rule for "which provider runs this class".

    Classes and workplace offers live directly under their provider's page (``parent_page_types``), so the
    provider's path is the listing's path less one tree step. ``listing_path`` is a path string (in Python) or
    an expression such as ``OuterRef("path")`` (in a query); both give the same answer.
    """
    if isinstance(listing_path, str):
        return listing_path[: -Page.steplen]
    return Substr(listing_path, 1, Length(listing_path) - Page.steplen)


class ProviderListingQuerySet(PageQuerySet):
    """Queries shared by the pages a provider publishes (classes and workplace offers)."""

    def with_provider(self):
        """Annotate ``provider_page_id`` and ``provider_title`` in the same query."""
        provider = ProviderPage.objects.filter(path=provider_path(OuterRef("path")))
        return self.annotate(
            provider_page_id=Subquery(provider.values("pk")[:1]),
            provider_title=Subquery(provider.values("title")[:1], output_field=CharField()),
        )

    def run_by(self, providers):
        """Listings of these providers (a ProviderPage queryset)."""
        return self.filter(Exists(providers.filter(path=provider_path(OuterRef("path")))))


class ProviderListing:
    """Mixin for the pages a provider publishes under its own page."""

    @property
    def provider(self) -> "ProviderPage | None":
        if not self.path:
            return None
        return ProviderPage.objects.filter(path=provider_path(self.path)).first()


def attach_providers(listings: list) -> list:
    """Set ``provider_title`` and ``provider_page_id`` on already-fetched listings, in one query for the lot."""
    found = {
        row["path"]: row
        for row in ProviderPage.objects.filter(path__in={provider_path(p.path) for p in listings}).values(
            "path", "pk", "title"
        )
    }
    for listing in listings:
        row = found.get(provider_path(listing.path), {})
        listing.provider_title, listing.provider_page_id = row.get("title", ""), row.get("pk")
    return listings


class ProviderPage(OpenReferralIdentified, Page):
    """An organisation that teaches ESOL; its classes and workplace offers live under it."""

    class OrganisationType(models.TextChoices):
        COLLEGE = "college", _("Further education college")
        COUNCIL = "council", _("Council adult learning service")
        CHARITY = "charity", _("Charity or community group")
        EMPLOYER = "employer", _("Employer")
        OTHER = "other", _("Other")

    organisation_type = models.CharField(
        _("type of organisation"), max_length=20, choices=OrganisationType.choices, default=OrganisationType.CHARITY
    )
    summary = models.CharField(_("summary"), max_length=300, help_text=_("One or two short sentences."))
    description = RichTextField(_("description"), blank=True, features=RICH_TEXT_FEATURES)
    logo = models.ForeignKey(
        "wagtailimages.Image",
        verbose_name=_("logo"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    website = models.URLField(_("website"), blank=True)
    phone = models.CharField(_("phone"), max_length=30, blank=True)
    email = models.EmailField(_("email"), blank=True, help_text=_("Where learners' enquiries are sent."))
    address = models.TextField(_("address"), blank=True)
    postcode = models.CharField(_("postcode"), max_length=8, blank=True)
    boroughs_served = ParentalManyToManyField(
        District,
        verbose_name=_("boroughs served"),
        blank=True,
        limit_choices_to={"is_london_borough": True},
        related_name="providers",
    )
    assessment_hub = models.BooleanField(
        _("assessment hub"),
        default=False,
        help_text=_("Assesses learners for every provider in its boroughs, not only for its own classes."),
    )
    accreditation_notes = models.TextField(_("accreditation"), blank=True)
    funding_notes = models.TextField(_("funding"), blank=True)
    staff_languages = ParentalManyToManyField(
        Language, verbose_name=_("languages staff speak"), blank=True, related_name="providers"
    )

    content_panels = [
        *Page.content_panels,
        FieldPanel("organisation_type"),
        FieldPanel("summary"),
        FieldPanel("description"),
        FieldPanel("logo"),
        MultiFieldPanel(
            [
                FieldPanel("website"),
                FieldPanel("phone"),
                FieldPanel("email"),
                FieldPanel("address"),
                FieldPanel("postcode"),
            ],
            heading=_("Contact"),
        ),
        FieldPanel("boroughs_served", widget=forms.CheckboxSelectMultiple),
        FieldPanel("staff_languages", widget=forms.CheckboxSelectMultiple),
        FieldPanel("assessment_hub"),
        FieldPanel("accreditation_notes"),
        FieldPanel("funding_notes"),
    ]
    search_fields = [
        *Page.search_fields,
        index.SearchField("summary"),
        index.SearchField("description"),
        index.FilterField("organisation_type"),
    ]
    parent_page_types = ["finder.ProviderIndexPage"]
    subpage_types = ["finder.ClassPage", "finder.WorkplaceOfferPage"]
    template = "pages/provider_page.html"

    def get_context(self, request, *args, **kwargs):
        from .classes import ClassPage  # the provider's children are defined after it
        from .workplace import WorkplaceOfferPage

        context = super().get_context(request, *args, **kwargs)
        context["classes"] = (
            ClassPage.objects.child_of(self)
            .current()
            .select_related("venue")
            .prefetch_related("levels", "sessions")
            .order_by("title")
        )
        context["offers"] = WorkplaceOfferPage.objects.child_of(self).current().order_by("title")
        return context

    class Meta:
        verbose_name = _("provider")
        permissions = [("coordinate_providers", "Can set up providers and see every provider's listings")]
