"""What the finder's views share: the error summary, finding a place, and distances and texts for the results shown."""

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from finder.geography.geocoding import PlaceNotFound, get_geocoder
from finder.geography.models import District, Outcode, Postcode, Sector
from finder.geography.postcodes import format_postcode
from finder.search.queries import distance_km
from finder.search.summaries import cost_text, join_text, next_start_text, start_text

KM_PER_MILE = 1.609344


def error_summary(*forms):
    """(field id, message) pairs for the error summary at the top of the page."""
    items = []
    for form in forms:
        for name, errors in form.errors.items():
            target = form[name].auto_id if name in form.fields else ""
            items.extend((target, message) for message in errors)
    return items


OUTSIDE_LONDON = _(
    "That postcode is outside London. This finder lists classes in London. "
    "Try a London postcode, or look for online classes."
)


def locate(form, field="where", london_only=False):
    """(latitude, longitude, district code) for the form's place, or None with a form error added.

    With ``london_only``, a postcode or area outside London is refused with its own message (the form
    then has ``outside_london`` set), rather than searched from far away or reported as unknown.
    """
    text = form.cleaned_data.get(field) or ""
    try:
        location = get_geocoder().resolve(text)
    except PlaceNotFound as error:
        if london_only and _unknown_postcode_outside_london(text):
            return _refuse_outside_london(form, field)
        form.add_error(field, error.message)
        return None
    kind, district = location.raw.get("kind", ""), location.raw.get("district_code", "")
    if london_only and _outside_london(kind, district, location.address, location.raw.get("in_london_borough")):
        return _refuse_outside_london(form, field)
    return location.latitude, location.longitude, district


def _refuse_outside_london(form, field):
    form.add_error(field, OUTSIDE_LONDON)
    form.outside_london = True
    return None


def _has_london_postcodes(prefix: str) -> bool:
    """Border areas (HA6, DA1) are counted in a district outside London yet hold London postcodes.
    ``prefix`` is an outcode with its space ("HA6 ") or a sector ("HA6 3")."""
    london = District.objects.filter(is_london_borough=True).values("code")
    return Postcode.objects.filter(postcode__startswith=prefix, district_code__in=london).exists()


def _outside_london(kind: str, district_code: str, text: str, london_borough: bool | None = None) -> bool:
    """A postcode in a district that is not a London borough, or an area with no London postcode at all.
    ``london_borough`` is the geocoder's answer for the district, when it gave one."""
    if not district_code:
        return False
    if london_borough is None:
        london_borough = District.is_london(district_code)
    if london_borough:
        return False
    if kind == "postcode":
        return True
    if kind in ("outcode", "sector"):
        code = " ".join(text.upper().split())
        return not _has_london_postcodes(code if kind == "sector" else f"{code} ")
    return False


def _unknown_postcode_outside_london(text: str) -> bool:
    """A full postcode we do not hold (only London's are imported) whose area is known and outside London."""
    postcode = format_postcode(text)
    if not postcode:
        return False
    outcode, inward = postcode.split(" ")
    for model, code in ((Sector, f"{outcode} {inward[0]}"), (Outcode, outcode)):
        row = model.objects.filter(code=code).only("district_code").first()
        if row is not None:
            return _outside_london(model.__name__.lower(), row.district_code, code)
    return False


def with_distances(items, origin):
    """Geodesic distances, for just the page of results shown."""
    for item in items:
        item.distance_km = distance_km(origin, item)
        item.distance_miles = item.distance_km / KM_PER_MILE if item.distance_km is not None else None
    return items


def with_descriptions(items, today=None):
    """The short texts a result card shows (cost, start, how to join), for cards that are being rendered."""
    today = today or timezone.localdate()
    for item in items:
        item.cost_text = cost_text(item)
        item.start_text = start_text(item, today)
        item.next_start_text = next_start_text(item, today)
        item.join_text = join_text(item)
    return items
