"""Vega-Lite specs built once with Altair and cached: a live frame then only ships fresh data.

Altair validates every chart it builds (tens of milliseconds each), too slow for a redraw several times a
second, so a builder decorated with @frozen returns a cached dict that st.vega_lite_chart pairs with new data.
"""

import copy
import functools

import ui.chart_theme  # noqa: F401  (registers the theme every spec is built with)

# Altair's schema check is a development check, ~0.1 s a spec and a quarter of a first visit to the per-sample
# page: the tests turn it on for every spec they build (tests/conftest.py), the server skips it.
VALIDATE = False


def _inherit(spec):
    """Drop Altair's placeholder {"name": "empty"} data so data-less views read the data st.vega_lite_chart ships."""
    if isinstance(spec, dict):
        if spec.get("data") == {"name": "empty"}:
            del spec["data"]
        spec.get("datasets", {}).pop("empty", None)
        for value in spec.values():
            _inherit(value)
    elif isinstance(spec, list):
        for value in spec:
            _inherit(value)
    return spec


def frozen(build):
    """Cache a spec builder's dict (arguments must be hashable); hand out copies so no caller alters the cached one.

    `.shared(...)` hands out the cached dict itself, for a live frame's st.vega_lite_chart: it copies the top
    level before changing it and leaves the rest alone unless a legend title is None (tests/test_race_views.py).
    """
    cached = functools.lru_cache(maxsize=64)(lambda *args, **kwargs: _inherit(build(*args, **kwargs).to_dict(validate=VALIDATE)))
    copied = functools.wraps(build)(lambda *args, **kwargs: copy.deepcopy(cached(*args, **kwargs)))
    copied.shared = cached
    return copied
