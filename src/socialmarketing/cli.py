"""The ``socialmarketing`` command: one subcommand per verb.

Run ``socialmarketing --help`` for the list, and ``socialmarketing VERB --help`` for each verb.
Each verb lives in the module that owns the idea; this file only wires them to the command line
and turns a :class:`ValueError` or :class:`FileNotFoundError` into a one-line message and exit
status 2 instead of a traceback.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

from socialmarketing import __version__

DESCRIPTION = """\
Tools for the social media marketing course.

  socialmarketing assets --out DIR     write the site's offline chart and widget scripts
  socialmarketing data generate ...    regenerate the sample engagement data set

Every verb explains itself with --help."""


def _add_assets(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "assets",
        help="write the offline JavaScript the static site needs (Vega, require.js, widgets)",
        description=(
            "Write the scripts that let the published site show interactive Altair charts and "
            "ipywidgets without loading anything from third-party servers. The versions match "
            "the installed Altair exactly. The book build runs this for you."
        ),
    )
    parser.add_argument("--out", required=True, help="folder to write the scripts into")

    def run(args: argparse.Namespace) -> int:
        from socialmarketing.assets import write_site_assets

        for path in write_site_assets(args.out):
            print(path)
        return 0

    parser.set_defaults(run=run)


def _add_data(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "data",
        help="regenerate the Moonbrew Tea sample data set (CSV files and data sheet)",
        description=(
            "The course's sample data: one season of marketing by Moonbrew Tea, a fictional "
            "bottled-tea brand, on a microblog and traditional online channels. The data/ "
            "folder of the repository is exactly what `socialmarketing data generate --out "
            "data/` writes, byte for byte; data/README.md describes every table and column."
        ),
    )
    actions = parser.add_subparsers(title="actions", metavar="ACTION")
    generate = actions.add_parser(
        "generate",
        help="generate the data set into a folder",
        description=(
            "Generate every table of the sample data set from one seed and write the CSV\n"
            "files and the data sheet (README.md) into a folder. The same seed and scale\n"
            "always give the same files, byte for byte. The folder must be new, empty or\n"
            "hold a previous data set (nothing else is ever overwritten), and the files are\n"
            "only moved into place once all of them are written."
        ),
        epilog=(
            "examples:\n"
            "  socialmarketing data generate --out data/                 the committed data set\n"
            "  socialmarketing data generate --out /tmp/d --scale small  2,000 accounts, quick\n"
            "  socialmarketing data generate --out /tmp/d --seed 7       another season"
        ),
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    generate.add_argument(
        "--out", required=True, metavar="DIR", help="folder to write the data into"
    )
    generate.add_argument(
        "--seed",
        type=int,
        default=None,
        metavar="N",
        help="random seed, a whole number (default: 20260302, the committed data set's seed)",
    )
    generate.add_argument(
        "--scale",
        choices=["small", "course", "large"],
        default="course",
        help="small: about 2,000 accounts; course: 20,000 (the default, as committed); "
        "large: 1,000,000 (about a minute, a few hundred MB)",
    )

    def run_generate(args: argparse.Namespace) -> int:
        from socialmarketing.data import DEFAULT_SEED, generate

        seed = DEFAULT_SEED if args.seed is None else args.seed
        paths = generate(args.out, seed=seed, scale=args.scale, progress=sys.stderr.isatty())
        for path in paths.values():
            print(path)
        return 0

    def show_help(args: argparse.Namespace) -> int:
        parser.print_help()
        return 1

    generate.set_defaults(run=run_generate)
    parser.set_defaults(run=show_help)


# Each entry adds one verb. Later verbs (data, grade, feedback, report) register here.
VERBS = [_add_assets, _add_data]


def build_parser() -> argparse.ArgumentParser:
    """Return the argument parser with every verb registered."""
    parser = argparse.ArgumentParser(
        prog="socialmarketing",
        description=DESCRIPTION,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    subparsers = parser.add_subparsers(title="verbs", metavar="VERB")
    for add_verb in VERBS:
        add_verb(subparsers)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the ``socialmarketing`` console script; returns the exit status."""
    parser = build_parser()
    args = parser.parse_args(argv)
    if not hasattr(args, "run"):
        parser.print_help()
        return 1
    try:
        return int(args.run(args) or 0)
    except (ValueError, FileNotFoundError) as error:
        print(f"socialmarketing: error: {error}", file=sys.stderr)
        return 2


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
