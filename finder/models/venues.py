import math

from django.contrib.contenttypes.fields import GenericRelation
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import ExpressionWrapper, F, QuerySet
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel, FieldRowPanel, MultiFieldPanel
from wagtail.models import DraftStateMixin, LockableMixin, RevisionMixin, WorkflowMixin
from wagtail.search import index

from finder import vocabularies
from finder.geography.distances import KM_PER_DEGREE_LATITUDE
from finder.geography.models import District
from finder.geography.postcodes import format_postcode

from .fields import ChoiceListField
from .identifiers import OpenReferralIdentified


def within_km(queryset: QuerySet, latitude: float, longitude: float, radius_km: float, venue: str = "venue"):
    """Rows of ``queryset`` whose venue (the relation named ``venue``) is within ``radius_km``, annotated with
    ``distance_sq_km``, the squared distance in km²: the one definition of "near" for classes and assessments.

    A bounding box on the indexed venue coordinates narrows the rows; an equirectangular distance (exact enough
    at city scale, and plain arithmetic on every database) then filters them.
    """
    cos_lat = math.cos(math.radians(latitude))
    lat_delta = radius_km / KM_PER_DEGREE_LATITUDE
    lon_delta = radius_km / (KM_PER_DEGREE_LATITUDE * max(cos_lat, 0.01))
    d_lat = (F(f"{venue}__latitude") - latitude) * KM_PER_DEGREE_LATITUDE
    d_lon = (F(f"{venue}__longitude") - longitude) * (KM_PER_DEGREE_LATITUDE * cos_lat)
    return (
        queryset.filter(
            **{
                f"{venue}__latitude__range": (latitude - lat_delta, latitude + lat_delta),
                f"{venue}__longitude__range": (longitude - lon_delta, longitude + lon_delta),
            }
        )
        .annotate(distance_sq_km=ExpressionWrapper(d_lat * d_lat + d_lon * d_lon, output_field=models.FloatField()))
        .filter(distance_sq_km__lte=radius_km * radius_km)
    )


class Venue(
    OpenReferralIdentified, WorkflowMixin, DraftStateMixin, LockableMixin, RevisionMixin, index.Indexed, models.Model
):
    """Where a provider teaches; reused by many classes and placed on the map by its postcode.

    Changes wait for a coordinator, as class changes do: the row holds the approved (live) version and
    drafts live in revisions, so the finder keeps showing the last approved address until a change is approved.
    """

    provider = models.ForeignKey(
        "finder.ProviderPage", verbose_name=_("provider"), on_delete=models.CASCADE, related_name="venues"
    )
    name = models.CharField(_("name"), max_length=150)
    address = models.TextField(_("address"), help_text=_("Street address, without the postcode."))
    postcode = models.CharField(_("postcode"), max_length=8)
    latitude = models.FloatField(
        _("latitude"), null=True, blank=True, help_text=_("Found from the postcode. Change it to move the map pin.")
    )
    longitude = models.FloatField(_("longitude"), null=True, blank=True)
    borough = models.ForeignKey(
        District,
        verbose_name=_("borough"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        editable=False,
    )
    step_free_access = models.BooleanField(_("step-free access"), default=False)
    access_features = ChoiceListField(_("other access"), vocabulary=vocabularies.AccessFeature)
    has_creche_room = models.BooleanField(_("crèche room"), default=False)
    _revisions = GenericRelation("wagtailcore.Revision", related_query_name="venue")
    workflow_states = GenericRelation(
        "wagtailcore.WorkflowState",
        content_type_field="base_content_type",
        object_id_field="object_id",
        related_query_name="venue",
        for_concrete_model=False,
    )
    transport_notes = models.TextField(
        _("public transport"), blank=True, help_text=_("Nearest stations and bus routes, in short sentences.")
    )

    panels = [
        FieldPanel("provider"),
        FieldPanel("name"),
        FieldPanel("address"),
        FieldPanel("postcode"),
        MultiFieldPanel(
            [FieldRowPanel([FieldPanel("latitude"), FieldPanel("longitude")])],
            heading=_("Map position"),
        ),
        FieldPanel("step_free_access"),
        FieldPanel("access_features"),
        FieldPanel("has_creche_room"),
        FieldPanel("transport_notes"),
    ]
    search_fields = [
        index.SearchField("name"),
        index.SearchField("address"),
        index.SearchField("postcode"),
        index.AutocompleteField("name"),
        index.FilterField("provider"),
    ]

    class Meta:
        ordering = ["name"]
        verbose_name = _("venue")
        # Where the finder's search starts: venues in a box around the place. With ``live`` (a class is shown only at
        # an approved venue) SQLite answers from the index without reading each venue's row.
        indexes = [models.Index(fields=["latitude", "longitude", "live"], name="venue_position")]
        constraints = [
            models.CheckConstraint(
                condition=(
                    models.Q(latitude__isnull=True, longitude__isnull=True)
                    | models.Q(latitude__gte=-90, latitude__lte=90, longitude__gte=-180, longitude__lte=180)
                ),
                name="venue_position_valid",
            )
        ]

    def __str__(self):
        return f"{self.name}, {self.postcode}"

    @property
    def revisions(self):
        return self._revisions

    @staticmethod
    def standard_postcode(value: str | None) -> str:
        """``value`` written the standard way ("E1 6AN"), or a ValidationError on the postcode field."""
        postcode = format_postcode(value or "")
        if not postcode:
            raise ValidationError({"postcode": _("Enter a full UK postcode, like E1 6AN.")})
        return postcode

    def clean(self):
        """Checks that need nothing but the venue itself; placing it from its postcode is the venue
        form's job (``finder.cms.venue_places``), so that a draft carries its own pin and borough."""
        super().clean()
        if self.postcode:  # a blank postcode is the field's own "required" error, or a draft's gap
            self.postcode = self.standard_postcode(self.postcode)
