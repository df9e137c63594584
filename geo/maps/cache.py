"""Map scripts built once per process and shared by every session.

A page run used to build hundreds of folium objects (a marker, an icon, a tooltip and a
popup per record, each compiling its own Jinja template) and render them, on every run
of every session. What those objects render to depends only on plain values: the
dataset (``Dataset.fingerprint``), the language, the base map's datum and the view. So
a layer is built and rendered once per such key, and a run reuses the script text
(:class:`ScriptLayer`: a feature group whose content is that text).

The caches are bounded (least recently used entries go first) and hold strings only,
never a ``folium.Map`` (streamlit-folium mutates the map it draws) nor anything of a
session: an upload is a dataset with its own fingerprint, and its entries age out like
any other.
"""

from __future__ import annotations

import re
import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
from typing import Generic, TypeVar

import folium
from branca.element import Element, Figure, MacroElement
from folium.map import ElementAddToElement
from jinja2 import Template, UndefinedError

from geo.maps.ids import stable_ids

V = TypeVar("V")

#: The name the group being rendered carries while its script is taken (replaced by
#: the parameter ``group`` of the cached body).
_GROUP_ID = "jpcachedgroupzq"
_MAP_ID = "jpcachedmapzq"
_RANDOM_ID = re.compile(r"[0-9a-f]{32}")


class Lru(Generic[V]):
    """A bounded, thread-safe least-recently-used cache of values by hashable key.

    Single flight: while one thread builds the value of a key, the others asking for it
    wait for that value instead of building it again. (A crowd arriving at a fresh server
    asks for the same few layers at once: built once each, not once per session.)"""

    def __init__(self, max_entries: int):
        self.max_entries = int(max_entries)
        self._data: OrderedDict[Hashable, V] = OrderedDict()
        self._lock = threading.Lock()
        self._building: dict[Hashable, threading.Event] = {}
        self.hits = 0
        self.misses = 0

    def get(self, key: Hashable, build: Callable[[], V]) -> V:
        while True:
            with self._lock:
                if key in self._data:
                    self._data.move_to_end(key)
                    self.hits += 1
                    return self._data[key]
                pending = self._building.get(key)
                if pending is None:
                    done = self._building[key] = threading.Event()
                    break
            pending.wait()  # another thread builds it; then look again (if it failed: build here)
        try:
            value = build()
            with self._lock:
                self.misses += 1
                self._data[key] = value
                self._data.move_to_end(key)
                while len(self._data) > self.max_entries:
                    self._data.popitem(last=False)
            return value
        finally:
            with self._lock:
                del self._building[key]
            done.set()

    def __len__(self) -> int:
        return len(self._data)

    def clear(self) -> None:
        with self._lock:
            self._data.clear()


class Text(Element):
    """Text added to a figure as it is. (branca adds each element's rendered script as a
    new ``Element(text)``, which compiles the text as a Jinja template on every run: for a
    layer of a hundred kilobytes that is most of a page run.)"""

    def __init__(self, text: str):
        super().__init__()
        self.text = text

    def render(self, **kwargs) -> str:
        return self.text


class TextRender:
    """For a ``MacroElement`` subclass (put it before the folium/branca base): renders its
    ``header``, ``html`` and ``script`` macros into the figure as :class:`Text`, once."""

    def render(self, **kwargs) -> None:
        figure = self.get_root()  # type: ignore[attr-defined]
        if not isinstance(figure, Figure):
            raise TypeError("You cannot render this Element if it is not in a Figure.")
        macros = self._template.module.__dict__  # type: ignore[attr-defined]
        for part, slot in (("header", figure.header), ("html", figure.html), ("script", figure.script)):
            macro = macros.get(part)
            if macro is not None:
                slot.add_child(Text(macro(self, kwargs)), name=self.get_name())  # type: ignore[attr-defined]
        for child in self._children.values():  # type: ignore[attr-defined]
            child.render(**kwargs)


class _Body(TextRender, MacroElement):
    """The script of a :class:`ScriptLayer`: the cached text, run with the group and the map.
    The group is also kept by its layer name in ``window.jpGroups`` (for a script that acts
    on the layers after they are drawn, e.g. assets/overview_view.js)."""

    _template = Template("""
{% macro script(this, kwargs) %}
(function(group, map){
(window.jpGroups = window.jpGroups || {})[{{ this.layer|tojson }}] = group;
{{ this.body }}
})({{ this._parent.get_name() }}, {{ this._parent._parent.get_name() }});
{% endmacro %}
""")

    def __init__(self, body: str, layer: str):
        super().__init__()
        self._name = "JpBody"
        self._id = "body"
        self.body = body
        self.layer = layer


class ScriptLayer(folium.FeatureGroup):
    """A feature group drawn by a prebuilt script (:func:`group_script`). Render cost: two
    small templates, whatever the number of records. Add it to a map, or pass it to
    ``st_folium(feature_group_to_add=...)``, like any feature group."""

    def __init__(self, body: str, name: str = "layer"):
        super().__init__(name=name)
        self._id = "scriptlayer"
        self.body = body
        _Body(body, name).add_to(self)


def group_script(group: folium.FeatureGroup) -> str:
    """The script of everything inside ``group`` (not the group itself), with the group
    as ``group`` and its map as ``map``: what :class:`ScriptLayer` runs. Rendered the way
    streamlit-folium renders a feature group (each element's ``script`` macro, after the
    group's ``render``), with deterministic element ids."""
    m = folium.Map(tiles=None)
    m._id = _MAP_ID
    stable_ids(group, prefix="c")
    group._id = _GROUP_ID
    group.add_to(m)
    group.render()  # (some elements add children while rendering: a marker's icon setter) ...
    _name_new_children(group)  # ... named here, so that the script is the same on every build
    parts: list[str] = []

    def visit(el) -> None:
        for child in list(getattr(el, "_children", {}).values()):
            if el is group and isinstance(child, ElementAddToElement):
                continue  # the group's own "add to the map": the ScriptLayer adds itself
            try:
                try:
                    parts.append(child._template.module.script(child))
                except UndefinedError:  # as streamlit-folium does (e.g. a popup's content)
                    parts.append(child._template.render(this=child, kwargs={}))
                visit(child)
            except (UndefinedError, AttributeError):  # no script: the element and its children are skipped
                continue

    visit(group)
    text = "\n".join(p for p in parts if p.strip())
    return text.replace(group.get_name(), "group").replace(m.get_name(), "map")


def _name_new_children(group) -> None:
    """Deterministic ids for the elements that rendering added (they have folium's random
    32-hex-digit ids); the others keep theirs (rendered text may already use them)."""
    seen: set[int] = set()
    counter = [0]

    def visit(el) -> None:
        if id(el) in seen:
            return
        seen.add(id(el))
        children = getattr(el, "_children", None)
        if not children:
            return
        renamed = False
        for child in list(children.values()):
            if _RANDOM_ID.fullmatch(str(getattr(child, "_id", ""))):
                child._id = f"n{counter[0]:x}"
                counter[0] += 1
                renamed = True
            visit(child)
        if renamed:  # templates use the dict keys: re-key them
            el._children = type(children)((c.get_name(), c) for c in children.values())

    visit(group)


def script_layer(cache: Lru[str], key: Hashable, build: Callable[[], folium.FeatureGroup], name: str) -> ScriptLayer:
    """The layer for ``key``: its script from ``cache``, built (``build()`` then
    :func:`group_script`) on a miss."""
    return ScriptLayer(cache.get(key, lambda: group_script(build())), name=name)
