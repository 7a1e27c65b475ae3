"""Who is on the microblog: the accounts table and the follower graph.

The follower graph is a *fitness* model: every account has an attractiveness (its fitness),
and each follow picks whom to follow with probability proportional to fitness. KOLs and media
have a much higher fitness than ordinary users, and users' fitness itself is log-normal, so a
few accounts collect most followers (a heavy tail, as on real microblogs). On top of that, the
brand's own accounts get the follows that marketing gives them: fans who like tea and club
members follow the official account; staff follow the official account and the colleagues of
their team (teams of six); and some of the official account's followers also follow staff.

Inside the generator accounts are numbered from 0 (the *index*); ``account_id = index + 1``.
"""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
from scipy import sparse

from socialmarketing.data import parameters as P
from socialmarketing.data.frames import distinct

__all__ = ["FollowGraph", "build_accounts", "build_follows"]

_STAFF_NAMES = (
    "Lily", "Chen", "Max", "Yuki", "Hao", "Mia", "Jun", "Ivy", "Leo", "Ning", "Amy", "Bo",
    "Coco", "Dan", "Fei", "Grace", "Hui", "Jade", "Kai", "Lin",
)  # fmt: skip
_KOL_WORDS = (
    ("Sunny", "Little", "Happy", "Lazy", "Urban", "Sweet", "Wild", "Tiny", "Daily", "Cozy",
     "Jade", "Misty", "Lucky", "Quiet", "Bright", "Silver", "Spicy", "Rainy", "Brave", "Calm"),
    ("Panda", "Teacup", "Foodie", "Traveler", "Runner", "Bunny", "Chef", "Dreamer", "Gamer",
     "Stylist", "Baker", "Reader", "Hiker", "Cat", "Dancer", "Singer", "Maker", "Explorer",
     "Critic", "Taster"),
)  # fmt: skip
_MEDIA_WORDS = ("FoodNews", "CityLife", "Daily", "Weekly", "Eats", "Trends", "Lifestyle", "Buzz")
_DAY0 = dt.date(2010, 1, 1)
_LAST_JOIN = dt.date(2026, 3, 1)


def _ranked_shares(count: int) -> np.ndarray:
    """Shares 1, 1/2, 1/3, ... normalised: the first city of a tier is the biggest."""
    weights = 1.0 / np.arange(1, count + 1)
    return weights / weights.sum()


def _pick_rows(rng: np.random.Generator, shares: np.ndarray) -> np.ndarray:
    """For each row of ``shares`` (rows sum to 1) pick a column index at random."""
    cumulative = np.cumsum(shares, axis=1)
    draws = rng.random(len(shares))[:, None] * cumulative[:, -1:]
    return np.minimum((draws > cumulative).sum(axis=1), shares.shape[1] - 1)


def _interest_tags(rng: np.random.Generator, size: int, tea_lover: np.ndarray) -> np.ndarray:
    """Return ';'-separated interest tags (1 to 3 each), 'tea' first when a tea lover."""
    weights = np.array([0.0, 12, 8, 7, 9, 8, 7, 8, 6, 6, 5, 4, 5, 5, 4, 3], dtype=float)
    # Gumbel trick: adding Gumbel noise to log-weights and taking the top k draws k tags
    # without replacement with probabilities proportional to the weights.
    keys = np.log(np.where(weights > 0, weights, 1e-300)) + rng.gumbel(size=(size, len(weights)))
    order = np.argsort(-keys, axis=1)
    how_many = rng.choice([1, 2, 3], size=size, p=[0.4, 0.4, 0.2])
    how_many = how_many - tea_lover  # a tea lover has 'tea' plus 0 to 2 others
    masks = np.zeros(size, dtype=np.int64)
    for rank in range(3):
        chosen = rank < how_many
        masks[chosen] |= np.int64(1) << order[chosen, rank]
    masks[tea_lover.astype(bool)] |= 1  # bit 0 is 'tea'
    unique_masks, inverse = np.unique(masks, return_inverse=True)
    texts = np.array(
        [";".join(t for i, t in enumerate(P.INTERESTS) if m >> i & 1) for m in unique_masks],
        dtype=object,
    )
    return texts[inverse]


