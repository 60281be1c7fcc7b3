"""Open Referral UK 3.0 records of ESOL Plus data, as Django REST framework serializers.

- organization: a provider page; service: a class or a workplace offer; location: an approved venue;
  service_at_location: a class at its venue; taxonomy and taxonomy_term: the ESOL facets (``taxonomy``).
- How much of a service to write is the ``mode``: "full" (with every nested record), "summary" (its own
  fields and its organisation, as lists may give) or "minimal" (id and last_modified). The views choose it from
  the ``full`` and ``minimal`` parameters.
- The serializers read only what the views fetched (``published``): no query per record.
"""

import datetime
import functools

from django.utils.html import strip_tags
from rest_framework import serializers

from finder.models import ClassPage, WorkplaceOfferPage
from finder.openreferral import records, taxonomy
from finder.openreferral.ids import service_at_location_id

MINIMUM_AGE = 16  # adult ESOL


class RecordSerializer(serializers.Serializer):
    """Leaves out empty optional fields (the UK profile asks for that) and any field named in ``omit``."""

    def __init__(self, *args, omit=(), **kwargs):
        self.omit = frozenset(omit)
        super().__init__(*args, **kwargs)

    def left_out(self) -> frozenset[str]:
        return self.omit

    def to_representation(self, instance):
        record, left_out = {}, self.left_out()
        for field in self._readable_fields:
            if field.field_name in left_out:
                continue
            attribute = field.get_attribute(instance)
            value = None if attribute is None else field.to_representation(attribute)
            if value not in records.EMPTY:
                record[field.field_name] = value
        return record


class TaxonomySerializer(RecordSerializer):
    id = serializers.CharField()
    name = serializers.CharField()
    description = serializers.CharField()
    uri = serializers.CharField()
    version = serializers.CharField()


class TaxonomyTermSerializer(RecordSerializer):
    id = serializers.CharField()
    name = serializers.CharField()
    description = serializers.CharField()
    code = serializers.CharField()
    parent_id = serializers.CharField()
    taxonomy = serializers.SerializerMethodField()
    taxonomy_id = serializers.SerializerMethodField()
    term_uri = serializers.CharField(source="uri")

    def get_taxonomy(self, term):
        return taxonomy.TAXONOMY.name

    def get_taxonomy_id(self, term):
        return taxonomy.TAXONOMY.id


@functools.cache
def term_records() -> dict[str, dict]:
    """Every term as published, by code: the records nested in services' attributes."""
    return {term.code: TaxonomyTermSerializer(term).data for term in taxonomy.terms()}


class LocationSerializer(RecordSerializer):
    """An approved venue."""

    id = serializers.UUIDField(source="oruk_id")
    location_type = serializers.SerializerMethodField()
    name = serializers.CharField()
    description = serializers.CharField(source="transport_notes")
    latitude = serializers.FloatField()
    longitude = serializers.FloatField()
    addresses = serializers.SerializerMethodField()
    accessibility = serializers.SerializerMethodField()

    def get_location_type(self, venue):
        return "physical"

    def get_addresses(self, venue):
        return records.addresses(venue)

    def get_accessibility(self, venue):
        return records.accessibility(venue)


class OrganizationSerializer(RecordSerializer):
    """A provider. ``services`` ("summary" or "full" in the context's ``organization_services``) lists the
    provider's services that the view attached as ``published_services``; without it they are left out."""

    id = serializers.UUIDField(source="oruk_id")
    name = serializers.CharField(source="title")
    description = serializers.SerializerMethodField()
    email = serializers.CharField()
    website = serializers.CharField()
    uri = serializers.SerializerMethodField()
    services = serializers.SerializerMethodField()

    def left_out(self):
        return self.omit | ({"services"} if not self.context.get("organization_services") else set())

    def get_description(self, provider):
        return provider.summary or provider.title

    def get_uri(self, provider):
        return records.absolute(provider.url)

    def get_services(self, provider):
        return [self._services.to_representation(page) for page in provider.published_services]

    @functools.cached_property
    def _services(self):
        return ServiceSerializer(
            mode=self.context["organization_services"], omit={"organization"}, context=self.context
        )


