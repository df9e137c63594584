"""Deterministic element ids, so that a rerun that changes nothing sends the same script."""

from __future__ import annotations


def stable_ids(element, prefix: str = "s") -> None:
    """Give every element under ``element`` a deterministic id.

    folium names elements with random uuids; streamlit-folium renames the children of a
    feature group but not, e.g., a popup's inner Html element. Random names would make the
    feature-group script differ on every rerun, so the iframe would re-add every layer (and
    close an open popup) on reruns that change nothing. Call this before ``st_folium``.

    It sets branca's ``_id`` and re-keys ``_children``: branca has no public way to name
    an element, and its templates read the children by those keys.
    """
    seen: set[int] = set()
    counter = [0]

    def visit(el):
        if id(el) in seen:
            return
        seen.add(id(el))
        el._id = f"{prefix}{counter[0]:x}"
        counter[0] += 1
        children = getattr(el, "_children", None)
        if children:
            for child in list(children.values()):
                visit(child)
            # templates use the dict keys (names taken when the child was added): re-key them
            el._children = type(children)((c.get_name(), c) for c in children.values())
        for attr in ("html", "script", "header"):
            sub = getattr(el, attr, None)
            if sub is not None and hasattr(sub, "_children") and sub is not el:
                visit(sub)

    visit(element)
