"""/find/workplace/: workplace ESOL offers for employers."""

from django.shortcuts import render
from django.utils.translation import gettext as _

from finder.models import District, WorkplaceOfferPage
from finder.search.forms import WorkplaceSearchForm
from finder.search.view_helpers import error_summary, locate


def find_workplace_offers(request):
    """/find/workplace/: workplace ESOL offers covering an employer's borough, sector and group size."""
    form = WorkplaceSearchForm(request.GET)
    form.is_valid()
    borough = None
    where = form.cleaned_data.get("where")
    if where:
        borough = District.objects.filter(is_london_borough=True, name__iexact=where.strip()).first()
        if borough is None:
            found = locate(form)
            if found:
                borough = District.objects.filter(code=found[2], is_london_borough=True).first()
                if borough is None:
                    form.add_error("where", _("That place isn't in a London borough. Try a London postcode."))
    offers = None
    if not form.errors:
        offers = WorkplaceOfferPage.objects.current().prefetch_related("sectors")
        if borough is not None:
            offers = offers.filter(boroughs=borough)
        if form.cleaned_data["sector"]:
            offers = offers.filter(sectors=form.cleaned_data["sector"])
        size = form.cleaned_data["group_size"]
        if size:
            offers = offers.filter(min_group_size__lte=size, max_group_size__gte=size)
        offers = offers.order_by("title").distinct()
    context = {"form": form, "offers": offers, "borough": borough, "errors": error_summary(form)}
    return render(request, "pages/workplace_finder.html", context)
