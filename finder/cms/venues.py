"""Venues in the CMS: each editor sees and changes only their own provider's venues."""

from django.contrib.admin.utils import unquote
from django.http import Http404
from django.utils.translation import gettext_lazy as _
from wagtail.permissions import register_permission_policy
from wagtail.snippets import views as snippet_views
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views import chooser as snippet_chooser
from wagtail.snippets.views.snippets import SnippetViewSet

from finder.cms.permissions import VenuePermissionPolicy
from finder.models import Venue

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
        from finder.cms.forms import VenueForm

        form_class = super().get_form_class(for_update=for_update)
        return type("ScopedVenueForm", (VenueForm, form_class), {})


register_snippet(VenueViewSet)
