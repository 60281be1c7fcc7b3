"""Demo content for local development: each app contributes its own and its demo logins."""

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group

DEMO_PASSWORD = "esolplus-demo"  # noqa: S105 - local demo logins only; load_demo refuses to run without DEBUG

Login = tuple[str, str, str]


def demo_user(username: str, *, groups: list[Group] = (), superuser: bool = False, **fields):
    """Create or reset a demo account; every demo login shares one well-known local password."""
    user, _ = get_user_model().objects.update_or_create(
        username=username,
        defaults={"is_staff": True, "is_superuser": superuser, "is_active": True, **fields},
    )
    user.set_password(DEMO_PASSWORD)
    user.save()
    user.groups.set(groups)
    return user


def load_all(stdout) -> list[Login]:
    from devtools.demo_assessments import load_assessment_demo
    from devtools.demo_comparison import load_comparison_demo
    from devtools.demo_demand import load_demand_demo
    from devtools.demo_evaluation import load_demo_data
    from devtools.demo_finder import load_demo_content
    from devtools.demo_funnel import load_funnel_demo
    from devtools.demo_surveys import load_survey_demo

    demo_user("admin", superuser=True, email="admin@example.org")
    logins: list[Login] = [("Site administrator", "admin", DEMO_PASSWORD)]
    logins += load_demo_content(stdout)
    load_assessment_demo(stdout)
    load_demand_demo(stdout)
    logins += load_demo_data(stdout)
    load_funnel_demo(stdout)
    load_survey_demo(stdout)
    load_comparison_demo(stdout)
    publish_demo_results(stdout)
    return logins


def publish_demo_results(stdout) -> None:
    """The first demo pilot's results are public, as version 1 (kept as they are on later loads)."""
    from evaluation.models import Pilot
    from evaluation.services.releases import publish_release

    pilot = Pilot.objects.order_by("start_date", "name").first()
    if pilot and not pilot.releases.exists():
        release = publish_release(pilot, None, based_on=0)
        stdout.write(f"Published the results of {pilot.name} (version {release.version}).")
