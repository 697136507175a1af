"""`python -m core train|grads|check`: train a race from the command line and write CSV, or check code for loss mistakes."""

import argparse
import os
import sys
from pathlib import Path

import pandas as pd
import torch

from core import tabular
from core.check import cli as check_cli
from core.check.cli import OneLineParser as _Parser
from core.check.cli import fail as _fail
from core.config import TORCH_THREADS, ConfigError, RunConfig
from core.data import Dataset
from core.engine import RECORD_COLUMNS, Race

DEFAULTS = RunConfig().to_dict()
FROM_FILE = ("dataset", "classes", "samples")  # a --data file sets these itself


class _TopParser(_Parser):
    def error(self, message):
        if message.endswith("required: command"):  # `python -m core --epochs 5`: what is missing, not argparse's word
            message = "a command comes first: python -m core train|grads|check [options]"
        super().error(message)


def build_parser() -> argparse.ArgumentParser:
    parser = _TopParser(prog="python -m core", description="Loss Lab: train classifiers with different losses in lockstep.")
    commands = parser.add_subparsers(dest="command", required=True, parser_class=_Parser)
    for name, text in [
        ("train", "one CSV row per (run, epoch)"),
        ("grads", "train, then one CSV row per (run, training sample)"),
    ]:
        sub = commands.add_parser(name, help=text, description=text)
        for field, default in DEFAULTS.items():
            if field == "losses":
                sub.add_argument("--loss", dest="losses", action="append", help=f"repeat to race several (default {default})")
            else:
                sub.add_argument(f"--{field.replace('_', '-')}", dest=field, help=f"default {default}")
        sub.add_argument("--data", metavar="FILE.csv", help="train on your own CSV instead: " + tabular.LIMITS)
        sub.add_argument("--label", metavar="COLUMN", help="--data's class column (every other column is a feature)")
        sub.add_argument("--out", help="CSV file to write (default: standard output)")
    check_cli.add_arguments(commands.add_parser("check", help=check_cli.DESCRIPTION, description=check_cli.DESCRIPTION))
    return parser


def config_from_args(args: argparse.Namespace) -> RunConfig:
    """RunConfig from parsed options; ConfigError names the CLI option."""
    values = {k: v for k, v in vars(args).items() if k in DEFAULTS and v is not None}
    if "losses" in values:
        values["losses"] = ",".join(values["losses"])
    return RunConfig.from_dict(values)


def read_table(args: argparse.Namespace) -> tabular.Table:
    """--data's file with its --label column; TableError names the option and the problem."""
    if (args.data is None) != (args.label is None):
        raise tabular.TableError("--data and --label go together" if args.data is None else "--data needs --label COLUMN")
    given = [f"--{field}" for field in FROM_FILE if getattr(args, field) is not None]
    if given:
        raise tabular.TableError(f"{given[0]}: not with --data, whose file sets it")
    path = Path(args.data)
    try:
        if path.stat().st_size > tabular.MAX_BYTES:  # before reading a huge file into memory
            raise tabular.TableError(f"--data: {args.data}: {path.stat().st_size:,} bytes; at most 5 MB")
        with path.open("rb") as file:  # a device or pipe has no size: read one byte past the cap, never more
            raw = file.read(tabular.MAX_BYTES + 1)
    except OSError as err:
        raise tabular.TableError(f"--data: cannot read {args.data!r}: {err.strerror}") from None
    try:
        return tabular.parse(raw, args.label, path.name)
    except tabular.TableError as err:
        raise tabular.TableError(f"--data: {args.data}: {err}") from None


def run(config: RunConfig, command: str, data: Dataset | None = None) -> pd.DataFrame:
    """Train to the end (on `data`, a --data file's, if given); the history (train) or the per-sample table (grads)."""
    race = Race(config, data)
    race.advance(config.epochs)
    if command == "train":
        return pd.DataFrame(race.history, columns=RECORD_COLUMNS)
    from core.grads import sample_table

    return sample_table(race)


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    if args.command == "check":
        return check_cli.run(args)
    torch.set_num_threads(TORCH_THREADS)  # as the app and its worker: sums in the same order, so the very same numbers
    try:
        upload = read_table(args) if args.data is not None or args.label is not None else None
        config = config_from_args(args)
        config = config if upload is None else tabular.config_for(upload, config)
    except tabular.TableError as err:
        return _fail(str(err))
    except ConfigError as err:
        option = "--loss" if err.field == "losses" else f"--{err.field.replace('_', '-')}"
        return _fail(f"{option}: {str(err).split(': ', 1)[1]}")
    try:
        out = open(args.out, "w", newline="") if args.out is not None else None  # fail before training, not after
    except OSError as err:
        return _fail(f"--out: cannot write {args.out!r}: {err.strerror}")
    try:
        table = run(config, args.command, None if upload is None else tabular.for_config(upload, config))
    except KeyboardInterrupt:
        return _fail("interrupted") + 128
    try:
        if out is None:
            table.to_csv(sys.stdout, index=False)
            sys.stdout.flush()
        else:
            with out:
                table.to_csv(out, index=False)
    except BrokenPipeError:  # `| head`: the reader left; stay quiet
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0
    except OSError as err:  # opened, but the write failed (a full disk): one line, not a traceback
        if out is None:
            os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())  # the unwritten rest would fail again at exit
            return _fail(f"cannot write standard output: {err.strerror}")
        return _fail(f"--out: cannot write {args.out!r}: {err.strerror}")
    if out is not None:
        print(f"wrote {len(table)} rows to {args.out}", file=sys.stderr)
    return 0
