"""The indicator definitions page: one anchored entry per indicator, so every dashboard figure's definition is one
click away. Staff-only like the dashboards (evaluators and coordinators); the full rules are docs/indicators.md."""

from django.core.exceptions import PermissionDenied
from django.shortcuts import render

from . import access
from . import indicator_catalogue as catalogue
from .instruments import item_text
from .models import SurveyItem
from .views import T, staff_login_required


@staff_login_required
def indicator_definitions(request):
    if not access.viewable_pilots(request.user).exists():
        raise PermissionDenied
    items = SurveyItem.objects.select_related("instrument").order_by("instrument__version", "sort_order")
    return render(
        request,
        T + "indicator_definitions.html",
        {
            "entries": catalogue.definitions(),
            "items": [
                {"code": item.code, "construct": item.construct, "version": item.instrument.version, "text": text}
                for item, text in ((item, item_text(item)) for item in items)
            ],
        },
    )
