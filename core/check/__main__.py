"""`python -m core.check PATH...`: the checker alone, without the app's torch import."""

from core.check.cli import main_exit

main_exit()
