"""Keep freed tensor memory in the process's heap: glibc hands every freed block over ~128 kB back to the OS, so each new
(R, N, width) activation of a many-seed race page-faults its memory in again (a third of an eight-seed race's time here)."""

import ctypes

M_TRIM_THRESHOLD, M_TOP_PAD, M_MMAP_THRESHOLD = -1, -2, -3  # glibc's <malloc.h>
BLOCK = 16 << 20  # blocks up to this size come from the heap; larger ones (none in a capped race) are mapped as before


def keep_freed_blocks() -> bool:
    """Tune glibc's malloc for this process; False where there is no glibc (nothing changes, the numbers never do)."""
    try:
        mallopt = ctypes.CDLL(None).mallopt
    except (OSError, AttributeError, TypeError):  # no C library by that name, no mallopt (macOS, musl), or Windows
        return False
    settings = ((M_MMAP_THRESHOLD, BLOCK), (M_TOP_PAD, BLOCK), (M_TRIM_THRESHOLD, 4 * BLOCK))
    return all(mallopt(option, value) == 1 for option, value in settings)
