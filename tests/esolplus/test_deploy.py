"""The deployment files: every variable the settings and gunicorn read is documented, the Procfile runs the three
processes, and gunicorn's access log never holds a query string (a search's holds the learner's postcode)."""

import re

from django.conf import settings

READS = re.compile(r"""(?:os\.environ\.get|env_bool|env_list|os\.environ\[)\(?["']([A-Z][A-Z0-9_]+)["']""")


def _read(name: str) -> str:
    return (settings.BASE_DIR / name).read_text()


def test_every_variable_read_is_in_env_example():
    documented = set(re.findall(r"^([A-Z][A-Z0-9_]+)=", _read(".env.example"), re.MULTILINE))
    sources = [
        *sorted((settings.BASE_DIR / "esolplus" / "settings").glob("*.py")),
        settings.BASE_DIR / "gunicorn.conf.py",
    ]
    read = {name for path in sources for name in READS.findall(path.read_text())}
    assert {"REDIS_URL", "TASKS_BACKEND", "TRUSTED_PROXY_COUNT", "NOTIFY_API_KEY", "WEB_CONCURRENCY"} <= read
    assert read - documented == set()


def test_procfile_runs_web_worker_and_scheduler():
    processes = dict(line.split(": ", 1) for line in _read("Procfile").splitlines() if line.strip())
    assert processes["web"] == "gunicorn -c gunicorn.conf.py esolplus.wsgi"
    assert processes["worker"] == "python manage.py run_worker"
    assert processes["scheduler"] == "python manage.py run_scheduler"


def test_gunicorn_logs_paths_without_query_strings():
    namespace: dict = {}
    exec(compile(_read("gunicorn.conf.py"), "gunicorn.conf.py", "exec"), namespace)  # noqa: S102 - our own config
    log_format = namespace["access_log_format"]
    assert "%(U)s" in log_format
    for field in ("%(r)s", "%(q)s", "%(f)s", "%(u)s"):
        assert field not in log_format
    assert namespace["workers"] >= 1 and namespace["timeout"] == 30
