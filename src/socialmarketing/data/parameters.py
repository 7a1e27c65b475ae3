"""The numbers behind the Moonbrew Tea story: every model parameter of the sample data in one place.

The generator reads its parameters from here and the data sheet (``data/README.md``) prints them
from here too, so what the data sheet says is always what the generator did. Exercises ask
students to recover several of these numbers from the data (the repost probability per post
type, the weekly retention per group, the funnel step rates, the weekly growth of the paid
search cost per click).

Units: money in yuan, probabilities as shares between 0 and 1, times in seconds, minutes,
hours or days as the name says, weeks numbered 1 to 12.
"""

from __future__ import annotations

import datetime as dt

__all__ = [
    "ACCOUNT_KINDS",
    "AGE_BANDS",
    "AGE_BAND_SHARES",
    "CAMPAIGNS",
    "CASE_COST",
    "CASE_PRICE",
    "CHANNELS",
    "CHANNEL_COST_KIND",
    "CITIES",
    "CITY_TIER_SHARES",
    "CLICK_RATE",
    "CLUB_EMAIL_SHARE",
    "COMMENT_RATE",
    "CONVERSION_LOGIT",
    "DEFAULT_SEED",
    "DIRECT_SESSIONS_PER_DAY",
    "DISPLAY_CLICK_RATE",
    "DISPLAY_CPM",
    "DISPLAY_WEEKLY_BUDGET",
    "EMAIL_CLICK_RATE",
    "EMAIL_COST_PER_SEND",
    "EMAIL_LIST_SHARE",
    "EVENT_CITIES",
    "EVENT_COST",
    "EVENT_PRICE",
    "FUNNEL_RATES",
    "FUNNEL_STAGE_GAP_HOURS",
    "INCOME_BANDS",
    "INTERESTS",
    "KOL_BASE_FEE",
    "KOL_FEE_PER_FOLLOWER",
    "LIKE_RATE",
    "LINK_TARGETS",
    "LINK_TARGET_SHARES",
    "MAY_DAY_DISCOUNT",
    "OFFICIAL_POST_COST",
    "PAID_SEARCH_CPC_GROWTH",
    "PAID_SEARCH_START_CPC",
    "PAID_SEARCH_WEEKLY_BUDGET",
    "PLATFORMS",
    "POST_TYPES",
    "REPOST_PROBABILITY",
    "RETENTION",
    "SCALES",
    "SEASON_END",
    "SEASON_START",
    "SEASON_WEEKS",
    "SESSION_SOURCES",
    "STAFF_POST_COST",
    "SYNERGY_LOGIT",
    "Scale",
    "scale_for",
]

DEFAULT_SEED = 20260302
"""The seed of the committed data set (the season's first day, 2 March 2026, as a number)."""

SEASON_START = dt.datetime(2026, 3, 2, 0, 0, 0)
"""Monday 2 March 2026, 00:00 Beijing time (Asia/Shanghai): the first second of week 1."""

SEASON_WEEKS = 12
"""The season lasts 12 weeks, Monday 2026-03-02 to Sunday 2026-05-24."""

SEASON_END = SEASON_START + dt.timedelta(weeks=SEASON_WEEKS, seconds=-1)
"""Sunday 24 May 2026, 23:59:59: the last second of week 12. Nothing in the data is later."""


class Scale:
    """How big one generated data set is.

    ``accounts`` is the number of microblog accounts; every other count follows from it.
    ``money`` multiplies every budget and cost, so that return on spend is about the same at
    every scale (1.0 for the committed ``course`` scale).
    """

    def __init__(self, name: str, accounts: int) -> None:
        self.name = name
        self.accounts = accounts
        self.money = accounts / 20_000
        self.staff = min(40, max(4, round(12 * self.money)))
        self.kols = max(10, round(0.005 * accounts))
        self.media = max(4, round(0.002 * accounts))
        self.hired_kols = max(3, round(0.25 * self.kols))
        self.event_visitors = max(20, round(250 * self.money))

    def __repr__(self) -> str:
        return f"Scale({self.name!r}, accounts={self.accounts})"


SCALES: dict[str, Scale] = {
    "small": Scale("small", 2_000),
    "course": Scale("course", 20_000),
    "large": Scale("large", 1_000_000),
}
"""small: tests and quick demos; course: the committed data set; large: generated on demand."""


def scale_for(name: str) -> Scale:
    """Return the :class:`Scale` called ``name`` (one of ``small``, ``course``, ``large``)."""
    from socialmarketing.validation import check_choice

    return SCALES[check_choice("scale", name, SCALES)]


# --- Accounts --------------------------------------------------------------------------------

ACCOUNT_KINDS = ("official", "staff", "kol", "media", "user")
"""official: the brand's own account (account_id 1); staff: employees posting as themselves;
kol: key opinion leaders (influencers); media: news and lifestyle outlets; user: everyone else."""

