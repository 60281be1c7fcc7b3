"""Setting up the CMS for providers: the coordinators' group and approval workflow, and each
provider's page, editors' group and first editor.

Every function here is idempotent, so ``setup_provider`` and ``load_demo`` can run again safely.
"""

import datetime
import re
from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission
from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify
from wagtail.log_actions import log
from wagtail.models import (
    Collection,
    GroupApprovalTask,
    GroupCollectionPermission,
    GroupPagePermission,
    Workflow,
    WorkflowContentType,
    WorkflowPage,
    WorkflowTask,
)

from esolplus.models import HomePage
from esolplus.roles import COORDINATORS_GROUP
from finder.models import AssessmentSlot, ProviderIndexPage, ProviderPage, Venue

WORKFLOW_NAME = "ESOL coordinator approval"
TASK_NAME = "Coordinator checks the listing"
COORDINATOR_PAGE_RIGHTS = ("add", "change", "publish", "lock", "unlock", "bulk_delete")
EDITOR_PAGE_RIGHTS = ("add", "change")  # never publish: coordinators approve every change
IMAGE_RIGHTS = ("add_image", "change_image", "choose_image")
VENUE_RIGHTS = ("add_venue", "change_venue", "delete_venue")
VENUE_APPROVAL_RIGHTS = ("publish_venue", "lock_venue", "unlock_venue")  # coordinators' only, as for pages
# Learners' enquiries: each editor sees only those for their own classes (finder.cms.enquiries).
ENQUIRY_RIGHTS = ("view_enquiry", "change_enquiry")
EDITORS_PREFIX = "Provider editors"
KEYED_NAME = re.compile(r" \(#\d+\)$")  # a provider's own group, named by its page id


@dataclass
class Coordination:
    index: ProviderIndexPage
    coordinators: Group
    workflow: Workflow


@dataclass
class ProviderSetup:
    provider: ProviderPage
    editors: Group
    editor: object
    created: bool


def _permissions(app_label: str, codenames) -> list[Permission]:
    return list(Permission.objects.filter(content_type__app_label=app_label, codename__in=codenames))


def ensure_provider_index() -> ProviderIndexPage:
    index = ProviderIndexPage.objects.first()
    if index is None:
        index = ProviderIndexPage(title="ESOL providers", slug="providers", live=True)
        HomePage.objects.get().add_child(instance=index)
        index.save_revision().publish()
    return index


def _grant_pages(group: Group, page, rights) -> None:
    for right in rights:
        permission = Permission.objects.get(content_type__app_label="wagtailcore", codename=f"{right}_page")
        GroupPagePermission.objects.get_or_create(group=group, page=page, permission=permission)


def _grant_collection(group: Group, collection: Collection) -> None:
    for permission in _permissions("wagtailimages", IMAGE_RIGHTS):
        GroupCollectionPermission.objects.get_or_create(group=group, collection=collection, permission=permission)


@transaction.atomic
def ensure_coordination() -> Coordination:
    """The provider index, the coordinators' group and the approval workflow every change goes through:
    pages under the index and venues (a snippet workflow) alike."""
    index = ensure_provider_index()
    coordinators, _ = Group.objects.get_or_create(name=COORDINATORS_GROUP)
    coordinators.permissions.add(
        *_permissions("wagtailadmin", ["access_admin"]),
        *_permissions("finder", [*VENUE_RIGHTS, *VENUE_APPROVAL_RIGHTS, *ENQUIRY_RIGHTS, "coordinate_providers"]),
    )
    _grant_pages(coordinators, index, COORDINATOR_PAGE_RIGHTS)
    _grant_collection(coordinators, Collection.get_first_root_node())

    workflow, _ = Workflow.objects.get_or_create(name=WORKFLOW_NAME, defaults={"active": True})
    task = GroupApprovalTask.objects.filter(name=TASK_NAME).first()
    if task is None:
        task = GroupApprovalTask.objects.create(name=TASK_NAME)
    task.groups.add(coordinators)
    WorkflowTask.objects.get_or_create(workflow=workflow, task=task, defaults={"sort_order": 0})
    WorkflowPage.objects.update_or_create(page=index, defaults={"workflow": workflow})
    for model in (Venue, AssessmentSlot):  # snippets whose changes wait for a coordinator, as pages do
        WorkflowContentType.objects.update_or_create(
            content_type=ContentType.objects.get_for_model(model), defaults={"workflow": workflow}
        )
    return Coordination(index=index, coordinators=coordinators, workflow=workflow)


