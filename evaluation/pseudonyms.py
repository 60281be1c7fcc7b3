"""Keyed pseudonyms: HMAC-SHA256 under settings.PSEUDONYM_KEY, so nobody without the key can reverse or link them."""

import hashlib
import hmac
import secrets

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured


def _key() -> bytes:
    if not settings.PSEUDONYM_KEY:
        raise ImproperlyConfigured("Set PSEUDONYM_KEY before writing or exporting evaluation data.")
    return settings.PSEUDONYM_KEY.encode()


def _hmac(key: bytes, message: str) -> str:
    return hmac.new(key, message.encode(), hashlib.sha256).hexdigest()


def new_learner_pseudonym(uln: str = "") -> str:
    """The same ULN always gives the same pseudonym (so a learner is counted once); otherwise a random seed."""
    seed = f"uln:{uln}" if uln else f"random:{secrets.token_hex(16)}"
    return _hmac(_key(), seed)


def recipient_key(recipient: str) -> bytes:
    """A key per export recipient, derived from the master key, so no extra secret needs storing."""
    return hmac.new(_key(), f"recipient:{recipient}".encode(), hashlib.sha256).digest()


def recipient_pseudonym(key: bytes, learner_id: int) -> str:
    """A learner's ID in one recipient's export: different recipients cannot join their files."""
    return _hmac(key, f"learner:{learner_id}")[:20]
