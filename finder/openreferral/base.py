"""What every Open Referral endpoint shares: public and read-only, JSON only, ORUK errors, open to every origin.

Errors are small JSON bodies: ``{"error": "bad_request", "message": "page: Enter a whole number.", "errors":
{"page": ["Enter a whole number."]}}`` (400) or ``{"error": "not_found", "message": "..."}`` (404).
"""

from django.utils.translation import gettext_lazy as _
from rest_framework import exceptions, status
from rest_framework.generics import GenericAPIView
from rest_framework.negotiation import BaseContentNegotiation
from rest_framework.permissions import AllowAny
from rest_framework.renderers import JSONRenderer
from rest_framework.views import exception_handler as drf_exception_handler

from finder.openreferral.filters import OutputForm, invalid
from finder.openreferral.ids import parse_uuid
from finder.openreferral.pagination import OpenReferralPagination

# Every query parameter the ORUK 3.0 OpenAPI description defines, on any endpoint. One that an endpoint does
# not offer is refused (a client sending it expects it to act); any other name is ignored (cache-busters).
ORUK_PARAMETERS = frozenset(
    {
        "search",
        "page",
        "per_page",
        "format",
        "taxonomy_term_id",
        "taxonomy_id",
        "organization_id",
        "modified_after",
        "minimal",
        "full",
        "full_service",
        "postcode",
        "proximity",
        "top_only",
        "parent_id",
    }
)
ERROR_CODES = {
    status.HTTP_400_BAD_REQUEST: "bad_request",
    status.HTTP_403_FORBIDDEN: "forbidden",
    status.HTTP_404_NOT_FOUND: "not_found",
    status.HTTP_405_METHOD_NOT_ALLOWED: "method_not_allowed",
}


def exception_handler(exc, context):
    """DRF's handling, with the body reduced to an error code and a message that says what to fix."""
    response = drf_exception_handler(exc, context)
    if response is None:
        return None
    detail = response.data
    body = {"error": ERROR_CODES.get(response.status_code, "error")}
    if isinstance(detail, dict) and "detail" not in detail:
        body["message"] = "; ".join(f"{name}: {' '.join(map(str, errors))}" for name, errors in detail.items())
        body["errors"] = detail
    else:
        body["message"] = str(detail.get("detail", "") if isinstance(detail, dict) else detail)
    response.data = body
    return response


class JSONOnly(BaseContentNegotiation):
    """Always JSON, whatever the Accept header; ``format`` is checked as a parameter instead."""

    def select_renderer(self, request, renderers, format_suffix=None):
        return renderers[0], renderers[0].media_type

    def select_parser(self, request, parsers):
        return None


class OpenReferralView(GenericAPIView):
    permission_classes = [AllowAny]
    renderer_classes = [JSONRenderer]
    content_negotiation_class = JSONOnly
    pagination_class = OpenReferralPagination
    http_method_names = ["get", "head"]
    # The ORUK parameters this endpoint honours, besides ``format``.
    honoured: frozenset[str] = frozenset()

    def get_exception_handler(self):
        return exception_handler

    def initial(self, request, *args, **kwargs):
        super().initial(request, *args, **kwargs)
        refused = {
            name: [_("This endpoint does not offer this parameter.")]
            for name in request.query_params
            if name in ORUK_PARAMETERS - self.honoured - {"format"}
        }
        if refused:
            raise exceptions.ValidationError(refused)
        self.output = OutputForm(request.query_params)
        if not self.output.is_valid():
            raise invalid(self.output)

    def option(self, name: str, default: bool) -> bool:
        value = self.output.cleaned_data[name]
        return default if value is None else value

    def finalize_response(self, request, response, *args, **kwargs):
        """ORUK asks for ``Access-Control-Allow-Origin: *`` on every response: django-cors-headers adds it when a
        browser sends an Origin; this adds it for the clients that send none (validators, scripts)."""
        response = super().finalize_response(request, response, *args, **kwargs)
        response.headers.setdefault("Access-Control-Allow-Origin", "*")
        return response


def requested_id(raw: str, kind: str):
    """The UUID in the URL, or a 404 that says which kind of record has no such id."""
    value = parse_uuid(raw)
    if value is None:
        raise not_found(kind)
    return value


def not_found(kind: str) -> exceptions.NotFound:
    return exceptions.NotFound(_("No %(kind)s has that id.") % {"kind": kind})
