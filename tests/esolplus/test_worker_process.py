"""Real processes on a database they share with the test: the worker (`manage.py db_worker`), whose job, killed
mid-way, is queued again (esolplus.tasks.requeue_stuck_tasks) and completes under a new worker exactly once in
effect; and `make run`'s supervisor (`manage.py run_all`), which serves, works the queue and stops on Ctrl-C."""

import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection, transaction
from django_tasks_db.models import DBTaskResult

from esolplus import notifications
from esolplus.models import Notification
from tests.task_queue import DATABASE_TASKS

# Committed for real, so that the worker processes see it. Serialized rollback, as the suite's other transactional
# tests: the flush afterwards then leaves the tables empty for the next one to restore, instead of recreating
# content types that the next one's restore would collide with.
pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

# A bound on waiting for another process on a busy machine, not a speed requirement.
DEADLINE_SECONDS = 90
DELIVER = "esolplus.notifications.deliver"


class SharedDatabase:
    """The test's database as other processes see it: on PostgreSQL the test database itself; on SQLite (in memory
    for the tests) a file copy of it, taken once the test has written what the workers need."""

    def __init__(self, folder: Path):
        self.folder = folder
        self.sqlite_path: Path | None = None

    def url(self) -> str:
        db = connection.settings_dict
        if connection.vendor == "postgresql":
            auth = db["USER"] + (f":{db['PASSWORD']}" if db["PASSWORD"] else "")
            return f"postgres://{auth}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"
        self.sqlite_path = self.folder / "shared.sqlite3"
        connection.ensure_connection()
        with sqlite3.connect(self.sqlite_path) as copy:
            connection.connection.backup(copy)
        return f"sqlite:///{self.sqlite_path}"

    def query(self, sql: str, params=()) -> list[tuple]:
        if self.sqlite_path is None:
            with connection.cursor() as cursor:
                cursor.execute(sql.replace("?", "%s"), params)
                return cursor.fetchall()
        with sqlite3.connect(self.sqlite_path) as reader:
            return reader.execute(sql, params).fetchall()


def manage(*args, env, log: Path, wait=True):
    command = [sys.executable, str(settings.BASE_DIR / "manage.py"), *args]
    with log.open("a") as out:
        if wait:
            return subprocess.run(command, env=env, stdout=out, stderr=out, timeout=DEADLINE_SECONDS, check=True)
        return subprocess.Popen(command, env=env, stdout=out, stderr=out)


def wait_for(condition, what: str, log: Path):
    deadline = time.monotonic() + DEADLINE_SECONDS
    while not condition():
        if time.monotonic() > deadline:
            pytest.fail(f"timed out waiting for {what}; worker log:\n{log.read_text()}")
        time.sleep(0.1)


