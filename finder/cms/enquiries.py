"""Learners' enquiries in the Wagtail admin: each provider's editors see only their own classes' enquiries.

A user sees an enquiry when they can edit its class page (Wagtail page permissions), so a provider's
editor group with edit rights on its ProviderPage sees just that provider's enquiries. Superusers and
the "ESOL coordinators" group see every enquiry. Editors also need the "change enquiry" model
permission to open the listing at all.
"""

from django.db.models import QuerySet
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel
from wagtail.admin.ui.tables import Column, DateColumn
from wagtail.permission_policies.pages import PagePermissionPolicy
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views import snippets as snippet_views
from wagtail.snippets.views.snippets import SnippetViewSet

from esolplus.roles import is_coordinator
from finder.models import ClassPage, Enquiry


def enquiries_visible_to(user) -> QuerySet:
    """The enquiries a user may see: all for coordinators, else those for classes they can edit."""
    enquiries = Enquiry.objects.select_related("class_page")
    if not user.is_active:
        return enquiries.none()
    if is_coordinator(user):
        return enquiries
    editable = PagePermissionPolicy().instances_user_has_permission_for(user, "change")
    return enquiries.filter(class_page__in=editable.type(ClassPage).values("pk"))


class ScopedObjectMixin:
    """Look the enquiry up among those the user may see, so other providers' rows are a 404."""

    def get_object(self, queryset=None):
        return get_object_or_404(enquiries_visible_to(self.request.user), pk=self.kwargs[self.pk_url_kwarg])


class EnquiryEditView(ScopedObjectMixin, snippet_views.EditView):
    pass


class EnquiryDeleteView(ScopedObjectMixin, snippet_views.DeleteView):
    pass


class EnquiryHistoryView(ScopedObjectMixin, snippet_views.HistoryView):
    pass


class EnquiryInspectView(ScopedObjectMixin, snippet_views.InspectView):
    pass


class EnquiryUsageView(ScopedObjectMixin, snippet_views.UsageView):
    pass


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
    edit_view_class = EnquiryEditView
    delete_view_class = EnquiryDeleteView
    history_view_class = EnquiryHistoryView
    inspect_view_class = EnquiryInspectView
    usage_view_class = EnquiryUsageView
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

    def get_queryset(self, request):
        return enquiries_visible_to(request.user)


register_snippet(EnquiryViewSet)
