"""Layer scripts served as files, so the page's messages carry a file name instead of them.

A map's layers are a large part of what a page sends (the overview's: 120 KB of its
component message), and the same for every session. A layer whose data every session shares
(``Dataset.is_shared``: the bundled files or the registry's published data, both public) is
written once per process and content to ``static/layers/<digest>.js`` and served by Streamlit's
static file serving (``[server] enableStaticServing``, beside the vendored Leaflet). The map's
script then only loads it: the browser fetches it once and keeps it (the name changes with
the content), Streamlit does not run any script for it, and the component message shrinks to
the base map and a few lines per layer. A session's upload is never written there: its
layers stay inline in its own messages (:class:`geo.maps.cache.ScriptLayer`).

The file holds exactly the script the layer would run inline (same escaping: it is the same
text), wrapped as ``jpLayerBodies[digest] = function (group, map) {...}``.
"""

from __future__ import annotations

import hashlib
import os
import re
import threading
from collections.abc import Callable, Hashable
from pathlib import Path

import folium
from branca.element import MacroElement
from jinja2 import Template

from geo.maps.assets import VENDOR_URL
from geo.maps.base import STATIC_DIR
from geo.maps.cache import Lru, TextRender, group_script

__all__ = [
    "LAYERS_DIR",
    "LAYERS_URL",
    "ExternalLayer",
    "external_body",
    "external_layer",
    "loaded_keys",
    "publish_script",
]

LAYERS_DIR = STATIC_DIR / "layers"
LAYERS_URL = VENDOR_URL.rsplit("/", 1)[0] + "/layers"  # /app/static/layers
#: Files kept in LAYERS_DIR (the oldest go first): every layer of a few dataset versions,
#: languages and base maps.
MAX_FILES = 400

_LOCK = threading.Lock()


def _head(key: str) -> str:
    return '(window.jpLayerBodies = window.jpLayerBodies || {})["' + key + '"] = function (group, map) {\n'


_TAIL = "\n};\n"


def publish_script(body: str, layers_dir: Path = LAYERS_DIR) -> str:
    """Write ``body`` (a layer script, run with ``group`` and ``map``) to the static layers
    folder once, and return its key (the file is ``<key>.js``). Atomic (a temporary file,
    then a rename), so a browser never loads half a file."""
    key = hashlib.sha256(body.encode()).hexdigest()[:24]
    target = Path(layers_dir) / f"{key}.js"
    if target.exists():
        return key
    with _LOCK:
        if not target.exists():
            target.parent.mkdir(parents=True, exist_ok=True)
            tmp = target.with_name(f".{key}.{os.getpid()}.tmp")
            tmp.write_text(_head(key) + body + _TAIL, encoding="utf-8")
            tmp.replace(target)
            _prune(target.parent)
    return key


def _prune(folder: Path) -> None:
    files = sorted(folder.glob("*.js"), key=lambda p: p.stat().st_mtime)
    for old in files[: max(0, len(files) - MAX_FILES)]:
        old.unlink(missing_ok=True)


def external_body(key: str, layers_dir: Path = LAYERS_DIR) -> str:
    """The script a published layer runs (what :func:`publish_script` was given)."""
    text = (Path(layers_dir) / f"{key}.js").read_text(encoding="utf-8")
    return text[len(_head(key)) : len(text) - len(_TAIL)]


def loaded_keys(script: str) -> list[str]:
    """The keys of the layer files a map's script loads, in order."""
    return re.findall(re.escape(LAYERS_URL) + r"/([0-9a-f]+)\.js", script)


class _Loader(TextRender, MacroElement):
    """Loads the layer's file (once per page: scripts are kept by key) and runs it with the
    group and the map; the promise is kept in ``window.jpLayersLoading`` for scripts that
    act on the layers once they are drawn (assets/overview_view.js)."""

    _template = Template("""
{% macro script(this, kwargs) %}
(function(group, map){
(window.jpGroups = window.jpGroups || {})[{{ this.layer|tojson }}] = group;
var bodies = window.jpLayerBodies = window.jpLayerBodies || {};
var key = {{ this.key|tojson }};
var ready = bodies[key] ? Promise.resolve() : new Promise(function (resolve, reject) {
  var s = document.createElement('script');
  s.src = {{ this.url|tojson }};
  s.onload = function () { resolve(); };
  s.onerror = function () { reject(new Error('layer ' + key)); };
  document.head.appendChild(s);
});
(window.jpLayersLoading = window.jpLayersLoading || []).push(ready.then(function () { bodies[key](group, map); }));
})({{ this._parent.get_name() }}, {{ this._parent._parent.get_name() }});
{% endmacro %}
""")

    def __init__(self, key: str, layer: str):
        super().__init__()
        self._name = "JpLoader"
        self._id = "loader"
        self.key = key
        self.layer = layer
        self.url = f"{LAYERS_URL}/{key}.js"


class ExternalLayer(folium.FeatureGroup):
    """A feature group whose script is a file of ``static/layers`` (:func:`publish_script`)."""

    def __init__(self, key: str, name: str = "layer"):
        super().__init__(name=name)
        self._id = "externallayer"
        self.key = key
        _Loader(key, name).add_to(self)


def external_layer(
    cache: Lru[str], key: Hashable, build: Callable[[], folium.FeatureGroup], name: str
) -> ExternalLayer:
    """The layer for ``key`` as a file: its script from ``cache`` (built with ``build()`` and
    :func:`group_script` on a miss), written to the static folder if it is not there."""
    return ExternalLayer(publish_script(cache.get(key, lambda: group_script(build()))), name=name)
