"""The registry's public vocabulary: its errors and the frozen records it hands out.

Every expected failure is a :class:`RegistryError` that carries a translation key
(``reg.err.*`` in geo/i18n/registry.py) and its parameters; callers show
``err.message(lang)``. Datetimes are timezone-aware UTC.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Any

from geo.i18n import t

if TYPE_CHECKING:
    from geo.data.validate import Report as ValidationReport

#: What a resident may report about a meal point.
REPORT_KINDS = ("closed", "moved", "hours", "phone", "new", "other")
#: The longest text a report may carry, in characters.
REPORT_TEXT_MAX = 500
#: Reports whose kind needs a position (the tapped place).
REPORT_KINDS_WITH_POSITION = ("moved", "new")
#: Report states.
REPORT_STATUSES = ("pending", "accepted", "rejected", "merged")
#: Change set states.
CHANGESET_STATUSES = ("proposed", "published", "rejected", "discarded")
#: Where a change set comes from.
CHANGESET_SOURCES = ("seed", "report", "import", "edit", "revert", "restore")
#: How an actor signed in.
ACTOR_VIA = ("local", "oidc", "cli")


class RegistryError(Exception):
    """An expected failure: a translation key and its parameters."""

    def __init__(self, key: str, **params: Any) -> None:
        super().__init__(key)
        self.key = key
        self.params: dict[str, Any] = params

    def message(self, lang: str) -> str:
        return t(self.key, lang, **self.params)

    def __str__(self) -> str:
        return self.message("en")


class RateLimited(RegistryError):  # noqa: N818 (the contract's names)
    """Too many reports from this client ("reg.err.rate_client") or the server ("reg.err.rate_server")."""


class Conflict(RegistryError):  # noqa: N818 (the contract's names)
    """An optimistic-lock conflict: the record changed since the caller read it."""

    def __init__(self, key: str, theirs: ChangeSet | None = None, **params: Any) -> None:
        super().__init__(key, **params)
        self.theirs = theirs


class NotAllowed(RegistryError):  # noqa: N818 (the contract's names)
    """The actor lacks the role, or is not (any longer) an editor."""


class Unavailable(RegistryError):  # noqa: N818 (the contract's names)
    """The database cannot be reached."""


class ImportRejected(RegistryError):  # noqa: N818 (the contract's names)
    """A file or an edit did not pass the validator; ``report`` holds the row-level issues."""

    def __init__(self, key: str, report: ValidationReport, **params: Any) -> None:
        super().__init__(key, **params)
        self.report = report

    def message(self, lang: str) -> str:
        """The summary, and the first error's text (the report holds them all)."""
        head = super().message(lang)
        errors = self.report.errors
        if not errors:
            return head
        first = errors[0]
        where = f"{first.column}: " if first.column else ""
        return head + ("：" if lang == "zh" else ": ") + where + first.message(lang)


@dataclass(frozen=True)
class Actor:
    """Who acts: the registry re-checks the roles in the database on every call."""

    name: str
    editor: bool
    publisher: bool
    via: str  # "local" | "oidc" | "cli"


@dataclass(frozen=True)
class Report:
    """A resident's report about a meal point (or a new point)."""

    id: int
    created_at: datetime
    point_id: str | None
    kind: str
    text: str
    lat: float | None
    lon: float | None
    status: str  # pending | accepted | rejected | merged
    reason: str
    reviewed_by: str | None
    changeset_id: int | None
    duplicate_of: int | None


@dataclass(frozen=True)
class FieldChange:
    field: str
    before: object
    after: object


@dataclass(frozen=True)
class Change:
    """One record's change: its fields before and after (None for an add / a remove)."""

    layer: str
    record_id: str
    op: str  # "add" | "change" | "remove"
    before: dict[str, Any] | None
    after: dict[str, Any] | None
    base_version: int | None
    fields: tuple[FieldChange, ...] = ()


@dataclass(frozen=True)
class ChangeSet:
    id: int
    status: str  # proposed | published | rejected | discarded
    created_at: datetime
    created_by: str
    source: str  # seed | report | import | edit | revert | restore
    source_ref: str
    note: str
    published_at: datetime | None
    published_by: str | None
    reason: str
    reverts: int | None
    changes: tuple[Change, ...] = field(default=())


@dataclass(frozen=True)
class ImportDiff:
    """A proposed import: its change set and the diff against the published layer."""

    changeset: ChangeSet
    added: list[Change]
    changed: list[Change]
    removed: list[Change]
    unchanged: list[str]