def test_a_job_whose_worker_is_killed_completes_after_a_restart_exactly_once(settings, tmp_path):
    settings.TASKS = DATABASE_TASKS
    with transaction.atomic():
        notification = notifications.send_email(
            "enquiries@college.example.org",
            "enquiry_notification",
            {"class_title": "Beginners", "name": "Amina", "phone": "07700 900123", "best_time": "Any time"},
            key="enquiry:kill-test",
        )
    # The same job queued twice, as a duplicate enqueue or a second recovery would: it still sends once.
    notifications.deliver.enqueue(notification.pk)
    database = SharedDatabase(tmp_path)
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "esolplus.settings.test",
        "DATABASE_URL": database.url(),
        "TASKS_BACKEND": "database",
        "EMAIL_BACKEND": "tests.esolplus.slow_mail.SlowFileBackend",
        "SLOW_MAIL_DIR": str(tmp_path),
        "SLOW_MAIL_SECONDS": "3",
        "PYTHONPATH": str(settings.BASE_DIR),
    }
    log = tmp_path / "workers.log"
    table = DBTaskResult._meta.db_table  # the model's own table name, not input
    task = f"SELECT status, worker_ids FROM {table} WHERE task_path = ? ORDER BY enqueued_at"  # noqa: S608
    sent = tmp_path / "sent"

    first = manage(
        "db_worker", "--interval", "0.2", "--no-startup-delay", "--worker-id", "first", env=env, log=log, wait=False
    )
    try:
        wait_for(lambda: any(tmp_path.glob("started-*")), "the first worker to start sending", log)
        assert [row[0] for row in database.query(task, [DELIVER])] == ["RUNNING", "READY"]
        first.send_signal(signal.SIGKILL)
        first.wait(timeout=DEADLINE_SECONDS)
    finally:
        if first.poll() is None:
            first.kill()
    assert not sent.exists() or not any(sent.iterdir()), "killed before the message went out"
    assert [row[0] for row in database.query(task, [DELIVER])] == ["RUNNING", "READY"], "left as it was"

    manage("recover_stuck_tasks", "--stuck-after", "0", env=env, log=log)
    manage("db_worker", "--batch", "--no-startup-delay", "--worker-id", "second", env=env, log=log)

    (first_status, first_workers), (second_status, _workers) = database.query(task, [DELIVER])
    assert (first_status, second_status) == ("SUCCESSFUL", "SUCCESSFUL"), log.read_text()
    assert "first" in first_workers and "second" in first_workers, "the killed job ran again under the new worker"
    assert len(list(sent.iterdir())) == 1, "exactly one email"
    assert "Amina" in next(sent.iterdir()).read_text()
    ((sent_at, attempts),) = database.query(
        f"SELECT sent_at, attempts FROM {Notification._meta.db_table} WHERE id = ?",  # noqa: S608 - the model's table
        [notification.pk],
    )
    assert sent_at is not None
    assert attempts == 3, "killed, recovered and sent, then the duplicate found it sent"


def _children(pid: int) -> list[int]:
    """The processes whose parent is ``pid`` (Linux /proc)."""
    found = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == pid:
            found.append(int(stat.parent.name))
    return found


def test_make_runs_supervisor_serves_works_the_queue_and_stops_all_three_on_ctrl_c(settings, tmp_path):
    """`make run` is `manage.py run_all`: the web server, the worker and the scheduler; Ctrl-C stops all three."""
    import socket
    import urllib.request

    settings.TASKS = DATABASE_TASKS
    with transaction.atomic():
        notification = notifications.send_email(
            "enquiries@college.example.org", "enquiry_notification", {"class_title": "Beginners"}, key="enquiry:run-all"
        )
    database = SharedDatabase(tmp_path)
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "esolplus.settings.test",
        "DATABASE_URL": database.url(),
        "TASKS_BACKEND": "database",
        "EMAIL_BACKEND": "tests.esolplus.slow_mail.SlowFileBackend",
        "SLOW_MAIL_DIR": str(tmp_path),
        "SLOW_MAIL_SECONDS": "0",
        "PYTHONPATH": str(settings.BASE_DIR),
    }
    log = tmp_path / "run_all.log"
    supervisor = manage("run_all", f"127.0.0.1:{port}", "--noreload", env=env, log=log, wait=False)
    try:
        wait_for(lambda: len(_children(supervisor.pid)) == 3, "three processes", log)
        children = _children(supervisor.pid)

        def serving() -> bool:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/find/", timeout=5) as response:
                    return response.status == 200
            except OSError:
                return False

        wait_for(serving, "the web server", log)
        sent = tmp_path / "sent"
        wait_for(lambda: sent.exists() and any(sent.iterdir()), "the worker to send the queued email", log)
        supervisor.send_signal(signal.SIGINT)
        supervisor.wait(timeout=DEADLINE_SECONDS)
    finally:
        if supervisor.poll() is None:
            supervisor.kill()
    assert supervisor.returncode == 0, log.read_text()
    assert not [pid for pid in children if Path(f"/proc/{pid}").exists()], "all three stopped"
    assert not serving()
    ((sent_at,),) = database.query(
        f"SELECT sent_at FROM {Notification._meta.db_table} WHERE id = ?",  # noqa: S608 - the model's table
        [notification.pk],
    )
    assert sent_at is not None
