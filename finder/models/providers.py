"""Provider pages: the index of organisations and each organisation's own page."""

from django import forms
from django.db import models
from django.utils.translation import gettext_lazy as _
from modelcluster.fields import ParentalManyToManyField
from wagtail.admin.panels import FieldPanel, MultiFieldPanel
from wagtail.fields import RichTextField
from wagtail.models import Page
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
        context["offers"] = WorkplaceOfferPage.objects.child_of(self).live().order_by("title")
        return context

    class Meta:
        verbose_name = _("provider")
        permissions = [("coordinate_providers", "Can set up providers and see every provider's listings")]
