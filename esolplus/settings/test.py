"""The test suite: production-like settings with fast hashing and throwaway keys."""

import os
import secrets

from .base import *  # noqa: F403
from .base import CONTENT_SECURITY_POLICY, TASK_BACKENDS, csp_img_src

SECRET_KEY = secrets.token_urlsafe(50)
PSEUDONYM_KEY = secrets.token_urlsafe(50)
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.InMemoryStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    "private": {"BACKEND": "django.core.files.storage.InMemoryStorage"},
}
# Tasks run inside the request unless a test says otherwise (tests/esolplus/test_tasks.py runs the real queue and
# worker); TASKS_BACKEND=database is how a worker started by a test joins the test's database.
TASKS_BACKEND = os.environ.get("TASKS_BACKEND", "immediate")
TASKS = {"default": TASK_BACKENDS[TASKS_BACKEND]}
GEOCODER_REMOTE_ENABLED = False
# Tests run on a small committed cut of the real geography (tests/data/geo/README.md); the few marked
# full_geodata use the full files, where GEO_DATA_DIR points outside tests (../shared/data/geo).
FULL_GEO_DATA_DIR = GEO_DATA_DIR  # noqa: F405
GEO_DATA_DIR = BASE_DIR / "tests" / "data" / "geo"  # noqa: F405
ALLOWED_HOSTS = ["testserver", "localhost", "127.0.0.1"]
# The results map is on, as in production, but its tiles never come from the network: port 9 on this machine
# refuses them, and the browser tests that look at the map answer tile requests themselves (page.route).
FINDER_MAP_TILE_URL = os.environ.get("FINDER_MAP_TILE_URL", "http://127.0.0.1:9/{z}/{x}/{y}.png")
CONTENT_SECURITY_POLICY["DIRECTIVES"]["img-src"] = csp_img_src(FINDER_MAP_TILE_URL)
