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
# Tests run on a small committed cut of the real geography (tests/data/geo/README.md); the few marked
# full_geodata use the full files, where GEO_DATA_DIR points outside tests (../shared/data/geo).
FULL_GEO_DATA_DIR = GEO_DATA_DIR  # noqa: F405
GEO_DATA_DIR = BASE_DIR / "tests" / "data" / "geo"  # noqa: F405
ALLOWED_HOSTS = ["testserver", "localhost", "127.0.0.1"]
