"""Learners' enquiries in the Wagtail admin: each provider's editors see only their own classes' enquiries.

A user sees an enquiry when they can edit its class page (Wagtail page permissions), so a provider's
editor group with edit rights on its ProviderPage sees just that provider's enquiries; coordinators see every
enquiry. The rule is a permission policy, so Wagtail's own screens that ask the policy (listing, chooser, bulk
actions, history, reports) apply it too; the views below also answer "not found" for anyone else's enquiry
before loading it. Editors also need the "change enquiry" model permission to open the listing at all.
"""

from django.db.models import QuerySet
from django.http import Http404
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel
from wagtail.admin.ui.tables import Column, DateColumn
from wagtail.permission_policies.base import ModelPermissionPolicy
from wagtail.permission_policies.pages import PagePermissionPolicy
from wagtail.permissions import register_permission_policy
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views import chooser as snippet_chooser
from wagtail.snippets.views.snippets import SnippetViewSet

from esolplus.roles import is_coordinator, is_signed_in
from finder.cms.boundary import valid_ids
from finder.models import ClassPage, Enquiry


def enquiries_visible_to(user) -> QuerySet:
    """The enquiries a user may see: all for coordinators, else those for classes they can edit."""
    enquiries = Enquiry.objects.select_related("class_page")
    if not is_signed_in(user):
        return enquiries.none()
    if is_coordinator(user):
        return enquiries
    editable = PagePermissionPolicy().instances_user_has_permission_for(user, "change")
    return enquiries.filter(class_page__in=editable.type(ClassPage).values("pk"))


def is_visible(user, pk) -> bool:
    return enquiries_visible_to(user).filter(pk__in=valid_ids([pk])).exists()


class EnquiryPermissionPolicy(ModelPermissionPolicy):
    """Model permissions say what a user may do to enquiries; the class they are for says which enquiries."""

    def user_has_permission_for_instance(self, user, action, instance):
        return self.user_has_permission(user, action) and is_visible(user, instance.pk)

    def instances_user_has_any_permission_for(self, user, actions):
        if not self.user_has_any_permission(user, actions):
            return Enquiry.objects.none()
        return enquiries_visible_to(user)

    def users_with_any_permission_for_instance(self, actions, instance):
        users = self.users_with_any_permission(actions)
        return users.filter(pk__in=[user.pk for user in users if is_visible(user, instance.pk)])


enquiry_policy = EnquiryPermissionPolicy(Enquiry)
register_permission_policy(Enquiry, enquiry_policy)


class ScopedObjectMixin:
    """Another provider's enquiry (or an id that is no enquiry) is simply not there: 404 before it is loaded.

    Checked in ``setup`` because Wagtail's views load the object there; the views' own ``get_object`` is left
    alone, as the edit view needs the ``live_object`` it sets.
    """

    def setup(self, request, *args, **kwargs):
        pk = kwargs.get("pk", args[0] if args else None)
        if pk is not None and not is_visible(request.user, pk):
            raise Http404
        super().setup(request, *args, **kwargs)


class EnquiryChooseView(snippet_chooser.ChooseView):
    def get_object_list(self):
        return enquiries_visible_to(self.request.user)


class EnquiryChooseResultsView(snippet_chooser.ChooseResultsView):
    def get_object_list(self):
        return enquiries_visible_to(self.request.user)


class EnquiryChosenView(snippet_chooser.SnippetChosenView):
    def get_object(self, pk):
        if not is_visible(self.request.user, pk):
            raise Http404
        return super().get_object(pk)


class EnquiryChosenMultipleView(snippet_chooser.SnippetChosenMultipleView):
    def get_objects(self, pks):
        return enquiries_visible_to(self.request.user).filter(pk__in=valid_ids(pks))


class EnquiryChooserViewSet(snippet_chooser.SnippetChooserViewSet):
    choose_view_class = EnquiryChooseView
    choose_results_view_class = EnquiryChooseResultsView
    chosen_view_class = EnquiryChosenView
    chosen_multiple_view_class = EnquiryChosenMultipleView


class EnquiryViewSet(SnippetViewSet):
    model = Enquiry
    icon = "mail"
    menu_label = _("Enquiries")
    menu_order = 250
    add_to_admin_menu = True
    list_display = [
        "name",
        Column("class_page", label=_("Class")),
        "phone",
        "email",
        "preferred_language",
        "best_time",
        "status",
        DateColumn("created_at", label=_("Sent")),
    ]
    list_filter = ["status"]
    search_fields = None
    inspect_view_enabled = True
    inspect_view_fields_exclude = ["submission_key"]  # a double-submit guard, nothing a person needs
    copy_view_enabled = False  # enquiries come from learners, never from a copy
    chooser_viewset_class = EnquiryChooserViewSet
    panels = [
        FieldPanel("status"),
        FieldPanel("class_page", read_only=True),
        FieldPanel("name", read_only=True),
        FieldPanel("phone", read_only=True),
        FieldPanel("email", read_only=True),
        FieldPanel("preferred_language", read_only=True),
        FieldPanel("best_time", read_only=True),
        FieldPanel("consent_to_contact", read_only=True),
    ]

    def construct_view(self, view_class, **kwargs):
        """Every view of one enquiry (edit, inspect, history, usage, delete) answers 404 for anyone else's."""
        if not issubclass(view_class, ScopedObjectMixin):
            view_class = type(view_class.__name__, (ScopedObjectMixin, view_class), {})
        return super().construct_view(view_class, **kwargs)

    def get_queryset(self, request):
        return enquiries_visible_to(request.user)


register_snippet(EnquiryViewSet)
