from django.template.response import TemplateResponse


def data_sources(request):
    """The attributions that the postcode and place-name licences require."""
    return TemplateResponse(request, "pages/data_sources.html")
