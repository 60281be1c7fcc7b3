from django.db import models
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel
from wagtail.models import Page


class HomePage(Page):
    """The site's front page: a postcode search box first, for learners on a phone."""

    intro = models.CharField(_("introduction"), max_length=300, blank=True)

    content_panels = [*Page.content_panels, FieldPanel("intro")]
    parent_page_types = ["wagtailcore.Page"]
    subpage_types = ["finder.ProviderIndexPage"]
    max_count = 1
    template = "pages/home_page.html"

    class Meta:
        verbose_name = _("home page")
