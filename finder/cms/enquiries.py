"""Enquiries in the Wagtail admin: each provider's editors see only the enquiries for their own listings —
learners' (and advisers' referrals) for their classes, employers' for their workplace offers.

A user sees an enquiry when they can edit the page it is about (Wagtail page permissions), so a provider's
editor group with edit rights on its ProviderPage sees just that provider's enquiries; coordinators see every
enquiry. That one rule (``records_for_editable_listings``) is a permission policy for both models, so Wagtail's own
screens that ask the policy (listing, chooser, bulk actions, history, reports) apply it too; the views below also
answer "not found" for anyone else's enquiry before loading it. Editors also need the "change enquiry" model
permission to open the listings at all: employer enquiries are followed up by the same people with the same rights
(their policy asks the enquiry permissions), and nobody adds one in the admin.

Learners' enquiries are the providers' inbox (``finder.cms.enquiry_inbox``: search, filters, export, the response
deadline, notes, assignment to a colleague) on these same views, so the same 404 covers every one of them, the
note form's included; coordinators also get the overdue enquiries across all providers
(``finder.cms.overdue_enquiries``).
"""

from django.db.models import QuerySet
from django.http import Http404
from django.urls import path
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel, ObjectList
from wagtail.admin.ui.tables import Column, DateColumn
from wagtail.permission_policies.base import ModelPermissionPolicy
from wagtail.permission_policies.pages import PagePermissionPolicy
from wagtail.permissions import register_permission_policy
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views import chooser as snippet_chooser
from wagtail.snippets.views.snippets import SnippetViewSet

from esolplus.roles import is_coordinator, is_signed_in
from finder.cms import enquiry_inbox, overdue_enquiries  # noqa: F401  (overdue_enquiries: its hooks)
from finder.cms.boundary import valid_ids
from finder.models import ClassPage, EmployerEnquiry, Enquiry, WorkplaceOfferPage


def scoped_to_listings(user, records: QuerySet, listing_field: str, listing_model) -> QuerySet:
    """The one provider-boundary rule for records about a listing: all for coordinators, else those about pages of
    ``listing_model`` (through ``listing_field``) the user can edit."""
    if not is_signed_in(user):
        return records.none()
    if is_coordinator(user):
        return records
    editable = PagePermissionPolicy().instances_user_has_permission_for(user, "change")
    return records.filter(**{f"{listing_field}__in": editable.type(listing_model).values("pk")})


def scoped_to_classes(user, records: QuerySet, class_field: str = "class_page") -> QuerySet:
    """A learner's records (enquiries, waiting-list entries) a user may see: all for coordinators, else those for
    classes they can edit."""
    return scoped_to_listings(user, records, class_field, ClassPage)


def enquiries_visible_to(user) -> QuerySet:
    """The enquiries a user may see: all for coordinators, else those for classes they can edit."""
    return scoped_to_classes(user, Enquiry.objects.select_related("class_page"))


def employer_enquiries_visible_to(user) -> QuerySet:
    """The employer enquiries a user may see: all for coordinators, else those for workplace offers they can edit."""
    records = EmployerEnquiry.objects.select_related("workplace_offer")
    return scoped_to_listings(user, records, "workplace_offer", WorkplaceOfferPage)


def is_visible(user, pk, visible_to=enquiries_visible_to) -> bool:
    return visible_to(user).filter(pk__in=valid_ids([pk])).exists()


class EnquiryPermissionPolicy(ModelPermissionPolicy):
    """Model permissions say what a user may do to enquiries; the class they are for says which enquiries."""

    visible_to = staticmethod(enquiries_visible_to)

    def user_has_permission_for_instance(self, user, action, instance):
        return self.user_has_permission(user, action) and is_visible(user, instance.pk, self.visible_to)

    def instances_user_has_any_permission_for(self, user, actions):
        if not self.user_has_any_permission(user, actions):
            return self.model.objects.none()
        return self.visible_to(user)

    def users_with_any_permission_for_instance(self, actions, instance):
        users = self.users_with_any_permission(actions)
        return users.filter(pk__in=[user.pk for user in users if is_visible(user, instance.pk, self.visible_to)])


