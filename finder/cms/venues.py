"""Venues in the CMS: each editor sees and changes only their own provider's venues."""

from django.contrib.admin.utils import unquote
from django.contrib.contenttypes.models import ContentType
from django.db.models import CharField, Q
from django.db.models.functions import Cast
from django.http import Http404
from django.utils.translation import gettext_lazy as _
from wagtail.admin.views.reports.workflows import WorkflowTasksView, WorkflowView
from wagtail.permissions import register_permission_policy
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views import chooser as snippet_chooser
from wagtail.snippets.views.snippets import SnippetViewSet

from finder.cms.boundary import WORKFLOW_SNIPPETS, valid_ids, visible_instances
from finder.cms.permissions import VenuePermissionPolicy
from finder.models import Venue

venue_policy = VenuePermissionPolicy(Venue)
register_permission_policy(Venue, venue_policy)


def own_venues(user):
    return venue_policy.instances_user_has_any_permission_for(user, ["add", "change", "delete"])


class OwnVenueMixin:
    """Another provider's venue is simply not there (404), checked in ``setup`` before Wagtail's views
    load the venue or its revisions or check any other permission."""

    def setup(self, request, *args, **kwargs):
        pk = kwargs.get("pk", args[0] if args else None)
        if pk is not None and not own_venues(request.user).filter(pk=unquote(str(pk))).exists():
            raise Http404
        super().setup(request, *args, **kwargs)


class VenueChooseView(snippet_chooser.ChooseView):
    def get_object_list(self):
        return own_venues(self.request.user)


class VenueChooseResultsView(snippet_chooser.ChooseResultsView):
    def get_object_list(self):
        return own_venues(self.request.user)


class VenueChosenView(snippet_chooser.SnippetChosenView):
    def get_object(self, pk):
        return own_venues(self.request.user).get(pk__in=valid_ids([pk]))


class VenueChosenMultipleView(snippet_chooser.SnippetChosenMultipleView):
    def get_objects(self, pks):
        return own_venues(self.request.user).filter(pk__in=valid_ids(pks))


class VenueChooserViewSet(snippet_chooser.SnippetChooserViewSet):
    choose_view_class = VenueChooseView
    choose_results_view_class = VenueChooseResultsView
    chosen_view_class = VenueChosenView
    chosen_multiple_view_class = VenueChosenMultipleView


class VenueViewSet(SnippetViewSet):
    model = Venue
    icon = "home"
    menu_label = _("Venues")
    menu_order = 210
    add_to_admin_menu = True
    list_display = ["name", "postcode", "provider", "borough"]
    chooser_viewset_class = VenueChooserViewSet

    def construct_view(self, view_class, **kwargs):
        """Every view of one venue answers 404 for another provider's venue: edit, delete, copy, usage,
        history, inspect, revisions (compare, revert, unschedule), unpublish, lock and unlock, and the
        workflow views (action, cancellation, history). Views without a venue pass through."""
        if not issubclass(view_class, OwnVenueMixin):
            view_class = type(view_class.__name__, (OwnVenueMixin, view_class), {})
        return super().construct_view(view_class, **kwargs)

    def get_queryset(self, request):
        return own_venues(request.user).select_related("provider", "borough")

    def get_form_class(self, for_update=False):
        from finder.cms.forms import VenueForm

        form_class = super().get_form_class(for_update=for_update)
        return type("ScopedVenueForm", (VenueForm, form_class), {})


register_snippet(VenueViewSet)


def others_snippets(user, prefix: str = "") -> Q:
    """Workflow states (task states, with ``prefix="workflow_state__"``) of venues and assessment slots ``user`` may
    not see.

    Wagtail's workflow reports list every snippet of a model the user may change; these are scoped further, by
    provider (``finder.cms.boundary.WORKFLOW_SNIPPETS``).
    """
    hidden = Q(pk__in=[])
    for model in WORKFLOW_SNIPPETS:
        own = visible_instances(user, model).annotate(key=Cast("pk", CharField())).values("key")
        hidden |= Q(**{f"{prefix}base_content_type": ContentType.objects.get_for_model(model)}) & ~Q(
            **{f"{prefix}object_id__in": own}
        )
    return hidden


class WorkflowReport(WorkflowView):
    def get_queryset(self):
        return super().get_queryset().exclude(others_snippets(self.request.user))


class WorkflowTasksReport(WorkflowTasksView):
    def get_queryset(self):
        return super().get_queryset().exclude(others_snippets(self.request.user, "workflow_state__"))
