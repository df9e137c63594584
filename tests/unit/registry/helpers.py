"""Helpers of the registry tests: files to import, and every row of every table."""

from __future__ import annotations

import io

import pandas as pd
from sqlalchemy import select

from geo.data.loader import DATA_DIR
from geo.data.registry.models import Base


def meal_points_csv() -> pd.DataFrame:
    return pd.read_csv(DATA_DIR / "meal_points.csv", dtype=str, keep_default_na=False)


def to_bytes(df: pd.DataFrame) -> bytes:
    buf = io.StringIO()
    df.to_csv(buf, index=False, lineterminator="\n")
    return buf.getvalue().encode("utf-8")


def all_rows(reg) -> dict[str, list[tuple]]:
    """Every row of every table, in key order: the registry's whole state."""
    out = {}
    with reg.engine.connect() as conn:
        for table in Base.metadata.sorted_tables:
            cols = list(table.primary_key.columns)
            out[table.name] = [tuple(r) for r in conn.execute(select(table).order_by(*cols))]
    return out
