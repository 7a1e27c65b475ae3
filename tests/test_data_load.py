"""Tests of the sample data loader (socialmarketing.data.load): types, data folder, schema checks.

The loader reads the committed data/ folder; every corrupted file is a copy written to a
temporary folder, so the committed data is never touched.
"""

from __future__ import annotations

import csv
import importlib
import io
import shutil
import tempfile
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from socialmarketing.data import TABLES, load, load_all

load_module = importlib.import_module("socialmarketing.data.load")


@pytest.fixture(scope="module")
def committed(repo: Path) -> Path:
    return repo / "data"


@pytest.fixture
def copy(committed: Path, tmp_path: Path) -> Path:
    """A writable copy of the committed data folder."""
    target = tmp_path / "data"
    shutil.copytree(committed, target)
    return target


def edit_cell(path: Path, line: int, column: str, value: str) -> None:
    """Set ``column`` on file line ``line`` (the header is line 1) of a CSV file to ``value``."""
    rows = list(csv.reader(io.StringIO(path.read_text())))
    rows[line - 1][rows[0].index(column)] = value
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerows(rows)
    path.write_text(out.getvalue())


# --- Types ------------------------------------------------------------------------------------


def test_tables_come_typed(committed: Path) -> None:
    accounts = load("accounts", committed)
    assert accounts["account_id"].dtype == np.int64
    assert accounts["followers"].dtype == np.int64
    assert accounts["club_member"].dtype == bool
    tier = accounts["city_tier"]
    assert isinstance(tier.dtype, pd.CategoricalDtype) and tier.cat.ordered
    assert list(tier.cat.categories) == [1, 2, 3, 4]
    assert (accounts.loc[accounts["city"] == "Beijing", "city_tier"] == 1).all()
    assert accounts["kind"].cat.categories.tolist() == ["official", "staff", "kol", "media", "user"]
    assert accounts["income_band"].cat.ordered and not accounts["platform"].cat.ordered
    assert pd.api.types.is_datetime64_any_dtype(accounts["join_date"])

    posts = load("posts", committed)
    assert pd.api.types.is_datetime64_any_dtype(posts["posted_at"])
    assert posts["posted_at"].iloc[0] == pd.Timestamp(
        (committed / "posts.csv").read_text().splitlines()[1].split(",")[2]
    )
    assert posts["campaign_id"].dtype == "Int64" and posts["campaign_id"].isna().any()
    assert posts["has_link"].dtype == bool

    orders = load("orders", committed)
    assert orders["revenue"].dtype == np.float64 and orders["margin"].dtype == np.float64
    assert orders["is_first_order"].dtype == bool

    stages = load("funnel_events", committed)["stage"]
    assert stages.cat.ordered
    assert stages.cat.categories.get_loc("Attention") < stages.cat.categories.get_loc("Action")


def test_every_table_loads_with_its_schema_columns(committed: Path) -> None:
    tables = load_all(committed)
    assert list(tables) == list(TABLES)
    for name, frame in tables.items():
        assert list(frame.columns) == [c.name for c in TABLES[name].columns]
        assert len(frame) == len((committed / f"{name}.csv").read_text().splitlines()) - 1


def test_loaded_values_match_the_text_in_the_file(committed: Path) -> None:
    text = pd.read_csv(committed / "channel_spend.csv")
    loaded = load("channel_spend", committed)
    assert np.allclose(loaded["spend"], text["spend"])
    assert (loaded["channel"].astype(str) == text["channel"]).all()
    assert (loaded["week_start"].dt.strftime("%Y-%m-%d") == text["week_start"]).all()


# --- Finding the data: tests/test_data_location.py -------------------------------------


def test_unknown_table_lists_the_tables(committed: Path) -> None:
    with pytest.raises(ValueError, match=r"table must be one of .*'posts'.*got 'post'"):
        load("post", committed)


# --- Corrupted files --------------------------------------------------------------------------


def test_missing_file(copy: Path) -> None:
    (copy / "posts.csv").unlink()
    with pytest.raises(FileNotFoundError, match=r"posts\.csv is missing"):
        load("posts", copy)
    with pytest.raises(FileNotFoundError, match=r"posts\.csv is missing"):
        load("reposts", copy)  # its references point into posts.csv


def test_misspelled_column_gets_a_suggestion(copy: Path) -> None:
    path = copy / "posts.csv"
    path.write_text(path.read_text().replace("posted_at", "postd_at", 1))
    with pytest.raises(ValueError) as error:
        load("posts", copy)
    message = str(error.value)
    assert "posts.csv" in message
    assert "has no column 'posted_at'" in message
    assert "Did you mean 'postd_at'" in message


def test_misspelled_referenced_column_is_named_too(copy: Path) -> None:
    path = copy / "posts.csv"
    path.write_text(path.read_text().replace("post_id", "postid", 1))
    with pytest.raises(ValueError, match=r"posts\.csv has no column 'post_id'.*'postid'"):
        load("likes", copy)


def test_extra_column(copy: Path) -> None:
    path = copy / "campaigns.csv"
    lines = path.read_text().splitlines()
    path.write_text("\n".join([lines[0] + ",notes"] + [line + ",x" for line in lines[1:]]) + "\n")
    with pytest.raises(ValueError, match=r"campaigns\.csv has an unexpected column 'notes'"):
        load("campaigns", copy)


def test_text_in_a_number_column_names_the_value_and_line(copy: Path) -> None:
    edit_cell(copy / "posts.csv", 5, "text_length", "ten")
    with pytest.raises(ValueError) as error:
        load("posts", copy)
    message = str(error.value)
    for words in ("posts.csv", "'text_length'", "expected a number", "'ten'", "line 5"):
        assert words in message


