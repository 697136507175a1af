"""Memoised pure results shared by every session of the process (immutable values only, never a model)."""

import functools
import threading


def once(function):
    """Memoise a pure function of immutable, hashable values, shared by every session: the first caller computes,
    callers at the same moment wait for it rather than compute it again (a class presses Start together)."""
    lock, cached = threading.Lock(), functools.lru_cache(maxsize=128)(function)

    @functools.wraps(function)
    def wrapper(*args):
        with lock:
            return cached(*args)

    return wrapper