class EmployerEnquiryPermissionPolicy(EnquiryPermissionPolicy):
    """Whoever may follow up learners' enquiries follows up employers' (the enquiry permissions: ``auth_model``),
    for the workplace offers they can edit; nobody adds one in the admin: they come from employers."""

    visible_to = staticmethod(employer_enquiries_visible_to)

    def user_has_permission(self, user, action):
        return action != "add" and super().user_has_permission(user, action)

    def user_has_any_permission(self, user, actions):
        return any(self.user_has_permission(user, action) for action in actions)


enquiry_policy = EnquiryPermissionPolicy(Enquiry)
register_permission_policy(Enquiry, enquiry_policy)
employer_enquiry_policy = EmployerEnquiryPermissionPolicy(EmployerEnquiry, auth_model=Enquiry)
register_permission_policy(EmployerEnquiry, employer_enquiry_policy)


def scoped(view_class, visible_to):
    """The view class with ``visible_to`` as its rule for which records exist for the viewer."""
    return type(view_class.__name__, (view_class,), {"visible_to": staticmethod(visible_to)})


class ScopedObjectMixin:
    """Another provider's enquiry (or an id that is no enquiry) is simply not there: 404 before it is loaded.

    Checked in ``setup`` because Wagtail's views load the object there; the views' own ``get_object`` is left
    alone, as the edit view needs the ``live_object`` it sets.
    """

    visible_to = staticmethod(enquiries_visible_to)

    def setup(self, request, *args, **kwargs):
        pk = kwargs.get("pk", args[0] if args else None)
        if pk is not None and not is_visible(request.user, pk, self.visible_to):
            raise Http404
        super().setup(request, *args, **kwargs)


class EnquiryChooseView(snippet_chooser.ChooseView):
    visible_to = staticmethod(enquiries_visible_to)

    def get_object_list(self):
        return self.visible_to(self.request.user)


class EnquiryChooseResultsView(snippet_chooser.ChooseResultsView):
    visible_to = staticmethod(enquiries_visible_to)

    def get_object_list(self):
        return self.visible_to(self.request.user)


class EnquiryChosenView(snippet_chooser.SnippetChosenView):
    visible_to = staticmethod(enquiries_visible_to)

    def get_object(self, pk):
        if not is_visible(self.request.user, pk, self.visible_to):
            raise Http404
        return super().get_object(pk)


class EnquiryChosenMultipleView(snippet_chooser.SnippetChosenMultipleView):
    visible_to = staticmethod(enquiries_visible_to)

    def get_objects(self, pks):
        return self.visible_to(self.request.user).filter(pk__in=valid_ids(pks))


class EnquiryChooserViewSet(snippet_chooser.SnippetChooserViewSet):
    choose_view_class = EnquiryChooseView
    choose_results_view_class = EnquiryChooseResultsView
    chosen_view_class = EnquiryChosenView
    chosen_multiple_view_class = EnquiryChosenMultipleView


class EmployerEnquiryChooserViewSet(snippet_chooser.SnippetChooserViewSet):
    choose_view_class = scoped(EnquiryChooseView, employer_enquiries_visible_to)
    choose_results_view_class = scoped(EnquiryChooseResultsView, employer_enquiries_visible_to)
    chosen_view_class = scoped(EnquiryChosenView, employer_enquiries_visible_to)
    chosen_multiple_view_class = scoped(EnquiryChosenMultipleView, employer_enquiries_visible_to)


class ScopedViewSet(SnippetViewSet):
    """A snippet viewset whose every view sees only the records ``visible_to`` the user."""

    add_to_admin_menu = True
    inspect_view_enabled = True
    copy_view_enabled = False  # enquiries come from learners and employers, never from a copy
    visible_to = staticmethod(enquiries_visible_to)

    def construct_view(self, view_class, **kwargs):
        """Every view of one record (edit, inspect, history, usage, delete, a note) answers 404 for anyone else's."""
        if not issubclass(view_class, ScopedObjectMixin):
            view_class = scoped(type(view_class.__name__, (ScopedObjectMixin, view_class), {}), self.visible_to)
        return super().construct_view(view_class, **kwargs)

    def get_queryset(self, request):
        return self.visible_to(request.user)


