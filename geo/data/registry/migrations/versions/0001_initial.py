"""0001 initial: the registry's tables (meta, records, changesets, changes, reports,
rate_events, editors, auth_log).

Revision ID: 0001
Revises: (none)
"""

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "auth_log",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("name", sa.String(length=320), nullable=False),
        sa.Column("client", sa.String(length=64), nullable=False),
        sa.Column("ok", sa.Boolean(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("auth_log", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_auth_log_at"), ["at"], unique=False)
        batch_op.create_index(batch_op.f("ix_auth_log_client"), ["client"], unique=False)
        batch_op.create_index(batch_op.f("ix_auth_log_name"), ["name"], unique=False)

    op.create_table(
        "changesets",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("created_by", sa.String(length=320), nullable=False),
        sa.Column("source", sa.String(length=16), nullable=False),
        sa.Column("source_ref", sa.Text(), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("published_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("published_by", sa.String(length=320), nullable=True),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("reverts", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["reverts"],
            ["changesets.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("changesets", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_changesets_status"), ["status"], unique=False)

    op.create_table(
        "editors",
        sa.Column("name", sa.String(length=320), nullable=False),
        sa.Column("password_hash", sa.Text(), nullable=True),
        sa.Column("email", sa.String(length=320), nullable=True),
        sa.Column("publisher", sa.Boolean(), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("name"),
        sa.UniqueConstraint("email"),
    )
    op.create_table(
        "meta",
        sa.Column("key", sa.String(length=32), nullable=False),
        sa.Column("value", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("key"),
    )
    op.create_table(
        "rate_events",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("client", sa.String(length=64), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("rate_events", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_rate_events_at"), ["at"], unique=False)
        batch_op.create_index(batch_op.f("ix_rate_events_client"), ["client"], unique=False)

    op.create_table(
        "changes",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("changeset_id", sa.Integer(), nullable=False),
        sa.Column("seq", sa.Integer(), nullable=False),
        sa.Column("layer", sa.String(length=32), nullable=False),
        sa.Column("record_id", sa.String(length=200), nullable=False),
        sa.Column("op", sa.String(length=8), nullable=False),
        sa.Column("before", sa.Text(), nullable=True),
        sa.Column("after", sa.Text(), nullable=True),
        sa.Column("base_version", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["changeset_id"],
            ["changesets.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("changes", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_changes_changeset_id"), ["changeset_id"], unique=False)
        batch_op.create_index("ix_changes_record", ["layer", "record_id"], unique=False)

    op.create_table(
        "records",
        sa.Column("layer", sa.String(length=32), nullable=False),
        sa.Column("record_id", sa.String(length=200), nullable=False),
        sa.Column("seq", sa.Integer(), nullable=False),
        sa.Column("doc", sa.Text(), nullable=False),
        sa.Column("geometry", sa.Text(), nullable=True),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("changeset_id", sa.Integer(), nullable=False),
        sa.Column("deleted", sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(
            ["changeset_id"],
            ["changesets.id"],
        ),
        sa.PrimaryKeyConstraint("layer", "record_id"),
    )
    op.create_table(
        "reports",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("point_id", sa.String(length=200), nullable=True),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("lat", sa.Float(), nullable=True),
        sa.Column("lon", sa.Float(), nullable=True),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("reviewed_by", sa.String(length=320), nullable=True),
        sa.Column("changeset_id", sa.Integer(), nullable=True),
        sa.Column("duplicate_of", sa.Integer(), nullable=True),
        sa.Column("client", sa.String(length=64), nullable=False),
        sa.ForeignKeyConstraint(
            ["changeset_id"],
            ["changesets.id"],
        ),
        sa.ForeignKeyConstraint(
            ["duplicate_of"],
            ["reports.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("reports", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_reports_status"), ["status"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("reports", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_reports_status"))

    op.drop_table("reports")
    op.drop_table("records")
    with op.batch_alter_table("changes", schema=None) as batch_op:
        batch_op.drop_index("ix_changes_record")
        batch_op.drop_index(batch_op.f("ix_changes_changeset_id"))

    op.drop_table("changes")
    with op.batch_alter_table("rate_events", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_rate_events_client"))
        batch_op.drop_index(batch_op.f("ix_rate_events_at"))

    op.drop_table("rate_events")
    op.drop_table("meta")
    op.drop_table("editors")
    with op.batch_alter_table("changesets", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_changesets_status"))

    op.drop_table("changesets")
    with op.batch_alter_table("auth_log", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_auth_log_name"))
        batch_op.drop_index(batch_op.f("ix_auth_log_client"))
        batch_op.drop_index(batch_op.f("ix_auth_log_at"))

    op.drop_table("auth_log")
