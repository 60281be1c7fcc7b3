from django.http import HttpResponsePermanentRedirect
from django.template.response import TemplateResponse
from django.templatetags.static import static


def data_sources(request):
    """The attributions that the postcode and place-name licences require."""
    return TemplateResponse(request, "pages/data_sources.html")


def favicon(request):
    """Browsers ask for /favicon.ico whatever the page says; send them to the icon instead of a 404 page."""
    return HttpResponsePermanentRedirect(static("favicon.svg"))
