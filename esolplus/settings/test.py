"""The test suite: production-like settings with fast hashing and throwaway keys."""

import secrets

from .base import *  # noqa: F403

SECRET_KEY = secrets.token_urlsafe(50)
PSEUDONYM_KEY = secrets.token_urlsafe(50)
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.InMemoryStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
GEOCODER_REMOTE_ENABLED = False
ALLOWED_HOSTS = ["testserver", "localhost", "127.0.0.1"]
