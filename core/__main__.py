"""Entry point for `python -m core`."""

import sys

if sys.argv[1:2] == ["check"]:  # the checker needs only the standard library: skip importing torch for train/grads
    from core.check.cli import main as check

    sys.exit(check(sys.argv[2:]))

from core.cli import main  # noqa: E402

sys.exit(main())
