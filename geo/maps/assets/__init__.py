"""The map's own JavaScript and CSS, as real files beside this module.

Read with :func:`read` (``importlib.resources``, so it works from an installed package
too). The texts are loaded once per process; a template that inserts values into them
does so with Jinja's ``tojson`` filter, never by string formatting.
"""

from __future__ import annotations

from functools import cache
from importlib import resources

__all__ = ["VENDOR_URL", "read"]

#: Where the vendored libraries (Leaflet, jQuery, Leaflet.markercluster: copied from their
#: pinned xstatic packages by geo.maps.base.ensure_static_assets) are served by Streamlit
#: ([server] enableStaticServing): the maps load nothing from a CDN.
VENDOR_URL = "/app/static/vendor"


@cache
def read(name: str) -> str:
    """The text of the asset file ``name`` (e.g. ``"controls.js"``, ``"map.css"``)."""
    return resources.files(__package__).joinpath(name).read_text(encoding="utf-8")
