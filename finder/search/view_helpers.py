"""What the finder's views share: the error summary, finding a place, and distances for the results shown."""

from django.utils import timezone

from finder.geography.geocoding import PlaceNotFound, get_geocoder
from finder.search.queries import distance_km
from finder.search.summaries import cost_text, days_and_parts, start_text

KM_PER_MILE = 1.609344


def error_summary(*forms):
    """(field id, message) pairs for the error summary at the top of the page."""
    items = []
    for form in forms:
        for name, errors in form.errors.items():
            target = form[name].auto_id if name in form.fields else ""
            items.extend((target, message) for message in errors)
    return items


def locate(form, field="where"):
    """(latitude, longitude, district code) for the form's place, or None with a form error added."""
    text = form.cleaned_data.get(field) or ""
    try:
        location = get_geocoder().resolve(text)
    except PlaceNotFound as error:
        form.add_error(field, error.message)
        return None
    return location.latitude, location.longitude, location.raw.get("district_code", "")


def with_distances(items, origin, today=None):
    """Geodesic distances and short texts, for just the page of results shown."""
    today = today or timezone.localdate()
    for item in items:
        item.distance_km = distance_km(origin, item)
        item.distance_miles = item.distance_km / KM_PER_MILE if item.distance_km is not None else None
        item.when_text = days_and_parts(item.sessions.all())
        item.cost_text = cost_text(item)
        item.start_text = start_text(item, today)
    return items