CITIES: dict[str, int] = {
    # tier 1
    "Beijing": 1,
    "Shanghai": 1,
    "Guangzhou": 1,
    "Shenzhen": 1,
    # tier 2
    "Chengdu": 2,
    "Hangzhou": 2,
    "Chongqing": 2,
    "Wuhan": 2,
    "Xi'an": 2,
    "Suzhou": 2,
    "Nanjing": 2,
    "Tianjin": 2,
    "Changsha": 2,
    "Zhengzhou": 2,
    "Qingdao": 2,
    "Xiamen": 2,
    # tier 3
    "Kunming": 3,
    "Hefei": 3,
    "Fuzhou": 3,
    "Jinan": 3,
    "Dalian": 3,
    "Ningbo": 3,
    "Wuxi": 3,
    "Shenyang": 3,
    "Nanning": 3,
    "Guiyang": 3,
    "Nanchang": 3,
    "Taiyuan": 3,
    # tier 4
    "Luoyang": 4,
    "Yangzhou": 4,
    "Guilin": 4,
    "Ganzhou": 4,
    "Yichang": 4,
    "Mianyang": 4,
    "Baoding": 4,
    "Zhanjiang": 4,
    "Jiujiang": 4,
    "Liuzhou": 4,
}
"""City -> tier, a simplified four-tier grouping (tier 1 = Beijing, Shanghai, Guangzhou and
Shenzhen)."""

CITY_TIER_SHARES = (0.22, 0.33, 0.25, 0.20)
"""Share of ordinary users living in a tier 1, 2, 3 and 4 city."""

EVENT_CITIES = ("Shanghai", "Suzhou", "Hangzhou")
"""Visitors of the Shanghai pop-up (week 8) come from these cities."""

AGE_BANDS = ("18-24", "25-34", "35-44", "45-54", "55+")
AGE_BAND_SHARES = (0.28, 0.36, 0.20, 0.10, 0.06)

INCOME_BANDS = ("under_5k", "5k_10k", "10k_20k", "20k_plus")
"""Monthly personal income in yuan: under 5,000; 5,000-10,000; 10,000-20,000; 20,000 or more."""

PLATFORMS = ("android", "ios", "web")
"""The device an account mostly uses the microblog on."""

INTERESTS = (
    "tea",
    "food",
    "health",
    "fitness",
    "travel",
    "fashion",
    "beauty",
    "music",
    "gaming",
    "tech",
    "study",
    "parenting",
    "pets",
    "sports",
    "anime",
    "finance",
)

# --- Posts and their spread ------------------------------------------------------------------

POST_TYPES = ("promotion", "discussion", "club_event", "news", "giveaway")
LINK_TARGETS = ("web", "video", "article", "print_code", "none")
"""web: the Moonbrew online shop; video: a video; article: a long article; print_code: a code
printed on the bottle label or in a magazine advert; none: the post has no link."""

LINK_TARGET_SHARES: dict[str, tuple[float, float, float, float, float]] = {
    # web, video, article, print_code, none
    "promotion": (0.55, 0.20, 0.05, 0.05, 0.15),
    "discussion": (0.05, 0.15, 0.15, 0.00, 0.65),
    "club_event": (0.45, 0.05, 0.10, 0.05, 0.35),
    "news": (0.15, 0.10, 0.45, 0.15, 0.15),
    "giveaway": (0.20, 0.00, 0.00, 0.15, 0.65),
}
"""Share of each post type's posts linking to each target."""

REPOST_PROBABILITY: dict[str, float] = {
    "promotion": 0.015,
    "discussion": 0.02,
    "club_event": 0.03,
    "news": 0.025,
    "giveaway": 0.06,
}
"""Independent-cascade probability that a follower who sees a post (or a repost of it) reposts
it. Giveaways ask people to repost, so they spread most; plain promotion spreads least."""

LIKE_RATE: dict[str, float] = {
    "promotion": 0.015,
    "discussion": 0.025,
    "club_event": 0.03,
    "news": 0.012,
    "giveaway": 0.04,
}
"""Probability that a follower who sees a post (or a repost of it) likes it."""

COMMENT_RATE: dict[str, float] = {
    "promotion": 0.003,
    "discussion": 0.008,
    "club_event": 0.006,
    "news": 0.004,
    "giveaway": 0.012,
}
"""Probability that a follower who sees a post (or a repost of it) comments on it."""

CLICK_RATE: dict[str, float] = {
    "web": 0.012,
    "video": 0.02,
    "article": 0.01,
    "print_code": 0.006,
}
"""Probability that a follower who sees a post with a link clicks the link, per link target."""

# --- Channels, spend and sales ---------------------------------------------------------------

CHANNELS = (
    "paid_search",
    "display",
    "email",
    "microblog_official",
    "microblog_staff",
    "kol",
    "offline_event",
)
"""The marketing channels of the touchpoints, orders and channel_spend tables."""

SESSION_SOURCES = (*(c for c in CHANNELS if c != "offline_event"), "microblog_other", "direct")
"""Where a web session came from: an online channel, a link in a post by a media or user
account (microblog_other), or typing the address / opening the app (direct)."""

