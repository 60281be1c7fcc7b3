"""With REDIS_URL set: two app servers (two test clients with the same settings, sharing only Redis and the database)
share sessions, the enquiry limit and the job queue (RQ). Runs against the real Redis on 127.0.0.1:6379 (or, where
none runs, a redis-server of its own), in a database number of its own (claimed for the test, emptied after), so that
parallel runs never meet."""

import shutil
import subprocess
import time
import uuid

import django_rq
import pytest
import redis
from django.core import mail
from django.test import Client
from django.urls import reverse
from rq import SimpleWorker
from rq.registry import ScheduledJobRegistry

from devtools.factories import ClassPageFactory, ProviderPageFactory, coordinator, venue_at
from esolplus.models import Notification
from finder.models import Enquiry
from tests.esolplus.notify_standin import closed_port

pytestmark = pytest.mark.usefixtures("geography")

REDIS = "redis://127.0.0.1:6379"
CLAIM = "esolplus-test-claim"

ENQUIRY = {
    "name": "Amina",
    "phone": "07700 900123",
    "email": "",
    "preferred_language": "so",
    "best_time": "evening",
    "consent_to_contact": "on",
    "website": "",
}


@pytest.fixture(scope="session")
def redis_server(tmp_path_factory):
    """The machine's Redis on 127.0.0.1:6379 (.ci/run starts it), or else one of our own on a free port."""
    try:
        redis.Redis.from_url(REDIS).ping()
        yield REDIS
        return
    except redis.ConnectionError:
        pass
    executable = shutil.which("redis-server")
    if executable is None:
        pytest.fail("These tests need Redis: install redis-server (apt-get install redis-server) or start it on 6379")
    port = closed_port()
    server = subprocess.Popen(
        [executable, "--bind", "127.0.0.1", "--port", str(port), "--save", "", "--appendonly", "no"],
        cwd=tmp_path_factory.mktemp("redis"),
        stdout=subprocess.DEVNULL,
    )
    url = f"redis://127.0.0.1:{port}"
    deadline = time.monotonic() + 30
    while True:
        try:
            redis.Redis.from_url(url).ping()
            break
        except redis.ConnectionError:
            if time.monotonic() > deadline:
                server.kill()
                pytest.fail("redis-server did not start")
            time.sleep(0.1)
    try:
        yield url
    finally:
        server.terminate()
        server.wait(timeout=10)


@pytest.fixture
def shared_redis(settings, redis_server):
    """Settings as with REDIS_URL set (esolplus/settings/base.py), on a Redis database claimed for this test."""
    token = uuid.uuid4().hex
    for number in range(1, 16):
        client = redis.Redis.from_url(f"{redis_server}/{number}")
        if client.dbsize() == 0 and client.set(CLAIM, token, nx=True, ex=600):
            break
    else:
        pytest.fail("no free Redis database (1-15) for the test")
    url = f"{redis_server}/{number}"
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": url,
            "KEY_PREFIX": f"test-{token}",
        }
    }
    settings.RATELIMIT_USE_CACHE = "default"
    settings.SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"
    settings.RQ_QUEUES = {"default": {"URL": url, "DEFAULT_TIMEOUT": 60}}
    settings.TASKS = {"default": {"BACKEND": "django_tasks_rq.RQBackend"}}
    try:
        yield client
    finally:
        if client.get(CLAIM) == token.encode():
            client.flushdb()


@pytest.fixture
def class_page():
    provider = ProviderPageFactory(email="enquiries@college.example.org")
    return ClassPageFactory(venue=venue_at("SE15 5AA", provider=provider), parent=provider)


def run_rq_jobs() -> None:
    """One RQ worker, in this process (so in the test's transaction), until the queue is empty."""
    worker = django_rq.get_worker("default", worker_class=SimpleWorker, job_class="django_tasks_rq.Job")
    worker.work(burst=True, with_scheduler=False)


def queue_is_empty() -> bool:
    return django_rq.get_queue("default").count == 0


def test_a_session_started_on_one_server_is_valid_on_the_other(shared_redis):
    server_a, server_b = Client(), Client()
    server_a.force_login(coordinator("coord"))
    session_key = server_a.cookies["sessionid"].value
    cached = [key for key in shared_redis.keys("*") if session_key.encode() in key]
    assert cached, "the session is in Redis"
    server_b.cookies["sessionid"] = session_key
    assert server_b.get(reverse("wagtailadmin_home")).status_code == 200
    assert Client().get(reverse("wagtailadmin_home")).status_code == 302, "no session, no admin"


def test_the_enquiry_limit_holds_across_servers(shared_redis, class_page, django_capture_on_commit_callbacks):
    server_a, server_b = Client(), Client()
    url = reverse("finder:enquiry", args=[class_page.pk])
    with django_capture_on_commit_callbacks(execute=False):
        for server in (server_a, server_b, server_a, server_b, server_a):
            assert server.post(url, ENQUIRY, REMOTE_ADDR="203.0.113.5").status_code == 302
    for server in (server_a, server_b):
        response = server.post(url, ENQUIRY, REMOTE_ADDR="203.0.113.5")
        assert response.status_code == 429 and "wait an hour" in response.text
    assert Enquiry.objects.count() == 5
    assert any(b":rl:" in key for key in shared_redis.keys("*")), "the count is in Redis"
    assert server_b.post(url, ENQUIRY, REMOTE_ADDR="203.0.113.6").status_code == 302, "another client is not limited"


def test_the_job_queue_is_shared_and_retries_wait_in_redis(
    shared_redis, class_page, settings, django_capture_on_commit_callbacks
):
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", closed_port()
    url = reverse("finder:enquiry", args=[class_page.pk])
    with django_capture_on_commit_callbacks(execute=True):
        response = Client().post(url, ENQUIRY, REMOTE_ADDR="203.0.113.7")
    assert response.status_code == 302
    queued = [job.func_name for job in django_rq.get_queue("default").jobs]
    # The provider's email and the learner's text message confirming the enquiry, each its own job.
    assert queued.count("esolplus.notifications.deliver") == 2, "queued in Redis, not sent in the request"
    run_rq_jobs()
    scheduled = ScheduledJobRegistry(queue=django_rq.get_queue("default"))
    assert scheduled.count == 1, "the mail server was down: the email's retry waits in RQ's schedule"
    assert queue_is_empty()
    assert not mail.outbox

    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    queue = django_rq.get_queue("default")
    for job_id in scheduled.get_job_ids():
        queue.enqueue_job(queue.fetch_job(job_id))  # its time has come
        scheduled.remove(job_id)
    run_rq_jobs()
    assert len(mail.outbox) == 1 and mail.outbox[0].to == ["enquiries@college.example.org"]
    assert not Notification.objects.filter(sent_at__isnull=True).exists()