def build_accounts(rng: np.random.Generator, scale: P.Scale) -> pd.DataFrame:
    """Return the accounts table without ``followers``/``following`` (filled in later).

    Account 1 is the official account; then come staff, KOLs, media and ordinary users.
    """
    n = scale.accounts
    counts = {"official": 1, "staff": scale.staff, "kol": scale.kols, "media": scale.media}
    counts["user"] = n - sum(counts.values())
    kind = np.repeat(np.arange(len(P.ACCOUNT_KINDS)), [counts[k] for k in P.ACCOUNT_KINDS])
    is_user = kind == 4

    # City: users follow the tier shares; KOLs and media live mostly in big cities;
    # the brand's staff work in Shanghai (head office) or nearby.
    city_names = np.array(list(P.CITIES))
    city_tiers = np.array(list(P.CITIES.values()))
    tier_shares = np.select(
        [(kind == 2)[:, None], (kind == 3)[:, None]],
        [np.array([0.5, 0.3, 0.15, 0.05])[None, :], np.array([0.4, 0.4, 0.15, 0.05])[None, :]],
        np.array(P.CITY_TIER_SHARES)[None, :],
    )
    tier = 1 + _pick_rows(rng, np.broadcast_to(tier_shares, (n, 4)))
    city = np.empty(n, dtype=np.int64)
    for t in range(1, 5):
        in_tier = np.flatnonzero(city_tiers == t)
        rows = tier == t
        city[rows] = rng.choice(in_tier, size=rows.sum(), p=_ranked_shares(len(in_tier)))
    shanghai = int(np.flatnonzero(city_names == "Shanghai")[0])
    near = np.flatnonzero(np.isin(city_names, ["Hangzhou", "Suzhou"]))
    brand = kind <= 1
    city[brand] = np.where(rng.random(brand.sum()) < 0.7, shanghai, rng.choice(near, brand.sum()))
    city[0] = shanghai
    tier = city_tiers[city]

    age = rng.choice(len(P.AGE_BANDS), size=n, p=P.AGE_BAND_SHARES)
    income_by_tier = np.array(
        [
            [0.15, 0.35, 0.32, 0.18],
            [0.25, 0.40, 0.25, 0.10],
            [0.35, 0.40, 0.18, 0.07],
            [0.50, 0.35, 0.12, 0.03],
        ]
    )
    income = _pick_rows(rng, income_by_tier[tier - 1])
    ios_share = np.array([0.45, 0.35, 0.28, 0.22])[tier - 1]
    platform_shares = np.column_stack([0.9 - ios_share, ios_share, np.full(n, 0.1)])
    platform = _pick_rows(rng, platform_shares)

    tea_lover = ((rng.random(n) < 0.15) | brand).astype(np.int64)
    interests = _interest_tags(rng, n, tea_lover)

    # Join day: most accounts joined in the microblog's boom years, none after the season start.
    span = (_LAST_JOIN - _DAY0).days
    join_day = np.round(rng.triangular(0, 0.3, 1, size=n) * span).astype(np.int64)
    join_day[0] = (dt.date(2011, 8, 8) - _DAY0).days
    join_date = np.datetime64(_DAY0, "D") + join_day.astype("timedelta64[D]")

    club = is_user & (rng.random(n) < 0.03 + 0.09 * tea_lover)

    # The official account speaks for the brand: its profile describes the brand's audience.
    age[0] = P.AGE_BANDS.index("25-34")
    income[0] = P.INCOME_BANDS.index("10k_20k")
    platform[0] = P.PLATFORMS.index("web")
    interests[0] = "tea;food;health"

    handle = np.full(n, None, dtype=object)
    handle[0] = "MoonbrewTea"
    first = 1
    for i in range(scale.staff):
        suffix = "" if i < len(_STAFF_NAMES) else str(i // len(_STAFF_NAMES) + 1)
        handle[first + i] = f"Moonbrew_{_STAFF_NAMES[i % len(_STAFF_NAMES)]}{suffix}"
    first += scale.staff
    adjectives, nouns = _KOL_WORDS
    for i in range(scale.kols):
        rounds = i // (len(adjectives) * len(nouns))
        adjective = adjectives[i % len(adjectives)]
        noun = nouns[(i // len(adjectives)) % len(nouns)]
        handle[first + i] = f"{adjective}{noun}{rounds + 1 if rounds else ''}"
    first += scale.kols
    for i in range(scale.media):
        word = _MEDIA_WORDS[i % len(_MEDIA_WORDS)]
        handle[first + i] = f"{city_names[city[first + i]].replace(chr(39), '')}{word}{i + 1}"

    return pd.DataFrame(
        {
            "account_id": np.arange(1, n + 1, dtype=np.int64),
            "kind": np.array(P.ACCOUNT_KINDS)[kind],
            "handle": handle,
            "city": city_names[city],
            "city_tier": tier.astype(np.int64),
            "age_band": np.array(P.AGE_BANDS)[age],
            "income_band": np.array(P.INCOME_BANDS)[income],
            "platform": np.array(P.PLATFORMS)[platform],
            "interests": interests,
            "followers": np.zeros(n, dtype=np.int64),
            "following": np.zeros(n, dtype=np.int64),
            "join_date": join_date,
            "club_member": club,
        }
    )


class FollowGraph:
    """The follower graph in the two forms the generator needs.

    ``matrix`` is a scipy CSR matrix with ``matrix[i, j] = 1`` when account index ``j`` follows
    account index ``i``: row ``i`` lists the followers of ``i``, the accounts that see what ``i``
    posts (the convention of :mod:`socialmarketing.viral`). ``followers`` and ``following``
    count each account's followers and followees.
    """

    def __init__(self, follower: np.ndarray, followee: np.ndarray, n: int) -> None:
        ones = np.ones(len(follower), dtype=np.int8)
        self.matrix = sparse.csr_matrix((ones, (followee, follower)), shape=(n, n))
        self.matrix.sort_indices()
        self.followers = np.diff(self.matrix.indptr).astype(np.int64)
        self.following = np.bincount(follower, minlength=n).astype(np.int64)

    def random_followers(
        self, rng: np.random.Generator, accounts: np.ndarray, counts: np.ndarray
    ) -> tuple[np.ndarray, np.ndarray]:
        """Draw ``counts[i]`` followers (with replacement) of each ``accounts[i]``.

        Returns ``(row, follower)``: for every draw, the position ``i`` it belongs to and the
        follower's index. Accounts without followers get no draws.
        """
        counts = np.where(self.followers[accounts] > 0, counts, 0)
        row = np.repeat(np.arange(len(accounts)), counts)
        owner = accounts[row]
        offset = (rng.random(len(row)) * self.followers[owner]).astype(np.int64)
        return row, self.matrix.indices[self.matrix.indptr[owner] + offset].astype(np.int64)


def build_follows(rng: np.random.Generator, accounts: pd.DataFrame) -> FollowGraph:
    """Return the follower graph of ``accounts`` (see the module docstring for the model)."""
    n = len(accounts)
    kind = accounts["kind"].to_numpy()
    is_user = kind == "user"
    tea = accounts["interests"].str.startswith("tea").to_numpy()
    club = accounts["club_member"].to_numpy()
    staff = np.flatnonzero(kind == "staff")

    # 1. Follows driven by fitness (attractiveness).
    fitness = np.zeros(n)
    fitness[is_user] = rng.lognormal(0.0, 1.1, size=is_user.sum())
    for name, median, spread in (("kol", 300.0, 0.9), ("media", 120.0, 0.7)):
        rows = kind == name
        fitness[rows] = rng.lognormal(np.log(median), spread, size=rows.sum())
    out_degree = np.zeros(n, dtype=np.int64)  # the official account follows no one
    out_degree[is_user] = np.maximum(1, np.round(rng.lognormal(np.log(4.0), 0.9, is_user.sum())))
    for name, mean in (("staff", 60), ("kol", 8), ("media", 10)):
        rows = kind == name
        out_degree[rows] = rng.poisson(mean, size=rows.sum())
    follower = np.repeat(np.arange(n), out_degree)
    followee = rng.choice(n, size=len(follower), p=fitness / fitness.sum())

    # 2. Follows the brand earns: fans of the official account, and of its staff.
    follow_official = np.select(
        [club, is_user & tea, is_user, kind == "media", kind == "kol", kind == "staff"],
        [0.95, 0.30, 0.08, 0.30, 0.05, 1.0],
        0.0,
    )
    official_fans = np.flatnonzero(rng.random(n) < follow_official)
    staff_per_fan = rng.binomial(len(staff), 0.03, size=len(official_fans))
    staff_fans = np.repeat(official_fans, staff_per_fan)
    staff_followed = staff[rng.integers(0, len(staff), size=len(staff_fans))]
    # Staff follow the colleagues of their team (teams of six).
    colleagues = np.array(np.meshgrid(staff, staff)).reshape(2, -1)
    colleagues = colleagues[:, (colleagues[0] - 1) // 6 == (colleagues[1] - 1) // 6]

    follower = np.concatenate([follower, official_fans, staff_fans, colleagues[0]])
    followee = np.concatenate(
        [followee, np.zeros(len(official_fans), dtype=np.int64), staff_followed, colleagues[1]]
    )
    keep = follower != followee
    pairs = distinct(follower[keep].astype(np.int64) * n + followee[keep])
    return FollowGraph(pairs // n, pairs % n, n)
