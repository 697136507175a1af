"""Memoised pure results shared by every session of the process (immutable values only, never a model)."""

import functools
import threading


def private(value) -> bool:
    """Whether a value belongs to one visitor's upload (a config or snapshot naming an uploaded table)."""
    return bool(getattr(getattr(value, "config", value), "source", ""))


def once(function):
    """Memoise a pure function of immutable, hashable values, shared by every session: the first caller computes,
    callers at the same moment wait for it rather than compute it again (a class presses Start together).
    A visitor's upload is computed for its caller and kept nowhere: it lives in that session only."""
    lock, cached = threading.Lock(), functools.lru_cache(maxsize=128)(function)

    @functools.wraps(function)
    def wrapper(*args):
        if any(private(a) for a in args):
            return function(*args)
        with lock:
            return cached(*args)

    wrapper.cache_info = cached.cache_info
    return wrapper
