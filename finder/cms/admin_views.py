"""CMS screens for providers and coordinators: still-correct confirmations, the stale listings
report, bulk class import and setting up a new provider."""

from django import forms
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import BooleanField, Case, CharField, DateField, F, OuterRef, Q, Subquery, When
from django.db.models.functions import Coalesce
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods
from wagtail.admin import messages
from wagtail.admin.ui.tables import Column, DateColumn, TitleColumn
from wagtail.admin.views.reports import ReportView
from wagtail.models import Page

from esolplus.roles import is_coordinator
from esolplus.safe_cells import FormulaSafeExportMixin
from finder import freshness
from finder.cms import approval_views, class_import
from finder.cms.permissions import editable_providers
from finder.cms.providers import confirm_listing_still_correct, setup_provider
from finder.models import ClassPage, ProviderPage, WorkplaceOfferPage
from finder.models.providers import provider_path


def _listing_or_404(page_id: int) -> Page:
    page = get_object_or_404(Page, pk=page_id).specific
    if not isinstance(page, ClassPage | WorkplaceOfferPage):
        raise PermissionDenied
    return page


@require_http_methods(["GET", "POST"])
def still_correct(request, page_id: int):
    """GET asks to confirm; POST records that the listing was checked today."""
    page = _listing_or_404(page_id)
    if not page.permissions_for_user(request.user).can_edit():
        raise PermissionDenied
    next_url = request.POST.get("next") or request.GET.get("next") or ""
    if not url_has_allowed_host_and_scheme(next_url, {request.get_host()}, request.is_secure()):
        next_url = ""
    if request.method == "POST":
        confirm_listing_still_correct(page, request.user)
        messages.success(request, _("Thank you. “%(title)s” is marked as checked today.") % {"title": page.title})
        return redirect(next_url or reverse("wagtailadmin_explore", args=[page.get_parent().pk]))
    return TemplateResponse(
        request,
        "finder/admin/still_correct.html",
        {"page": page, "next": next_url, "page_title": _("Still correct?"), "header_icon": "check"},
    )


class StaleListingsReport(FormulaSafeExportMixin, ReportView):
    """Live classes and workplace offers nobody has confirmed for ``LISTING_CHECK_DAYS`` (finder.freshness), with
    their provider."""

    page_title = gettext_lazy("Listings not checked recently")
    header_icon = "time"
    index_url_name = "finder_stale_listings"
    index_results_url_name = "finder_stale_listings_results"
    list_export = ["title", "provider_title", "kind", "checked_on"]
    export_headings = {
        "title": gettext_lazy("Listing"),
        "provider_title": gettext_lazy("Provider"),
        "kind": gettext_lazy("Type"),
        "checked_on": gettext_lazy("Last checked"),
    }
    columns = [
        TitleColumn("title", label=gettext_lazy("Listing"), url_name="wagtailadmin_pages:edit"),
        Column("provider_title", label=gettext_lazy("Provider")),
        Column("kind", label=gettext_lazy("Type")),
        DateColumn("checked_on", label=gettext_lazy("Last checked")),
        TitleColumn(
            "confirm",
            label=gettext_lazy("Still correct?"),
            get_url=lambda page: reverse("finder_still_correct", args=[page.pk]),
        ),
    ]

    def dispatch(self, request, *args, **kwargs):
        if not (is_coordinator(request.user) or editable_providers(request.user).exists()):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def get_queryset(self):
        cutoff = freshness.check_cutoff()
        provider = ProviderPage.objects.filter(path=provider_path(OuterRef("path")))
        pages = (
            Page.objects.live()
            .filter(Q(classpage__isnull=False) | Q(workplaceofferpage__isnull=False))
            .annotate(
                checked_on=Coalesce(
                    F("classpage__last_checked"), F("workplaceofferpage__last_checked"), output_field=DateField()
                ),
                provider_title=Subquery(provider.values("title")[:1], output_field=CharField()),
                is_class=Case(When(classpage__isnull=False, then=True), default=False, output_field=BooleanField()),
            )
            .filter(checked_on__lt=cutoff)
            .order_by("checked_on", "title")
        )
        if not is_coordinator(self.request.user):
            allowed = Q()
            for path in editable_providers(self.request.user).values_list("path", flat=True):
                allowed |= Q(path__startswith=path)
            pages = pages.filter(allowed)
        return pages

    def decorate_paginated_queryset(self, object_list):
        for page in object_list:
            page.kind = _("Class") if page.is_class else _("Workplace offer")
            page.confirm = _("Confirm")
        return object_list


