"""Encryption at rest of ledger content that holds PHI, with `cryptography`'s Fernet
(AES-128-CBC + HMAC-SHA256, https://github.com/fernet/spec).

Keys come from AUDIT_ENCRYPTION_KEYS (comma-separated Fernet keys, newest first): the
first encrypts, every one decrypts, so a key is rotated by putting the new one first.
Without the setting (development, tests) a key is derived from SECRET_KEY.
"""

from __future__ import annotations

import base64
import hashlib
from functools import cache

from cryptography.fernet import Fernet, MultiFernet
from django.conf import settings


@cache
def _fernet(keys: tuple[str, ...], secret_key: str) -> MultiFernet:
    if not keys:
        derived = hashlib.sha256(f"audit-ledger:{secret_key}".encode()).digest()
        keys = (base64.urlsafe_b64encode(derived).decode(),)
    return MultiFernet([Fernet(key) for key in keys])


def get_fernet() -> MultiFernet:
    """The MultiFernet for the configured keys (cached per key set)."""
    return _fernet(tuple(settings.AUDIT_ENCRYPTION_KEYS), settings.SECRET_KEY)


def encrypt(plaintext: bytes) -> bytes:
    return get_fernet().encrypt(plaintext)


def decrypt(token: bytes) -> bytes:
    """Raises cryptography.fernet.InvalidToken when no key opens `token`."""
    return get_fernet().decrypt(bytes(token))
