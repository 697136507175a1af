"""`python -m core.check PATH...`: the checker alone, without the app's torch import."""

import sys

from core.check.cli import main

sys.exit(main())