def test_fraction_in_a_whole_number_column(copy: Path) -> None:
    edit_cell(copy / "orders.csv", 3, "items", "2.5")
    with pytest.raises(
        ValueError,
        match=r"orders\.csv, column 'items': expected a whole number, got '2\.5' on line 3",
    ):
        load("orders", copy)


def test_number_out_of_range(copy: Path) -> None:
    edit_cell(copy / "posts.csv", 2, "text_length", "141")
    with pytest.raises(
        ValueError, match=r"'text_length': values must be 140 or less, got '141' on line 2"
    ):
        load("posts", copy)


def test_missing_value_in_a_required_column(copy: Path) -> None:
    edit_cell(copy / "orders.csv", 4, "customer_id", "")
    with pytest.raises(
        ValueError, match=r"orders\.csv, column 'customer_id': a value is missing.*line 4"
    ):
        load("orders", copy)


def test_unknown_category_value(copy: Path) -> None:
    edit_cell(copy / "posts.csv", 7, "post_type", "promo")
    with pytest.raises(ValueError) as error:
        load("posts", copy)
    message = str(error.value)
    for words in (
        "posts.csv",
        "'post_type'",
        "unknown value",
        "promotion, discussion",
        "'promo'",
        "line 7",
    ):
        assert words in message


def test_unknown_city_tier(copy: Path) -> None:
    edit_cell(copy / "accounts.csv", 3, "city_tier", "5")
    with pytest.raises(
        ValueError, match=r"'city_tier': unknown value \(allowed: 1, 2, 3, 4\), got '5'"
    ):
        load("accounts", copy, check_references=False)


def test_unknown_interest_tag(copy: Path) -> None:
    edit_cell(copy / "accounts.csv", 9, "interests", "tea;knitting")
    with pytest.raises(ValueError, match=r"'interests': unknown tag.*'tea;knitting' on line 9"):
        load("accounts", copy)


def test_bad_yes_no_value(copy: Path) -> None:
    edit_cell(copy / "accounts.csv", 2, "club_member", "yes")
    with pytest.raises(
        ValueError, match=r"'club_member': expected True or False, got 'yes' on line 2"
    ):
        load("accounts", copy)


def test_bad_time(copy: Path) -> None:
    edit_cell(copy / "orders.csv", 6, "order_time", "2026-13-01 10:00:00")
    with pytest.raises(
        ValueError, match=r"'order_time': expected a datetime.*'2026-13-01 10:00:00' on line 6"
    ):
        load("orders", copy, check_references=False)


def test_duplicate_key(copy: Path) -> None:
    edit_cell(copy / "campaigns.csv", 3, "campaign_id", "1")
    with pytest.raises(
        ValueError, match=r"campaigns\.csv.*'campaign_id'.*campaign_id=1 appears twice.*line 3"
    ):
        load("campaigns", copy)


def test_broken_reference_to_another_table(copy: Path) -> None:
    edit_cell(copy / "reposts.csv", 4, "post_id", "999999")
    with pytest.raises(ValueError) as error:
        load("reposts", copy)
    message = str(error.value)
    for words in ("reposts.csv", "'post_id'", "999999", "line 4", "posts.csv", "broken reference"):
        assert words in message
    assert len(load("reposts", copy, check_references=False)) > 0  # the check can be skipped


def test_broken_reference_inside_a_table(copy: Path) -> None:
    edit_cell(copy / "comments.csv", 2, "reply_to_comment_id", "99999999")
    with pytest.raises(
        ValueError, match=r"comments\.csv, column 'reply_to_comment_id': value 99999999 on line 2"
    ):
        load("comments", copy)


def test_load_all_stops_at_the_first_broken_file(copy: Path) -> None:
    edit_cell(copy / "touchpoints.csv", 2, "channel", "tv")
    with pytest.raises(ValueError, match=r"touchpoints\.csv, column 'channel'.*'tv'"):
        load_all(copy)


@settings(max_examples=50, deadline=None)
@given(
    junk=st.text(alphabet="abcdefghijklmnopqrstuvwxyz!?# ", min_size=1, max_size=8).filter(
        lambda s: s.strip() != ""
    ),
    line=st.integers(min_value=2, max_value=200),
    column=st.sampled_from(["account_id", "text_length", "campaign_id"]),
)
def test_any_text_in_a_number_column_is_refused_with_its_line(
    committed, junk, line, column
) -> None:
    with tempfile.TemporaryDirectory() as folder:
        target = Path(folder)
        shutil.copy(committed / "posts.csv", target / "posts.csv")
        edit_cell(target / "posts.csv", line, column, junk)
        with pytest.raises(ValueError) as error:
            load("posts", target, check_references=False)
    message = str(error.value)
    assert f"posts.csv, column '{column}'" in message
    assert f"on line {line}" in message and repr(junk) in message


@settings(max_examples=50, deadline=None)
@given(rows=st.lists(st.integers(min_value=0, max_value=4), min_size=1, max_size=5, unique=True))
def test_valid_rows_load_without_missing_values_or_negative_counts(committed, rows) -> None:
    """Any subset of the campaigns loads cleanly (a student may filter a file by hand)."""
    lines = (committed / "campaigns.csv").read_text().splitlines()
    with tempfile.TemporaryDirectory() as folder:
        target = Path(folder)
        kept = [lines[0]] + [lines[1 + r] for r in sorted(rows)]
        (target / "campaigns.csv").write_text("\n".join(kept) + "\n")
        frame = load("campaigns", target)
    assert len(frame) == len(rows)
    assert not frame.isna().any().any()
    assert (frame["budget"] > 0).all() and (frame["end_date"] >= frame["start_date"]).all()
