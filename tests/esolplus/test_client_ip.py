"""The client's address (esolplus.client_ip): the connecting address unless proxies are trusted, and then the one
the outermost trusted proxy saw; the enquiry limit and login throttling (django-axes) both use it."""

import pytest
from axes.models import AccessAttempt
from django.test import RequestFactory

from esolplus.client_ip import client_ip


@pytest.mark.parametrize(
    ("proxies", "forwarded_for", "remote", "expected"),
    [
        (0, "198.51.100.1", "81.2.69.160", "81.2.69.160"),  # nothing trusted: the header is ignored
        (1, "198.51.100.1, 81.2.69.160", "10.0.0.2", "81.2.69.160"),  # a made-up first entry is skipped
        (1, "81.2.69.160", "10.0.0.2", "81.2.69.160"),
        (1, "", "10.0.0.2", "10.0.0.2"),  # not through the proxy: the connecting address
        (1, "not an address", "10.0.0.2", "10.0.0.2"),
        (2, "198.51.100.1, 81.2.69.160, 10.0.0.3", "10.0.0.2", "81.2.69.160"),
        (2, "81.2.69.160", "10.0.0.2", "10.0.0.2"),  # fewer hops than trusted: not believed
        (1, "2001:db8::1, 2a00:1450::1", "10.0.0.2", "2a00:1450::1"),
        (0, "", "", "0.0.0.0"),  # noqa: S104 - no address at all: still one (unknown) client
    ],
)
def test_client_ip(settings, proxies, forwarded_for, remote, expected):
    settings.TRUSTED_PROXY_COUNT = proxies
    headers = {"HTTP_X_FORWARDED_FOR": forwarded_for} if forwarded_for else {}
    assert client_ip(RequestFactory().get("/", REMOTE_ADDR=remote, **headers)) == expected


@pytest.mark.django_db
def test_login_throttling_counts_the_same_client_address(client, settings, django_user_model):
    settings.TRUSTED_PROXY_COUNT = 1
    django_user_model.objects.create_user("editor", password="right-password-123")
    client.post(
        "/admin/login/",
        {"username": "editor", "password": "wrong"},
        REMOTE_ADDR="10.0.0.2",
        HTTP_X_FORWARDED_FOR="198.51.100.1, 81.2.69.160",
    )
    assert list(AccessAttempt.objects.values_list("ip_address", flat=True)) == ["81.2.69.160"]