def editors_group_name(provider: ProviderPage) -> str:
    """Keyed by the page id, which never changes (a title or slug can); the title is only there for people."""
    return f"{EDITORS_PREFIX}: {provider.title[:100]} (#{provider.pk})"


def editors_group(provider: ProviderPage) -> Group | None:
    """The provider's own editors' group: the one whose name ends with its page id."""
    return Group.objects.filter(name__startswith=EDITORS_PREFIX, name__endswith=f" (#{provider.pk})").first()


def provider_editors(provider: ProviderPage):
    """The active users who edit the provider's listings (its editors' group): whom reminders and problem reports
    about its listings go to."""
    from django.contrib.auth import get_user_model

    group = editors_group(provider)
    if group is None:
        return get_user_model().objects.none()
    return group.user_set.filter(is_active=True)


def _own_editors_group(provider: ProviderPage) -> Group:
    """The provider's editors' group, repairing the groups earlier versions of ``setup_provider`` left.

    Earlier versions named the group after the provider's title and found it again by its page rights, and one of
    them reused a loop variable, so every provider set up with many-to-many fields (all the demo providers) landed
    in one group with rights on all of them. An earlier group that holds rights on other pages too is deleted with
    every right it holds (its members get their own provider's group when that provider is set up again); one
    that holds rights on this provider only is kept, with its members, under the stable name.
    """
    group = editors_group(provider)
    earlier = (
        Group.objects.filter(page_permissions__page=provider, name__startswith=EDITORS_PREFIX).distinct().order_by("pk")
    )
    for old in [g for g in earlier if not KEYED_NAME.search(g.name)]:
        if old.page_permissions.exclude(page=provider).exists():
            old.delete()
        elif group is None:
            group = old
        else:
            group.user_set.add(*old.user_set.all())
            old.delete()
    group = group or Group()
    if group.name != editors_group_name(provider):
        group.name = editors_group_name(provider)
        group.save()
    return group


def _collection_for(provider: ProviderPage) -> Collection:
    root = Collection.get_first_root_node()
    existing = root.get_children().filter(name=provider.title).first()
    return existing or root.add_child(name=provider.title)


@transaction.atomic
def setup_provider(
    name: str,
    *,
    editor_username: str,
    editor_email: str = "",
    summary: str = "",
    slug: str = "",
    provider_fields: dict | None = None,
    provider_m2m: dict | None = None,
    coordination: Coordination | None = None,
) -> ProviderSetup:
    """Create (or find) a provider's page, its editors' group and its first editor.

    The page is published straight away because a coordinator sets the provider up; everything its
    editors change afterwards waits for a coordinator's approval.
    """
    coordination = coordination or ensure_coordination()
    slug = slug or slugify(name)[:50]
    provider = ProviderPage.objects.child_of(coordination.index).filter(slug=slug).first()
    created = provider is None
    if created:
        provider = ProviderPage(
            title=name,
            slug=slug,
            summary=summary or f"English classes for adults from {name}.",
            **(provider_fields or {}),
        )
        for field, values in (provider_m2m or {}).items():
            getattr(provider, field).set(values)
        coordination.index.add_child(instance=provider)
        provider.save_revision().publish()

    group = _own_editors_group(provider)
    group.permissions.add(
        *_permissions("wagtailadmin", ["access_admin"]), *_permissions("finder", [*VENUE_RIGHTS, *ENQUIRY_RIGHTS])
    )
    _grant_pages(group, provider, EDITOR_PAGE_RIGHTS)
    _grant_collection(group, _collection_for(provider))

    editor, user_created = get_user_model().objects.get_or_create(
        username=editor_username, defaults={"email": editor_email, "is_staff": True}
    )
    if user_created:
        editor.set_unusable_password()
        editor.save()
    editor.groups.add(group)
    return ProviderSetup(provider=provider, editors=group, editor=editor, created=created)


STILL_CORRECT_ACTION = "finder.still_correct"


def confirm_listing_still_correct(page, user, today: datetime.date | None = None) -> datetime.date:
    """Record that the provider has checked a class or workplace offer, without a new approval.

    Only the date changes, so the live page and its latest revision are stamped in place: a
    draft published later keeps the new date.
    """
    today = today or timezone.localdate()
    page = page.specific
    if not hasattr(page, "mark_checked"):
        raise TypeError(f"{page!r} is not a class or workplace offer")
    page.mark_checked(today)
    type(page).objects.filter(pk=page.pk).update(last_checked=today)
    revision = page.latest_revision
    if revision is not None:
        revision.content["last_checked"] = today.isoformat()
        revision.save(update_fields=["content"])
    log(instance=page, action=STILL_CORRECT_ACTION, user=user)
    return today
