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


# Each entry adds one verb. Later verbs (data, grade, feedback, report) register here.
VERBS = [_add_assets]


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
