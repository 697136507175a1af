"""`python -m core check PATH...` (also `python -m core.check`, the `loss-lab-check` hook): lint lines or JSON; exit 0/1/2."""

import argparse
import gc
import json
import os
import sys
import warnings

from core.check import Unreadable, check

APP_URL = "http://localhost:8501"  # where `streamlit run app.py` serves Loss Lab
FAILING = ("error", "warning")  # info findings never change the exit code


class OneLineParser(argparse.ArgumentParser):
    """Bad arguments: one line and exit 2, never a usage dump or traceback."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, allow_abbrev=False, **kwargs)  # `--form json` is a typo to report, not --format

    def error(self, message):
        raise SystemExit(fail(message))


def fail(message: str) -> int:
    print(" ".join(f"error: {message}".splitlines()), file=sys.stderr)  # \r too: one line whatever was echoed
    return 2


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("paths", nargs="+", metavar="PATH", help="a .py or .ipynb file; - reads standard input")
    parser.add_argument("--format", choices=("text", "json"), default="text", help="text (path:line:col: rule message) or json")
    parser.add_argument("--app-url", default=APP_URL, help="Loss Lab's address, for the demo links (default %(default)s)")


def build_parser() -> argparse.ArgumentParser:
    parser = OneLineParser(prog="python -m core check", description=DESCRIPTION)
    add_arguments(parser)
    return parser


DESCRIPTION = "Find softmax before CrossEntropyLoss and its siblings in PyTorch code, without running it."


def run(args: argparse.Namespace) -> int:
    """Check every path; 2 if one could not be read, else 1 if any error or warning was found, else 0."""
    findings, unreadable, collecting = [], False, gc.isenabled()
    gc.disable()  # collecting a large file's syntax tree, again and again, cost up to a quarter of the run
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # SyntaxWarnings about the checked code's escapes are not the checker's output
            for path in args.paths:
                try:
                    doc, found = check(path)
                except Unreadable as err:
                    unreadable = fail(str(err)) == 2
                    continue
                for note in doc.notes:
                    print(note, file=sys.stderr)
                findings += found
    finally:
        if collecting:
            gc.enable()
    try:
        if args.format == "json":
            rows = [{**f.as_dict(), "demo": args.app_url.rstrip("/") + f.demo if f.demo else None} for f in findings]
            print(json.dumps(rows, indent=2, ensure_ascii=False))
        else:
            for finding in findings:
                print(finding.as_text())
        sys.stdout.flush()
    except BrokenPipeError:  # `| head`: the reader left; stay quiet
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
    except OSError as err:  # a full disk: one line, as `python -m core train` says it
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())  # the unwritten rest would fail again at exit
        return fail(f"cannot write standard output: {err.strerror}")
    return 2 if unreadable else 1 if any(f.severity in FAILING for f in findings) else 0


def main(argv: list[str] | None = None) -> int:
    return run(build_parser().parse_args(argv))


def main_exit() -> None:
    """The `loss-lab-check` console script (the pre-commit hook)."""
    sys.exit(main())
