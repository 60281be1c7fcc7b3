import os
import secrets
import subprocess
import sys

from django.conf import settings

from esolplus.settings import base


def _manage(*args, **env):
    environment = {k: v for k, v in os.environ.items() if k not in {"SECRET_KEY", "ALLOWED_HOSTS", "DEBUG"}}
    environment.update(env)
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=settings.BASE_DIR,
        env=environment,
        capture_output=True,
        text=True,
        check=False,
    )


def test_base_is_secure_by_default():
    assert base.DEBUG is False
    assert base.SECRET_KEY == "" or "SECRET_KEY" in os.environ


def test_production_passes_the_deploy_check_with_only_the_documented_variables():
    result = _manage(
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        "--settings=esolplus.settings.production",
        SECRET_KEY=secrets.token_urlsafe(60),
        ALLOWED_HOSTS="esolplus.example.org",
        DATABASE_URL="sqlite:///:memory:",
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_production_refuses_to_start_without_a_secret_key():
    result = _manage(
        "check",
        "--settings=esolplus.settings.production",
        ALLOWED_HOSTS="esolplus.example.org",
        DATABASE_URL="sqlite:///:memory:",
    )
    assert result.returncode != 0
    assert "Set SECRET_KEY" in result.stderr


def test_production_refuses_to_start_without_allowed_hosts():
    result = _manage(
        "check",
        "--settings=esolplus.settings.production",
        SECRET_KEY=secrets.token_urlsafe(60),
        DATABASE_URL="sqlite:///:memory:",
    )
    assert result.returncode != 0
    assert "Set ALLOWED_HOSTS" in result.stderr


def test_database_comes_from_database_url():
    result = _manage(
        "shell",
        "-c",
        "from django.conf import settings; db = settings.DATABASES['default']; print(db['ENGINE'], db['NAME'])",
        "--no-imports",
        "--settings=esolplus.settings.test",
        DATABASE_URL="postgres://someone@db.example.org:5432/esolplus",
    )
    assert result.stdout.split() == ["django.db.backends.postgresql", "esolplus"], result.stderr


def test_default_database_is_sqlite_in_the_checkout():
    result = _manage(
        "shell",
        "-c",
        "from django.conf import settings; print(settings.DATABASES['default']['NAME'])",
        "--no-imports",
        "--settings=esolplus.settings.test",
        DATABASE_URL="",
    )
    assert result.stdout.strip() == str(settings.BASE_DIR / "db.sqlite3"), result.stderr


def test_tests_run_with_production_like_debug_off():
    assert settings.DEBUG is False
