"""Differences between records: field by field, and an imported layer against the
published one (matched by id, else by Chinese name and subdistrict)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from geo.data.registry.records import GEOMETRY, Doc, is_polygon_layer
from geo.data.registry.types import Change, FieldChange
from geo.data.schema import LAYERS

#: The fields that identify a record when its id does not match (besides the id).
MATCH_KEYS: dict[str, tuple[str, ...]] = {
    "subdistricts": (),
    "projects": ("name_zh", "subdistrict_codes"),
    "meal_points": ("name_zh", "subdistrict_code"),
}


def field_names(layer: str) -> list[str]:
    """The schema's fields (and ``geometry`` for a polygon layer)."""
    return LAYERS[layer].names + ([GEOMETRY] if is_polygon_layer(layer) else [])


def field_changes(
    layer: str, before: Mapping[str, Any] | None, after: Mapping[str, Any] | None
) -> tuple[FieldChange, ...]:
    """Field by field: every field for an add or a remove; the differing ones for a change."""
    names = field_names(layer)
    if before is None:
        return tuple(FieldChange(n, None, (after or {}).get(n)) for n in names)
    if after is None:
        return tuple(FieldChange(n, before.get(n), None) for n in names)
    return tuple(FieldChange(n, before.get(n), after.get(n)) for n in names if before.get(n) != after.get(n))


def make_change(
    layer: str, record_id: str, op: str, before: Doc | None, after: Doc | None, base_version: int | None
) -> Change:
    return Change(layer, record_id, op, before, after, base_version, field_changes(layer, before, after))


@dataclass
class LayerDiff:
    added: list[Change] = field(default_factory=list)
    changed: list[Change] = field(default_factory=list)
    removed: list[Change] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)

    @property
    def changes(self) -> list[Change]:
        return [*self.changed, *self.added, *self.removed]


def _key(layer: str, doc: Mapping[str, Any]) -> tuple[object, ...] | None:
    keys = MATCH_KEYS[layer]
    if not keys:
        return None
    vals = tuple(doc.get(k) for k in keys)
    return None if any(v in (None, "") for v in vals[:1]) else vals


def diff_layer(layer: str, published: Mapping[str, tuple[Doc, int]], incoming: Sequence[Doc]) -> LayerDiff:
    """The changes that turn the published layer (record id -> (document, version)) into
    ``incoming`` (documents in file order). A row matches a published record by id, else
    by :data:`MATCH_KEYS`; a row matched by name keeps the published id."""
    id_field = LAYERS[layer].id_field
    out = LayerDiff()
    by_key: dict[tuple[object, ...], list[str]] = {}
    for rid, (doc, _v) in published.items():
        k = _key(layer, doc)
        if k is not None:
            by_key.setdefault(k, []).append(rid)
    incoming_ids = {str(d.get(id_field)) for d in incoming}
    matched: set[str] = set()
    for doc in incoming:
        rid = str(doc.get(id_field))
        target: str | None = rid if rid in published and rid not in matched else None
        if target is None:
            k = _key(layer, doc)
            cands = [r for r in by_key.get(k, []) if r not in matched and r not in incoming_ids] if k else []
            target = cands[0] if cands else None
        if target is None:
            out.added.append(make_change(layer, rid, "add", None, dict(doc), None))
            continue
        matched.add(target)
        before, version = published[target]
        after = {**doc, id_field: target}
        if after == before:
            out.unchanged.append(target)
        else:
            out.changed.append(make_change(layer, target, "change", before, after, version))
    for rid, (doc, version) in published.items():
        if rid not in matched:
            out.removed.append(make_change(layer, rid, "remove", doc, None, version))
    return out
