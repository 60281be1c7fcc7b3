"""The provider CMS in Wagtail's admin: venues scoped to their provider, the stale listings
report, bulk import, provider set-up and the one-click "still correct" action."""

from django.contrib.admin.utils import unquote
from django.http import Http404
from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.menu import MenuItem
from wagtail.admin.widgets import Button
from wagtail.permissions import register_permission_policy
from wagtail.snippets import views as snippet_views
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views import chooser as snippet_chooser
from wagtail.snippets.views.snippets import SnippetViewSet

from finder import admin_views
from finder.cms_permissions import VenuePermissionPolicy, editable_providers, is_coordinator
from finder.models import ClassPage, Venue, WorkplaceOfferPage
from finder.services.providers import STILL_CORRECT_ACTION

venue_policy = VenuePermissionPolicy(Venue)
register_permission_policy(Venue, venue_policy)


def own_venues(user):
    return venue_policy.instances_user_has_any_permission_for(user, ["add", "change", "delete"])


class OwnVenueMixin:
    """Another provider's venue is simply not there (404)."""

    def dispatch(self, request, *args, **kwargs):
        pk = kwargs.get("pk", args[0] if args else None)
        if pk is not None and not own_venues(request.user).filter(pk=unquote(str(pk))).exists():
            raise Http404
        return super().dispatch(request, *args, **kwargs)


class VenueEditView(OwnVenueMixin, snippet_views.snippets.EditView):
    pass


class VenueDeleteView(OwnVenueMixin, snippet_views.snippets.DeleteView):
    pass


class VenueCopyView(OwnVenueMixin, snippet_views.snippets.CopyView):
    pass


class VenueUsageView(OwnVenueMixin, snippet_views.snippets.UsageView):
    pass


class VenueHistoryView(OwnVenueMixin, snippet_views.snippets.HistoryView):
    pass


class VenueInspectView(OwnVenueMixin, snippet_views.snippets.InspectView):
    pass


class VenueChooseView(snippet_chooser.ChooseView):
    def get_object_list(self):
        return own_venues(self.request.user)


class VenueChooseResultsView(snippet_chooser.ChooseResultsView):
    def get_object_list(self):
        return own_venues(self.request.user)


class VenueChosenView(snippet_chooser.SnippetChosenView):
    def get_object(self, pk):
        return own_venues(self.request.user).get(pk=pk)


class VenueChooserViewSet(snippet_chooser.SnippetChooserViewSet):
    choose_view_class = VenueChooseView
    choose_results_view_class = VenueChooseResultsView
    chosen_view_class = VenueChosenView


class VenueViewSet(SnippetViewSet):
    model = Venue
    icon = "home"
    menu_label = _("Venues")
    menu_order = 210
    add_to_admin_menu = True
    list_display = ["name", "postcode", "provider", "borough"]
    search_fields = ["name", "address", "postcode"]
    edit_view_class = VenueEditView
    delete_view_class = VenueDeleteView
    copy_view_class = VenueCopyView
    usage_view_class = VenueUsageView
    history_view_class = VenueHistoryView
    inspect_view_class = VenueInspectView
    chooser_viewset_class = VenueChooserViewSet

    def get_queryset(self, request):
        return own_venues(request.user).select_related("provider", "borough")

    def get_form_class(self, for_update=False):
        from finder.cms_forms import VenueForm

        form_class = super().get_form_class(for_update=for_update)
        return type("ScopedVenueForm", (VenueForm, form_class), {})


register_snippet(VenueViewSet)


@hooks.register("register_admin_urls")
def register_provider_cms_urls():
    report = admin_views.StaleListingsReport
    return [
        path("listings/<int:page_id>/still-correct/", admin_views.still_correct, name="finder_still_correct"),
        path("reports/stale-listings/", report.as_view(), name="finder_stale_listings"),
        path(
            "reports/stale-listings/results/", report.as_view(results_only=True), name="finder_stale_listings_results"
        ),
        path("classes/import/", admin_views.import_classes, name="finder_import_classes"),
        path(
            "classes/import/template.<str:file_format>",
            admin_views.import_template,
            name="finder_import_template",
        ),
        path("providers/set-up/", admin_views.set_up_provider, name="finder_set_up_provider"),
    ]


class EditorMenuItem(MenuItem):
    def is_shown(self, request):
        return editable_providers(request.user).exists()


class CoordinatorMenuItem(MenuItem):
    def is_shown(self, request):
        return is_coordinator(request.user)


@hooks.register("register_admin_menu_item")
def import_classes_menu_item():
    return EditorMenuItem(
        _("Import classes"), reverse("finder_import_classes"), name="import-classes", icon_name="upload", order=220
    )


@hooks.register("register_admin_menu_item")
def set_up_provider_menu_item():
    return CoordinatorMenuItem(
        _("Set up a provider"), reverse("finder_set_up_provider"), name="set-up-provider", icon_name="group", order=230
    )


@hooks.register("register_reports_menu_item")
def stale_listings_menu_item():
    return EditorMenuItem(
        _("Listings not checked for 90 days"),
        reverse("finder_stale_listings"),
        name="stale-listings",
        icon_name="time",
        order=50,
    )


def _still_correct_button(page, user, next_url, priority):
    page = page.specific_deferred if hasattr(page, "specific_deferred") else page
    if not isinstance(page, ClassPage | WorkplaceOfferPage) or not page.permissions_for_user(user).can_edit():
        return []
    url = reverse("finder_still_correct", args=[page.pk])
    return [
        Button(
            _("Still correct"),
            url=url,
            icon_name="check",
            priority=priority,
            attrs={
                "data-controller": "w-action",
                "data-action": "w-action#post",
                "data-w-action-url-value": url,
                "title": _("Confirm this listing is still correct today"),
            },
        )
    ]


@hooks.register("register_page_listing_more_buttons")
def still_correct_listing_button(page, user, next_url=None):
    yield from _still_correct_button(page, user, next_url, priority=5)


@hooks.register("register_page_header_buttons")
def still_correct_header_button(page, user, view_name, next_url=None):
    yield from _still_correct_button(page, user, next_url, priority=12)


@hooks.register("register_log_actions")
def register_still_correct_log_action(actions):
    actions.register_action(STILL_CORRECT_ACTION, _("Confirmed still correct"), _("Listing confirmed still correct"))


from finder import enquiry_admin  # noqa: E402,F401  (registers the enquiries listing)