CHANNEL_COST_KIND: dict[str, str] = {
    "paid_search": "cost_per_click",
    "display": "cost_per_mille",
    "email": "per_email_sent",
    "microblog_official": "content_production",
    "microblog_staff": "staff_time",
    "kol": "kol_fee",
    "offline_event": "event_costs",
}
"""What the money of each channel pays for."""

PAID_SEARCH_START_CPC = 1.60
"""Paid search cost per click in week 1, yuan."""
PAID_SEARCH_CPC_GROWTH = 0.03
"""Paid search cost per click grows by 3 % a week: CPC in week w = 1.60 x 1.03^(w-1) yuan."""
PAID_SEARCH_WEEKLY_BUDGET = 900.0
"""Paid search budget per week, yuan (course scale); it buys fewer clicks as the CPC rises."""
DISPLAY_CPM = 20.0
"""Display advertising price per 1,000 impressions, yuan."""
DISPLAY_WEEKLY_BUDGET = 800.0
"""Display budget per week, yuan (course scale)."""
DISPLAY_CLICK_RATE = 0.005
"""Share of display impressions that are clicked."""
EMAIL_COST_PER_SEND = 0.03
"""Cost of sending one e-mail, yuan."""
EMAIL_CLICK_RATE = 0.02
"""Share of e-mails sent whose link is clicked."""
EMAIL_LIST_SHARE = 0.05
"""Share of ordinary users on the newsletter list besides club members and customers."""
OFFICIAL_POST_COST = 80.0
"""Content production cost per official post, yuan (course scale)."""
STAFF_POST_COST = 25.0
"""Staff time per staff post, yuan (course scale)."""
KOL_BASE_FEE = 200.0
"""Fixed part of a KOL's fee per post, yuan (course scale)."""
KOL_FEE_PER_FOLLOWER = 0.3
"""Variable part of a KOL's fee per post, yuan per follower."""
EVENT_COST = 18_000.0
"""The pop-up's venue, staff and samples, yuan (course scale)."""
DIRECT_SESSIONS_PER_DAY = 40
"""Sessions per day that arrive directly without buying (course scale)."""

CASE_PRICE = 59.0
"""Price of one case of 12 bottles in the online shop, yuan."""
EVENT_PRICE = 49.0
"""Price of one case at the pop-up, yuan."""
CASE_COST = 33.5
"""Cost of one case (product, packing, shipping), yuan; margin = revenue - items x cost."""
MAY_DAY_DISCOUNT = 0.15
"""Discount on online orders during the May Day sale (weeks 9 and 10)."""

CONVERSION_LOGIT: dict[str, float] = {
    "intercept": -2.4,
    "paid_search": 0.5,
    "display": 0.1,
    "email": 0.5,
    "microblog_official": 0.6,
    "microblog_staff": 0.4,
    "kol": 0.6,
    "offline_event": 1.2,
    "club_member": 0.5,
}
"""Journey conversion model: log-odds of buying = intercept + the value of every channel the
journey touched at least once + club_member if the account is in the club (+ synergy below)."""

SYNERGY_LOGIT = 0.9
"""Extra log-odds when a journey touched both the official and a staff account: integrated
communication works better than either voice alone."""

RETENTION: dict[str, float] = {"club_member": 0.35, "other": 0.15}
"""Weekly probability that a customer who ordered this week orders again next week (geometric
retention: once a customer skips a week, they are gone for the season)."""

CLUB_EMAIL_SHARE: dict[str, float] = {"club_member": 0.6, "other": 0.3}
"""Share of repeat orders that come through an e-mail (the rest come direct)."""

# --- Funnels ---------------------------------------------------------------------------------

FUNNEL_RATES: dict[str, tuple[float, float, float, float]] = {
    "AIDMA": (0.30, 0.45, 0.60, 0.30),
    "AISAS": (0.35, 0.55, 0.35, 0.30),
}
"""Share of people at each funnel stage who reach the next stage (Attention -> Interest, ...)."""

FUNNEL_STAGE_GAP_HOURS: dict[str, float] = {"AIDMA": 36.0, "AISAS": 4.0}
"""Median hours between two stages: offline-era AIDMA is slow, online AISAS is fast."""

# --- Campaigns -------------------------------------------------------------------------------

CAMPAIGNS: tuple[tuple[int, str, dt.date, dt.date, str, float], ...] = (
    (
        1,
        "BrewYourMoon spring launch",
        dt.date(2026, 3, 2),
        dt.date(2026, 4, 12),
        "awareness",
        40_000,
    ),
    (2, "KOL taste test", dt.date(2026, 3, 16), dt.date(2026, 4, 12), "awareness", 20_000),
    (
        3,
        "Moonbrew Club spring perks",
        dt.date(2026, 3, 2),
        dt.date(2026, 5, 24),
        "retention",
        6_000,
    ),
    (4, "Shanghai tasting pop-up", dt.date(2026, 4, 13), dt.date(2026, 4, 26), "awareness", 20_000),
    (5, "May Day sale", dt.date(2026, 4, 27), dt.date(2026, 5, 10), "sales", 15_000),
)
"""campaign_id, name, first day, last day, goal, budget in yuan (course scale)."""
