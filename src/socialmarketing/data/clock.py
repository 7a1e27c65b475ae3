"""The season's clock: times as whole seconds since the season started, and random delays.

Inside the generator every time is a whole number of seconds since Monday 2026-03-02 00:00:00
(Beijing time); only the writer turns them into ``YYYY-MM-DD HH:MM:SS`` text. Whole seconds
make the data set reproducible to the byte.
"""

from __future__ import annotations

import numpy as np

from socialmarketing.data.parameters import SEASON_START, SEASON_WEEKS

__all__ = [
    "DAY",
    "HOUR",
    "MINUTE",
    "SEASON_DAYS",
    "SEASON_SECONDS",
    "WEEK",
    "random_delays",
    "random_times_of_day",
    "to_datetime64",
    "week_of",
]

MINUTE = 60
HOUR = 3_600
DAY = 86_400
WEEK = 7 * DAY
SEASON_DAYS = 7 * SEASON_WEEKS
SEASON_SECONDS = SEASON_WEEKS * WEEK
"""Seconds in the season; a time ``t`` is in the season when ``0 <= t < SEASON_SECONDS``."""

_START = np.datetime64(SEASON_START, "s")

# Share of microblog activity in each hour of the day (0-23): quiet at night, a lunch peak and
# a larger evening peak, as on Chinese microblogs.
_HOURLY_ACTIVITY = np.array(
    [2, 1, 0.5, 0.3, 0.3, 0.5, 1.5, 3, 4.5, 5, 5, 5.5, 7, 6, 5, 4.5, 4.5, 5, 5.5, 7, 8, 8, 6.5, 4]
)
_HOURLY_ACTIVITY = _HOURLY_ACTIVITY / _HOURLY_ACTIVITY.sum()


def random_times_of_day(rng: np.random.Generator, size: int) -> np.ndarray:
    """Return ``size`` random times of day in seconds (0 to 86,399), busy at lunch and evening."""
    hours = rng.choice(24, size=size, p=_HOURLY_ACTIVITY)
    return hours * HOUR + rng.integers(0, HOUR, size=size)


def random_delays(
    rng: np.random.Generator, median_seconds: float, spread: float, size: int
) -> np.ndarray:
    """Return ``size`` random waiting times in whole seconds (at least 1 second).

    The waits are log-normal: half are shorter than ``median_seconds``; ``spread`` is the
    standard deviation of their logarithm (1 means many waits 3x shorter or longer).
    """
    waits = rng.lognormal(np.log(median_seconds), spread, size=size)
    return np.maximum(1, np.round(waits)).astype(np.int64)


def week_of(seconds: np.ndarray) -> np.ndarray:
    """Return the week of the season (1 to 12) of each time given in seconds since the start."""
    return np.asarray(seconds, dtype=np.int64) // WEEK + 1


def to_datetime64(seconds: np.ndarray) -> np.ndarray:
    """Turn seconds since the season start into ``datetime64[s]`` (Beijing time, no offset)."""
    return _START + np.asarray(seconds, dtype=np.int64).astype("timedelta64[s]")
