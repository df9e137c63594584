"""The registry's tables (SQLAlchemy 2 declarative, typed).

- ``meta``: key/value pairs: ``version`` (the published version, bumped by every
  publish), ``seed`` (the seed folder's name and hash; its unique key makes seeding safe
  when two processes start at once).
- ``records``: one row per (layer, record_id): ``seq`` its place in the layer, ``doc`` holds the schema fields
  (geo/data/schema.py) as JSON text, ``geometry`` a subdistrict's polygon as WKT,
  ``version`` the optimistic-lock token (bumped whenever a publish touches the record),
  ``changeset_id`` the change set that last wrote it, ``deleted`` for a removed record.
- ``changesets`` and ``changes``: every proposal and its before/after per record.
- ``reports``: residents' reports; ``rate_events``: one row per report, for rate limits.
- ``editors`` (argon2 hash, or none for an OIDC editor) and ``auth_log`` (sign-ins).
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, DateTime, Float, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column


class Base(DeclarativeBase):
    pass


class Meta(Base):
    __tablename__ = "meta"
    key: Mapped[str] = mapped_column(String(32), primary_key=True)
    value: Mapped[str] = mapped_column(Text)


class ChangeSetRow(Base):
    __tablename__ = "changesets"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    status: Mapped[str] = mapped_column(String(16), index=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    created_by: Mapped[str] = mapped_column(String(320))
    source: Mapped[str] = mapped_column(String(16))
    source_ref: Mapped[str] = mapped_column(Text, default="")
    note: Mapped[str] = mapped_column(Text, default="")
    published_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    published_by: Mapped[str | None] = mapped_column(String(320), nullable=True)
    reason: Mapped[str] = mapped_column(Text, default="")
    reverts: Mapped[int | None] = mapped_column(ForeignKey("changesets.id"), nullable=True)


class ChangeRow(Base):
    __tablename__ = "changes"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    changeset_id: Mapped[int] = mapped_column(ForeignKey("changesets.id"), index=True)
    seq: Mapped[int] = mapped_column(Integer)
    layer: Mapped[str] = mapped_column(String(32))
    record_id: Mapped[str] = mapped_column(String(200))
    op: Mapped[str] = mapped_column(String(8))
    before: Mapped[str | None] = mapped_column(Text, nullable=True)
    after: Mapped[str | None] = mapped_column(Text, nullable=True)
    base_version: Mapped[int | None] = mapped_column(Integer, nullable=True)

    __table_args__ = (Index("ix_changes_record", "layer", "record_id"),)


class RecordRow(Base):
    __tablename__ = "records"
    layer: Mapped[str] = mapped_column(String(32), primary_key=True)
    record_id: Mapped[str] = mapped_column(String(200), primary_key=True)
    seq: Mapped[int] = mapped_column(Integer)  # order within the layer (the seed's file order, then appended)
    doc: Mapped[str] = mapped_column(Text)
    geometry: Mapped[str | None] = mapped_column(Text, nullable=True)
    version: Mapped[int] = mapped_column(Integer)
    changeset_id: Mapped[int] = mapped_column(ForeignKey("changesets.id"))
    deleted: Mapped[bool] = mapped_column(Boolean, default=False)


class ReportRow(Base):
    __tablename__ = "reports"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    point_id: Mapped[str | None] = mapped_column(String(200), nullable=True)
    kind: Mapped[str] = mapped_column(String(16))
    text: Mapped[str] = mapped_column(Text, default="")
    lat: Mapped[float | None] = mapped_column(Float, nullable=True)
    lon: Mapped[float | None] = mapped_column(Float, nullable=True)
    status: Mapped[str] = mapped_column(String(16), index=True)
    reason: Mapped[str] = mapped_column(Text, default="")
    reviewed_by: Mapped[str | None] = mapped_column(String(320), nullable=True)
    changeset_id: Mapped[int | None] = mapped_column(ForeignKey("changesets.id"), nullable=True)
    duplicate_of: Mapped[int | None] = mapped_column(ForeignKey("reports.id"), nullable=True)
    client: Mapped[str] = mapped_column(String(64), default="")


class RateEvent(Base):
    __tablename__ = "rate_events"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True), index=True)
    client: Mapped[str] = mapped_column(String(64), index=True)


class EditorRow(Base):
    __tablename__ = "editors"
    name: Mapped[str] = mapped_column(String(320), primary_key=True)
    password_hash: Mapped[str | None] = mapped_column(Text, nullable=True)
    email: Mapped[str | None] = mapped_column(String(320), nullable=True, unique=True)
    publisher: Mapped[bool] = mapped_column(Boolean, default=False)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class AuthLog(Base):
    __tablename__ = "auth_log"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True), index=True)
    name: Mapped[str] = mapped_column(String(320), index=True)
    client: Mapped[str] = mapped_column(String(64), index=True)
    ok: Mapped[bool] = mapped_column(Boolean)