class EnquiryViewSet(ScopedViewSet):
    """The providers' enquiry inbox (``finder.cms.enquiry_inbox``): search, filters, export, deadline, notes and
    assignment to a colleague, on Wagtail's own listing, edit and inspect views."""

    model = Enquiry
    icon = "mail"
    menu_label = _("Enquiries")
    menu_order = 250
    list_display = enquiry_inbox.INBOX_COLUMNS
    filterset_class = enquiry_inbox.InboxFilterSet
    search_fields = ["name", "email", "phone", "reference"]  # enquiry_inbox.search_enquiries does the searching
    search_backend_name = None
    list_export = list(enquiry_inbox.EXPORT_VALUES)
    export_headings = enquiry_inbox.EXPORT_HEADINGS
    export_filename = "enquiries"
    index_view_class = enquiry_inbox.EnquiryIndexView
    edit_view_class = enquiry_inbox.EnquiryEditView
    inspect_view_class = enquiry_inbox.EnquiryInspectView
    add_note_view_class = enquiry_inbox.AddNoteView
    edit_template_name = "finder/admin/enquiry_edit.html"
    inspect_view_fields_exclude = ["submission_key", "version"]  # guards against double and stale saves
    chooser_viewset_class = EnquiryChooserViewSet
    edit_handler = ObjectList(
        [
            FieldPanel("status"),
            FieldPanel("assigned_to"),
            FieldPanel("reference", read_only=True),
            FieldPanel("class_page", read_only=True),
            FieldPanel("name", read_only=True),
            FieldPanel("phone", read_only=True),
            FieldPanel("email", read_only=True),
            enquiry_inbox.LanguagePanel("preferred_language", read_only=True),
            FieldPanel("best_time", read_only=True),
            FieldPanel("consent_to_contact", read_only=True),
            FieldPanel("referrer_name", read_only=True),
            FieldPanel("referrer_organisation", read_only=True),
            FieldPanel("referrer_phone", read_only=True),
            FieldPanel("referrer_email", read_only=True),
            FieldPanel("learner_agreed_to_referral", read_only=True),
            FieldPanel("created_at", read_only=True),
            FieldPanel("first_response_at", read_only=True),
        ],
        base_form_class=enquiry_inbox.FollowUpForm,
    )

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("assigned_to")

    def get_edit_view_kwargs(self, **kwargs):
        return super().get_edit_view_kwargs(add_note_url_name=self.get_url_name("add_note"), **kwargs)

    @property
    def add_note_view(self):
        return self.construct_view(self.add_note_view_class)

    def get_urlpatterns(self):
        return [
            *super().get_urlpatterns(),
            path(f"notes/<{self.pk_path_converter}:pk>/", self.add_note_view, name="add_note"),
        ]


class EmployerEnquiryViewSet(ScopedViewSet):
    """Employers' enquiries about workplace offers: read, and their status kept up to date, by the offer's
    provider; the same boundary as learners' enquiries."""

    model = EmployerEnquiry
    icon = "group"
    menu_label = _("Employer enquiries")
    menu_order = 251
    list_display = [
        "organisation",
        Column("workplace_offer", label=_("Workplace offer")),
        "name",
        "phone",
        "email",
        "staff_count",
        "status",
        DateColumn("created_at", label=_("Sent")),
    ]
    list_filter = ["status"]
    search_fields = None
    inspect_view_fields_exclude = ["submission_key"]
    chooser_viewset_class = EmployerEnquiryChooserViewSet
    panels = [
        FieldPanel("status"),
        *(
            FieldPanel(name, read_only=True)
            for name in (
                "reference",
                "workplace_offer",
                "organisation",
                "name",
                "job_title",
                "phone",
                "email",
                "workplace_postcode",
                "staff_count",
                "message",
                "consent_to_contact",
            )
        ),
    ]
    visible_to = staticmethod(employer_enquiries_visible_to)


register_snippet(EnquiryViewSet)
register_snippet(EmployerEnquiryViewSet)
