"""The meal-point registry: the app's data in a database (SQLite or PostgreSQL).

The published state is what everyone sees; residents' reports, editors' edits and
imports become proposed change sets that a publisher publishes (one transaction, one
version bump). Every published change set is kept with its before/after per field, so
any of them can be reverted and the whole registry exported and restored.

Modules: ``types`` (errors and records handed out), ``models`` (tables), ``migrations``
(Alembic, run programmatically), ``db`` (engines, sessions, error mapping), ``records``
(documents <-> data frames), ``diff`` (import diffs), ``limits`` (report limits and
rates), ``accounts`` (editors, sign-in), ``backup`` (export / restore), ``store``
(the :class:`Registry`).
"""

from __future__ import annotations

from geo.data.registry.limits import RATE_CLIENT, RATE_SERVER
from geo.data.registry.store import Registry
from geo.data.registry.types import (
    REPORT_KINDS,
    REPORT_TEXT_MAX,
    Actor,
    Change,
    ChangeSet,
    Conflict,
    FieldChange,
    ImportDiff,
    ImportRejected,
    NotAllowed,
    RateLimited,
    RegistryError,
    Report,
    Unavailable,
)

__all__ = [
    "RATE_CLIENT",
    "RATE_SERVER",
    "REPORT_KINDS",
    "REPORT_TEXT_MAX",
    "Actor",
    "Change",
    "ChangeSet",
    "Conflict",
    "FieldChange",
    "ImportDiff",
    "ImportRejected",
    "NotAllowed",
    "RateLimited",
    "Registry",
    "RegistryError",
    "Report",
    "Unavailable",
]
