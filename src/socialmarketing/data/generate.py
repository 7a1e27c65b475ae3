"""Generate the whole Moonbrew Tea data set and write it to a folder, safely and reproducibly.

``generate("data/")`` makes every table from one seed and writes the CSV files and the data
sheet. All randomness comes from ``numpy.random.default_rng(seed)``, split with ``spawn`` into
one child generator per table (in the fixed order of :data:`STREAMS`), so changing how one
table is made does not shift the random numbers of the others.

Writing is safe: everything is first written to a temporary folder next to the target and only
then moved into place, so a failure never leaves a half-written data set; and a folder that
holds files other than a previous data set is never overwritten.
"""

from __future__ import annotations

import multiprocessing as mp
import os
import shutil
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pandas as pd

from socialmarketing.data import parameters as P
from socialmarketing.data.campaigns import (
    build_campaigns,
    build_channel_spend,
    build_funnel_events,
)
from socialmarketing.data.commerce import build_journeys, build_orders, build_sessions
from socialmarketing.data.datasheet import render_data_sheet
from socialmarketing.data.engagement import (
    build_comments,
    build_likes,
    build_organic_clicks,
    build_posts,
    build_reposts,
    seen_by,
)
from socialmarketing.data.frames import sorted_by
from socialmarketing.data.people import build_accounts, build_follows
from socialmarketing.data.schema import TABLES
from socialmarketing.data.write import write_table
from socialmarketing.validation import check_choice, check_count

__all__ = ["DATA_SHEET_NAME", "STREAMS", "build_tables", "generate"]

DATA_SHEET_NAME = "README.md"

STREAMS = (
    "accounts",
    "follows",
    "posts",
    "reposts",
    "likes",
    "comments",
    "link_clicks",
    "journeys",
    "orders",
    "sessions",
    "funnel_events",
)
"""One child random generator per stream, in this order (add new streams at the end)."""

_STEPS = 12  # progress steps besides the cascades: 11 tables built, then writing


class _Progress:
    """A tqdm progress bar on standard error, or nothing when ``enabled`` is False."""

    def __init__(self, enabled: bool, total: int) -> None:
        self.bar = None
        self.what = ""
        if enabled:
            from tqdm import tqdm

            self.bar = tqdm(total=total, file=sys.stderr, unit="step", desc="data")

    def step(self, what: str, amount: int = 1, more_work: int = 0) -> None:
        """Report ``amount`` steps done on ``what``; ``more_work`` steps were just added."""
        if self.bar is not None:
            if more_work:
                self.bar.total += more_work
            if what != self.what:
                self.what = what
                self.bar.set_description(what, refresh=False)
            self.bar.update(amount)

    def close(self) -> None:
        if self.bar is not None:
            self.bar.close()


def build_tables(
    seed: int = P.DEFAULT_SEED,
    scale: str = "course",
    progress: Callable[..., None] | None = None,
) -> dict[str, pd.DataFrame]:
    """Make every table in memory and return them by name (times as seconds since the start).

    ``progress``, if given, is called as ``progress(what, steps_done, more_work=0)`` as the
    work goes on: one step per table, plus one per post's repost cascade (announced through
    ``more_work`` once the posts exist).
    """
    seed = check_count("seed", seed)
    size = P.scale_for(scale)
    report = progress or (lambda what, steps_done, more_work=0: None)
    rng = dict(zip(STREAMS, np.random.default_rng(seed).spawn(len(STREAMS)), strict=True))

    accounts = build_accounts(rng["accounts"], size)
    report("accounts", 1)
    graph = build_follows(rng["follows"], accounts)
    accounts["followers"] = graph.followers
    accounts["following"] = graph.following
    matrix = graph.matrix.tocoo()
    follows = pd.DataFrame({"follower_id": matrix.col + 1, "followee_id": matrix.row + 1})
    report("follows", 1)
    posts = build_posts(rng["posts"], accounts, size)
    report("posts", 1, more_work=len(posts))
    reposts = build_reposts(rng["reposts"], posts, graph, lambda n: report("reposts", n))
    shown = seen_by(posts, reposts)
    likes = build_likes(rng["likes"], posts, shown, graph)
    report("likes", 1)
    comments = build_comments(rng["comments"], posts, shown, graph, accounts)
    report("comments", 1)
    organic_clicks = build_organic_clicks(rng["link_clicks"], posts, shown, graph)
    report("link_clicks", 1)
    journeys = build_journeys(rng["journeys"], accounts, graph, size)
    report("journeys", 1)
    orders, touchpoints, buying_clicks = build_orders(rng["orders"], journeys, accounts, posts)
    report("orders", 1)

    organic_clicks["order_id"] = -1
    clicks = pd.concat([organic_clicks, buying_clicks], ignore_index=True)
    clicks = sorted_by(clicks, ["clicked_at", "post_id", "account_id"])
    clicks.insert(0, "click_id", np.arange(1, len(clicks) + 1, dtype=np.int64))
    sessions, orders, paid_plan = build_sessions(
        rng["sessions"], orders, clicks, posts, accounts, size
    )
    report("sessions", 1)
    link_clicks = clicks.drop(columns="order_id")
    funnel_events = build_funnel_events(rng["funnel_events"], accounts)
    report("funnel_events", 1)
    channel_spend = build_channel_spend(
        accounts, graph, posts, reposts, link_clicks, sessions, orders, touchpoints, paid_plan, size
    )
    report("channel_spend", 1)
    tables = {
        "campaigns": build_campaigns(size),
        "accounts": accounts,
        "follows": follows,
        "posts": posts,
        "reposts": reposts,
        "comments": comments,
        "likes": likes,
        "link_clicks": link_clicks,
        "sessions": sessions,
        "orders": orders,
        "touchpoints": touchpoints,
        "channel_spend": channel_spend,
        "funnel_events": funnel_events,
    }
    return {name: tables[name] for name in TABLES}