class PageChoiceField(forms.ModelChoiceField):
    """A page chosen by id; an id too large for the database's integer is refused, not sent to the query
    (SQLite raises OverflowError and PostgreSQL DataError, both a server error)."""

    MAX_ID = 2**31 - 1

    def to_python(self, value):
        if value not in self.empty_values and not (str(value).isdecimal() and int(value) <= self.MAX_ID):
            raise ValidationError(self.error_messages["invalid_choice"], code="invalid_choice")
        return super().to_python(value)


class ImportForm(forms.Form):
    provider = PageChoiceField(queryset=ProviderPage.objects.none(), label=gettext_lazy("Provider"))
    file = forms.FileField(
        label=gettext_lazy("Spreadsheet"),
        help_text=gettext_lazy("The filled-in template, as .csv or .xlsx."),
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,.xlsx"}),
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        providers = editable_providers(user).order_by("title")
        self.fields["provider"].queryset = providers
        if providers.count() == 1:
            self.fields["provider"].initial = providers.first()


def import_classes(request):
    if not editable_providers(request.user).exists():
        raise PermissionDenied
    form = ImportForm(request.POST or None, request.FILES or None, user=request.user)
    result = None
    if request.method == "POST" and form.is_valid():
        provider = form.cleaned_data["provider"]
        result = class_import.import_classes(provider, form.cleaned_data["file"], user=request.user)
        if result.ok:
            messages.success(
                request,
                _("Imported %(created)d new and %(updated)d changed classes as drafts. Submit them for approval.")
                % {"created": result.created, "updated": result.updated},
            )
            approval_views.remember_import(request, result.page_ids)
            return redirect("finder_imported_classes")
        messages.error(request, _("Nothing was imported. Correct the rows below and upload the file again."))
    return TemplateResponse(
        request,
        "finder/admin/import_classes.html",
        {"form": form, "result": result, "columns": class_import.COLUMNS, "page_title": _("Import classes")},
        status=400 if result and not result.ok else 200,
    )


def import_template(request, file_format: str):
    if not editable_providers(request.user).exists():
        raise PermissionDenied
    if file_format == "xlsx":
        content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
        response = HttpResponse(class_import.template_xlsx(), content_type=content_type)
    else:
        response = HttpResponse(class_import.template_csv(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="esolplus-classes-template.{file_format}"'
    return response


class ProviderSetupForm(forms.Form):
    name = forms.CharField(label=gettext_lazy("Organisation name"), max_length=255)
    summary = forms.CharField(label=gettext_lazy("Summary"), max_length=300, required=False)
    editor_username = forms.CharField(label=gettext_lazy("First editor's username"), max_length=150)
    editor_email = forms.EmailField(label=gettext_lazy("First editor's email"))

    def clean_editor_username(self):
        username = self.cleaned_data["editor_username"]
        user = get_user_model().objects.filter(username=username).first()
        if is_coordinator(user):
            raise forms.ValidationError(_("This person is a coordinator. Choose another username."))
        return username


def set_up_provider(request):
    if not is_coordinator(request.user):
        raise PermissionDenied
    form = ProviderSetupForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        setup = setup_provider(
            form.cleaned_data["name"],
            summary=form.cleaned_data["summary"],
            editor_username=form.cleaned_data["editor_username"],
            editor_email=form.cleaned_data["editor_email"],
        )
        messages.success(
            request,
            _("%(provider)s is set up. %(editor)s can now edit it; send them a password reset link.")
            % {"provider": setup.provider.title, "editor": setup.editor.get_username()},
        )
        return redirect("wagtailadmin_pages:edit", setup.provider.pk)
    return TemplateResponse(
        request, "finder/admin/set_up_provider.html", {"form": form, "page_title": _("Set up a provider")}
    )