class ServiceSerializer(RecordSerializer):
    """A class or a workplace offer. Needs ``oruk_organization`` (its provider) set on each page."""

    ARRAYS = frozenset(
        {
            "schedules",
            "service_areas",
            "service_at_locations",
            "languages",
            "cost_options",
            "contacts",
            "attributes",
        }
    )
    MINIMAL = frozenset({"id", "last_modified"})

    id = serializers.UUIDField(source="oruk_id")
    organization_id = serializers.SerializerMethodField()
    name = serializers.CharField(source="title")
    description = serializers.SerializerMethodField()
    url = serializers.SerializerMethodField()
    email = serializers.CharField(source="contact_email")
    status = serializers.SerializerMethodField()
    accreditations = serializers.SerializerMethodField()
    minimum_age = serializers.SerializerMethodField()
    assured_date = serializers.DateField(source="last_checked")
    last_modified = serializers.DateTimeField(source="last_published_at", default_timezone=datetime.UTC)
    eligibility_description = serializers.SerializerMethodField()
    organization = OrganizationSerializer(source="oruk_organization", omit={"services"})
    schedules = serializers.SerializerMethodField()
    service_areas = serializers.SerializerMethodField()
    service_at_locations = serializers.SerializerMethodField()
    languages = serializers.SerializerMethodField()
    cost_options = serializers.SerializerMethodField()
    contacts = serializers.SerializerMethodField()
    attributes = serializers.SerializerMethodField()

    def __init__(self, *args, mode: str | None = None, **kwargs):
        self.mode = mode
        super().__init__(*args, **kwargs)

    def left_out(self):
        mode = self.mode or self.context.get("services", "full")
        if mode == "minimal":
            return frozenset(self.fields) - self.MINIMAL
        return self.omit | (self.ARRAYS if mode == "summary" else frozenset())

    def get_organization_id(self, page):
        return str(page.oruk_organization.oruk_id) if page.oruk_organization else None

    def get_description(self, page):
        return page.summary + ("\n\n" + strip_tags(page.description) if page.description else "")

    def get_url(self, page):
        return records.absolute(page.url)

    def get_status(self, page):
        return "active"

    def get_accreditations(self, page):
        return page.qualification if isinstance(page, ClassPage) and page.accredited else None

    def get_minimum_age(self, page):
        return MINIMUM_AGE

    def get_eligibility_description(self, page):
        return page.eligibility if isinstance(page, ClassPage) else None

    def get_schedules(self, page):
        return records.schedules(page) if isinstance(page, ClassPage) else records.offer_schedules(page)

    def get_service_areas(self, page):
        return records.service_areas(page) if isinstance(page, WorkplaceOfferPage) else []

    def get_service_at_locations(self, page):
        if not isinstance(page, ClassPage) or page.venue_id is None:
            return []
        return [self._service_at_location.to_representation(page)]

    def get_languages(self, page):
        return records.languages(page, page.support_languages.all() if isinstance(page, ClassPage) else ())

    def get_cost_options(self, page):
        return records.cost_options(page) if isinstance(page, ClassPage) else records.offer_cost_options(page)

    def get_contacts(self, page):
        return records.contacts(page)

    def get_attributes(self, page):
        return records.attributes(page, term_records())

    @functools.cached_property
    def _service_at_location(self):
        return ServiceAtLocationSerializer(omit={"service"}, context=self.context)


class ServiceAtLocationSerializer(RecordSerializer):
    """A class at its venue, with the venue as a location and (unless omitted) the class as a service written
    in the context's ``service_at_location_services`` mode."""

    id = serializers.SerializerMethodField()
    service_id = serializers.UUIDField(source="oruk_id")
    location_id = serializers.UUIDField(source="venue.oruk_id")
    location = LocationSerializer(source="venue")
    service = serializers.SerializerMethodField()

    def get_id(self, page):
        return str(service_at_location_id(page.oruk_id))

    def get_service(self, page):
        return self._service.to_representation(page)

    @functools.cached_property
    def _service(self):
        mode = self.context.get("service_at_location_services", "summary")
        return ServiceSerializer(mode=mode, omit={"service_at_locations"}, context=self.context)
