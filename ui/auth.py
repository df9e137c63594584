"""Who is signed in to the registry page, and this browser session's client key.

An editor signs in with ``st.login`` (OIDC) when ``[auth]`` is configured in st.secrets,
otherwise with a local name and password (``Registry.sign_in``). A local sign-in is kept
in ``st.session_state`` under :data:`ACTOR_KEY` (no widget has that key) together with a
seal: an HMAC of the actor and this session's token under a key that exists only in this
server process, so a value put there by anything but :func:`sign_in` is ignored. Every
action also goes through the registry, which re-checks the roles in the database.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets

import streamlit as st

from geo.views import registry as rg
from geo.views import report as rv_report
from ui import state

ACTOR_KEY = "_rv_signed_in"
TOKEN_KEY = "_rv_session_token"
_PROCESS_KEY = secrets.token_bytes(32)


def session_token() -> str:
    """A random token for this browser session (created on its first use)."""
    token = st.session_state.get(TOKEN_KEY)
    if not isinstance(token, str) or len(token) < 20:
        token = secrets.token_urlsafe(24)
        st.session_state[TOKEN_KEY] = token
    return token


def client() -> str:
    """The rate-limit key of this session: a hash of its token, never the token itself."""
    return rv_report.client_key(session_token())


def _seal(actor: rg.Actor) -> str:
    msg = "\x00".join((actor.name, str(actor.editor), str(actor.publisher), actor.via, session_token()))
    return hmac.new(_PROCESS_KEY, msg.encode(), hashlib.sha256).hexdigest()


def oidc_configured() -> bool:
    try:
        return "auth" in st.secrets
    except Exception:  # no secrets file: not configured
        return False


def _oidc_email() -> str | None:
    try:
        return str(st.user.email) if st.user.is_logged_in and st.user.get("email") else None
    except Exception:  # auth not configured, or no user information
        return None


def actor() -> rg.Actor | None:
    """The signed-in editor of this session, or None."""
    if oidc_configured():
        email = _oidc_email()
        if email:
            try:
                return state.registry().oidc_actor(email)
            except rg.RegistryError:
                return None
    stored = st.session_state.get(ACTOR_KEY)
    if not (isinstance(stored, tuple) and len(stored) == 2 and isinstance(stored[0], rg.Actor)):
        return None
    signed, seal = stored
    if not isinstance(seal, str) or not hmac.compare_digest(seal, _seal(signed)):
        return None
    return signed


def oidc_email() -> str | None:
    """The e-mail of a user signed in with st.login (whether or not an editor)."""
    return _oidc_email() if oidc_configured() else None


def sign_in(name: str, password: str) -> rg.Actor:
    """Sign in with a local account; raises RegistryError ("reg.err.sign_in")."""
    signed = state.registry().sign_in(name, password, client=client())
    st.session_state[ACTOR_KEY] = (signed, _seal(signed))
    return signed


def sign_out() -> None:
    st.session_state.pop(ACTOR_KEY, None)
    if oidc_email():
        st.logout()
