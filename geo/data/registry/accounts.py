"""Editors' passwords and names: argon2 hashes (never the password), name rules.

There is no default account: with no editor configured, editing is not offered.
"""

from __future__ import annotations

import hashlib
import re
from functools import cache

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

from geo.data.registry.types import RegistryError

#: The shortest password accepted for a local editor.
MIN_PASSWORD = 8
_NAME_RE = re.compile(r"^[^\x00-\x1f\x7f]{1,64}$")
_EMAIL_RE = re.compile(r"^[^@\s]{1,64}@[^@\s]{1,255}$")

_hasher = PasswordHasher()


def check_name(name: str) -> str:
    name = name.strip() if isinstance(name, str) else ""
    if not _NAME_RE.match(name):
        raise RegistryError("reg.err.editor_name")
    return name


def check_email(email: str) -> str:
    email = email.strip().lower() if isinstance(email, str) else ""
    if not _EMAIL_RE.match(email):
        raise RegistryError("reg.err.email", email=email[:80])
    return email


def hash_password(password: str) -> str:
    if not isinstance(password, str) or len(password) < MIN_PASSWORD:
        raise RegistryError("reg.err.password_short", n=MIN_PASSWORD)
    return _hasher.hash(password)


@cache
def _dummy_hash() -> str:
    return _hasher.hash("not a password of anyone")


def verify(stored: str | None, password: str) -> bool:
    """True when ``password`` matches the argon2 hash ``stored``. With no hash (unknown
    name, OIDC-only editor) a dummy hash is checked anyway, so both take as long."""
    try:
        ok = _hasher.verify(stored or _dummy_hash(), password)
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return False
    return bool(ok) and stored is not None


def client_key(client: str) -> str:
    """What is stored of a client key (already a hash of the browser session): its hash."""
    return hashlib.sha256(str(client).encode("utf-8", "replace")).hexdigest()[:32]
