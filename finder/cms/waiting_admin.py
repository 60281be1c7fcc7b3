"""Waiting lists in the Wagtail admin: a provider's editors see and manage the lists of their own classes only.

Which entries a user sees is the enquiries' rule, called, not copied (``finder.cms.enquiries.scoped_to_classes``):
coordinators see every list, including people waiting for a level in an area (no class), which only they and the
hubs they work with follow up; an editor sees the entries of the classes they can edit. Anyone else's entry, or a
guessed id, is "not found". The changes themselves are ``finder.waiting_services``.
"""

from django import forms
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST
from wagtail import hooks
from wagtail.admin import messages
from wagtail.admin.menu import MenuItem

from esolplus.roles import is_coordinator
from finder import waiting_services
from finder.cms.enquiries import scoped_to_classes
from finder.cms.permissions import editable_providers
from finder.models import ClassPage, WaitingListEntry

PER_PAGE = 50
AREA = "area"
ACTIONS = ("joined", "withdraw")


def may_use(user) -> bool:
    return is_coordinator(user) or editable_providers(user).exists()


def entries_visible_to(user):
    return scoped_to_classes(user, WaitingListEntry.objects.select_related("class_page", "level"))


def classes_visible_to(user):
    return scoped_to_classes(user, ClassPage.objects.all(), class_field="pk")


class WaitingFilterForm(forms.Form):
    class_page = forms.ChoiceField(label=gettext_lazy("Class"), required=False)
    status = forms.ChoiceField(
        label=gettext_lazy("Status"),
        required=False,
        choices=[("", gettext_lazy("Any status")), *WaitingListEntry.Status.choices],
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        with_lists = classes_visible_to(user).filter(waiting_list__isnull=False).distinct().order_by("title")
        choices = [("", _("All classes")), *((str(page.pk), page.title) for page in with_lists)]
        if is_coordinator(user):
            choices.append((AREA, _("Waiting for a level in an area (no class)")))
        self.fields["class_page"].choices = choices

    def filter(self, entries):
        if not self.is_valid():
            return entries
        chosen, status = self.cleaned_data["class_page"], self.cleaned_data["status"]
        if chosen == AREA:
            entries = entries.filter(class_page=None)
        elif chosen:
            entries = entries.filter(class_page_id=int(chosen))
        return entries.filter(status=status) if status else entries


def waiting_lists(request):
    """The list, filtered by class and status, oldest first (the order people are told in)."""
    if not may_use(request.user):
        raise PermissionDenied
    form = WaitingFilterForm(request.GET or None, user=request.user)
    entries = form.filter(entries_visible_to(request.user)).order_by("created_at", "pk")
    page = Paginator(entries, PER_PAGE).get_page(request.GET.get("p"))
    chosen = form.cleaned_data.get("class_page") if form.is_valid() else ""
    class_page = classes_visible_to(request.user).filter(pk=int(chosen)).first() if chosen.isdigit() else None
    query = request.GET.copy()
    query.pop("p", None)
    context = {
        "page_title": _("Waiting lists"),
        "header_icon": "list-ul",
        "form": form,
        "entries": page,
        "class_page": class_page,
        "query": query.urlencode(),
    }
    return TemplateResponse(request, "finder/admin/waiting_lists.html", context)


def _back(request):
    query = request.POST.get("query", "")
    return redirect(reverse("finder_waiting_lists") + (f"?{query}" if query and "\n" not in query else ""))


@require_POST
def change_entry(request, pk: int, action: str):
    """Mark one entry joined or withdrawn; another provider's entry is not found."""
    if not may_use(request.user):
        raise PermissionDenied
    entry = get_object_or_404(entries_visible_to(request.user), pk=pk)
    if action not in ACTIONS:
        raise Http404
    if action == "joined":
        changed = waiting_services.mark_joined(entry)
        done = _("%(name)s is marked as joined.")
    else:
        changed = waiting_services.withdraw(entry)
        done = _("%(name)s is off the waiting list.")
    if changed:
        messages.success(request, done % {"name": entry.name})
    else:
        messages.warning(request, _("%(name)s was already off the waiting list.") % {"name": entry.name})
    return _back(request)


@require_POST
def tell_next(request, class_id: int):
    """Tell the first person waiting for one of your classes that a place is open, in their language."""
    if not may_use(request.user):
        raise PermissionDenied
    class_page = get_object_or_404(classes_visible_to(request.user), pk=class_id)
    entry = waiting_services.tell_next_person(class_page)
    if entry is None:
        messages.warning(request, _("Nobody is waiting for this class."))
    else:
        messages.success(request, _("%(name)s will get a message that a place is open.") % {"name": entry.name})
    return _back(request)


@hooks.register("register_admin_urls")
def register_waiting_list_urls():
    return [
        path("waiting-lists/", waiting_lists, name="finder_waiting_lists"),
        path("waiting-lists/<int:pk>/<str:action>/", change_entry, name="finder_waiting_change"),
        path("waiting-lists/class/<int:class_id>/tell-next/", tell_next, name="finder_waiting_tell_next"),
    ]


class WaitingListsMenuItem(MenuItem):
    def is_shown(self, request):
        return may_use(request.user)


@hooks.register("register_admin_menu_item")
def waiting_lists_menu_item():
    return WaitingListsMenuItem(
        gettext_lazy("Waiting lists"),
        reverse("finder_waiting_lists"),
        name="waiting-lists",
        icon_name="list-ul",
        order=255,
    )
