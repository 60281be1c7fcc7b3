"""Local development: debug on, console email, and a per-checkout secret kept out of git."""

import os
import secrets

from .base import *  # noqa: F403
from .base import BASE_DIR, PRIVATE_STORAGE

DEBUG = True
ALLOWED_HOSTS = ["localhost", "127.0.0.1", "[::1]"]
EMAIL_BACKEND = os.environ.get("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    "private": PRIVATE_STORAGE,
}


def _local_secret(path):
    """A random key generated once per checkout, so no key is ever committed."""
    if not path.exists():
        path.write_text(secrets.token_urlsafe(50))
        path.chmod(0o600)
    return path.read_text().strip()


SECRET_KEY = os.environ.get("SECRET_KEY") or _local_secret(BASE_DIR / ".dev-secret-key")
PSEUDONYM_KEY = os.environ.get("PSEUDONYM_KEY") or SECRET_KEY