_PARALLEL_CELLS = 5_000_000  # write with two processes when the tables hold more values
_pending: dict[str, pd.DataFrame] = {}  # the tables a forked writer process writes


def _write_some(names: list[str], folder: Path) -> None:
    for name in names:
        write_table(_pending[name], TABLES[name], folder / TABLES[name].file_name)


def _write_csv_files(tables: dict[str, pd.DataFrame], folder: Path) -> dict[str, int]:
    """Write every table's CSV file into ``folder`` and return the file sizes in bytes.

    A large data set is written by two processes at once (one forked child writes about half
    of the values) where the operating system can fork; otherwise one table after another.
    """
    cells = {name: frame.size for name, frame in tables.items()}
    if sum(cells.values()) < _PARALLEL_CELLS or "fork" not in mp.get_all_start_methods():
        _pending.update(tables)
        try:
            _write_some(list(tables), folder)
        finally:
            _pending.clear()
    else:
        halves: tuple[list[str], list[str]] = ([], [])
        load = [0, 0]
        for name in sorted(cells, key=lambda n: -cells[n]):
            lighter = 0 if load[0] <= load[1] else 1
            halves[lighter].append(name)
            load[lighter] += cells[name]
        _pending.update(tables)
        try:
            child = mp.get_context("fork").Process(target=_write_some, args=(halves[1], folder))
            child.start()
            try:
                _write_some(halves[0], folder)
            finally:
                child.join()
        finally:
            _pending.clear()
        if child.exitcode != 0:
            raise RuntimeError(f"writing {', '.join(halves[1])} failed in a helper process")
    return {name: (folder / TABLES[name].file_name).stat().st_size for name in tables}


def _data_set_files() -> set[str]:
    return {table.file_name for table in TABLES.values()} | {DATA_SHEET_NAME}


def _check_target(out_dir: Path) -> None:
    """Refuse a target that is a file, or a folder holding anything but a previous data set."""
    if out_dir.exists() and not out_dir.is_dir():
        raise ValueError(f"{str(out_dir)!r} is a file, not a folder; choose a folder for the data")
    if out_dir.is_dir():
        unrelated = sorted(p.name for p in out_dir.iterdir() if p.name not in _data_set_files())
        if unrelated:
            shown = ", ".join(unrelated[:5]) + (", ..." if len(unrelated) > 5 else "")
            raise ValueError(
                f"refusing to write the data set into {str(out_dir)!r}: it holds files that are "
                f"not part of the data set ({shown}); choose an empty or new folder"
            )


def generate(
    out_dir: str | Path,
    seed: int = P.DEFAULT_SEED,
    scale: str = "course",
    progress: bool = False,
) -> dict[str, Path]:
    """Generate the sample data set into ``out_dir`` and return the path of every file.

    ``seed`` (a whole number, default 20260302) fixes every random choice: the same seed and
    scale give the same files, byte for byte. ``scale`` is ``"small"`` (about 2,000 accounts),
    ``"course"`` (20,000, the committed data set) or ``"large"`` (1,000,000). ``progress``
    shows a progress bar on standard error. The returned dict maps each table name (and
    ``"README"`` for the data sheet) to its file.
    """
    seed = check_count("seed", seed)
    check_choice("scale", scale, P.SCALES)
    out_dir = Path(out_dir)
    _check_target(out_dir)
    size = P.scale_for(scale)
    bar = _Progress(progress, total=_STEPS)
    try:
        tables = build_tables(seed, scale, bar.step)
        parent = out_dir.resolve().parent
        parent.mkdir(parents=True, exist_ok=True)
        staging = Path(tempfile.mkdtemp(prefix=".moonbrew-data-", dir=parent))
        staging.chmod(0o755)
        try:
            sizes = _write_csv_files(tables, staging)
            counts = {name: len(frame) for name, frame in tables.items()}
            sheet = render_data_sheet(seed, size, counts, sizes).rstrip("\n") + "\n"
            (staging / DATA_SHEET_NAME).write_bytes(sheet.encode("utf-8"))
            bar.step("write", 1)
            _check_target(out_dir)  # nothing unrelated appeared meanwhile
            if not out_dir.exists():
                os.replace(staging, out_dir)
            else:
                for path in sorted(staging.iterdir()):
                    os.replace(path, out_dir / path.name)
        finally:
            shutil.rmtree(staging, ignore_errors=True)
    finally:
        bar.close()
    paths = {name: out_dir / table.file_name for name, table in TABLES.items()}
    paths["README"] = out_dir / DATA_SHEET_NAME
    return paths
