"""Background jobs (esolplus.tasks): retries with backoff, failures kept, stuck jobs queued again, the periodic jobs
and their scheduler."""

from datetime import timedelta

import pytest
from django.core.cache import cache
from django.core.management import call_command
from django.utils import timezone
from django_tasks import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from esolplus import scheduling, tasks
from esolplus.models import FailedJob, Notification
from tests.task_queue import database_queue, make_retries_due, run_queued, waiting  # noqa: F401

pytestmark = pytest.mark.django_db


def test_retry_delay_doubles_up_to_an_hour(settings):
    settings.TASK_RETRY_BASE_SECONDS = 30
    seconds = [tasks.retry_delay(attempt).total_seconds() for attempt in range(1, 12)]
    assert all(base <= s <= base * 1.1 for s, base in zip(seconds[:4], [30, 60, 120, 240], strict=True))
    assert max(seconds) <= 3600 * 1.1 and seconds[-1] >= 3600


def test_a_backend_that_cannot_defer_gives_up_at_once():
    """The immediate backend (the tests' default) has no "later": the first temporary failure is final."""
    notification = Notification.objects.create(
        key="k", channel="email", recipient="not an address", template="enquiry_notification", language="en-gb"
    )
    result = tasks.recover_stuck_tasks.enqueue()
    assert result.status == TaskResultStatus.SUCCESSFUL and result.return_value == 0
    from esolplus.notifications import deliver

    result = deliver.enqueue(notification.pk)
    assert result.status == TaskResultStatus.FAILED
    assert FailedJob.objects.get().task_path == "esolplus.notifications.deliver"


@pytest.mark.usefixtures("database_queue")
def test_a_job_that_died_with_its_worker_is_queued_again():
    stuck = tasks.prune_task_records.enqueue()
    fresh = tasks.publish_scheduled.enqueue()
    long_ago = timezone.now() - timedelta(hours=2)
    DBTaskResult.objects.filter(pk=stuck.id).update(status="RUNNING", started_at=long_ago, worker_ids=["dead"])
    DBTaskResult.objects.filter(pk=fresh.id).update(status="RUNNING", started_at=timezone.now(), worker_ids=["alive"])
    assert tasks.requeue_stuck_tasks(timedelta(hours=1)) == 1
    assert DBTaskResult.objects.get(pk=stuck.id).status == TaskResultStatus.READY
    assert DBTaskResult.objects.get(pk=fresh.id).status == TaskResultStatus.RUNNING
    assert run_queued() == 1
    done = DBTaskResult.objects.get(pk=stuck.id)
    assert done.status == TaskResultStatus.SUCCESSFUL and done.worker_ids == ["dead", "test-worker"]


@pytest.mark.usefixtures("database_queue")
def test_recover_stuck_tasks_command():
    stuck = tasks.publish_scheduled.enqueue()
    DBTaskResult.objects.filter(pk=stuck.id).update(status="RUNNING", started_at=timezone.now() - timedelta(minutes=5))
    call_command("recover_stuck_tasks")
    assert DBTaskResult.objects.get(pk=stuck.id).status == TaskResultStatus.RUNNING, "an hour by default"
    call_command("recover_stuck_tasks", "--stuck-after", "60")
    assert DBTaskResult.objects.get(pk=stuck.id).status == TaskResultStatus.READY


@pytest.mark.usefixtures("database_queue")
def test_finished_results_and_old_failures_are_pruned(settings):
    settings.TASK_RESULTS_KEEP_DAYS = 14
    old, recent = tasks.publish_scheduled.enqueue(), tasks.publish_scheduled.enqueue()
    run_queued()
    DBTaskResult.objects.filter(pk=old.id).update(finished_at=timezone.now() - timedelta(days=15))
    handled = FailedJob.objects.create(task_path="x", error="e", retried_at=timezone.now() - timedelta(days=91))
    open_failure = FailedJob.objects.create(task_path="x", error="e")
    tasks.prune_task_records.call()
    assert [str(pk) for pk in DBTaskResult.objects.values_list("pk", flat=True)] == [recent.id]
    assert list(FailedJob.objects.all()) == [open_failure] and not FailedJob.objects.filter(pk=handled.pk).exists()


def test_publish_scheduled_runs_wagtails_command(monkeypatch):
    called = []
    monkeypatch.setattr(tasks, "call_command", lambda name, **kwargs: called.append(name))
    tasks.publish_scheduled.enqueue()
    assert called == ["publish_scheduled"]


def test_every_scheduled_task_is_a_task_on_a_valid_crontab(settings):
    scheduler = scheduling.build_scheduler()
    jobs = {job.id: job for job in scheduler.get_jobs()}
    assert set(jobs) == {path for path, _crontab in settings.SCHEDULED_TASKS}
    assert {
        "esolplus.tasks.publish_scheduled",
        "esolplus.tasks.recover_stuck_tasks",
        "esolplus.tasks.prune_task_records",
        "evaluation.tasks.purge_expired_identities",
    } <= set(jobs)
    now = timezone.localtime()
    publish = jobs["esolplus.tasks.publish_scheduled"].trigger.get_next_fire_time(None, now)
    assert timedelta(0) < publish - now <= timedelta(minutes=5)
    purge = jobs["evaluation.tasks.purge_expired_identities"].trigger.get_next_fire_time(None, now)
    assert (purge.hour, purge.minute) == (2, 30)


@pytest.mark.usefixtures("database_queue")
def test_a_firing_is_enqueued_once_however_many_schedulers():
    cache.clear()
    now = timezone.now()
    assert scheduling.enqueue_periodic("esolplus.tasks.publish_scheduled", now) is True
    assert scheduling.enqueue_periodic("esolplus.tasks.publish_scheduled", now) is False, "a second scheduler"
    assert [t.task_path for t in waiting()] == ["esolplus.tasks.publish_scheduled"]


@pytest.mark.usefixtures("database_queue")
def test_run_scheduler_once_and_list(settings, capsys):
    call_command("run_scheduler", "--once")
    assert sorted(t.task_path for t in waiting()) == sorted(path for path, _crontab in settings.SCHEDULED_TASKS)
    call_command("run_scheduler", "--list")
    assert "esolplus.tasks.publish_scheduled (*/5 * * * *): next " in capsys.readouterr().out
    assert run_queued() == len(settings.SCHEDULED_TASKS)
    assert not DBTaskResult.objects.filter(status=TaskResultStatus.FAILED).exists()


def test_enqueue_on_commit_never_fails_the_request(monkeypatch, django_capture_on_commit_callbacks, caplog):
    def down(*args, **kwargs):
        raise ConnectionError("Redis is down")

    monkeypatch.setattr(type(tasks.publish_scheduled), "enqueue", down)
    with django_capture_on_commit_callbacks(execute=True):
        tasks.enqueue_on_commit(tasks.publish_scheduled)
    assert "Could not enqueue publish_scheduled" in caplog.text
