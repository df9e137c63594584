"""Alembic environment: runs on the connection the registry passes in
(``config.attributes["connection"]``), or on ``-x url=...`` / ``JINPU_DB_URL``."""

from __future__ import annotations

import os

from alembic import context
from sqlalchemy import Connection, create_engine

from geo.data.registry.models import Base


def _run(connection: Connection) -> None:
    context.configure(connection=connection, target_metadata=Base.metadata, render_as_batch=True)
    with context.begin_transaction():
        context.run_migrations()


conn = context.config.attributes.get("connection")
if conn is not None:
    _run(conn)
else:
    url = context.get_x_argument(as_dictionary=True).get("url") or os.environ["JINPU_DB_URL"]
    with create_engine(url).begin() as c:
        _run(c)
