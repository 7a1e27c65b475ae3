"""The schema of the sample data: every table, every column, its type, unit and allowed values.

This is the single source of truth for the data set. The writer uses it to order, format and
check the columns of each CSV file; the loader uses it to give every column the right type and
to reject a corrupted file with a clear message; the data sheet (``data/README.md``) prints its
column tables from it; and a test checks that the files and the data sheet agree with it.

Column kinds (how a value is written in the CSV file, and what the loader turns it into):

- ``int``: a whole number (``int64``; ``Int64`` if the column may be empty);
- ``float``: a number with ``decimals`` digits after the point (money: 2 decimals, in yuan);
- ``bool``: ``True`` or ``False``;
- ``category``: one of a fixed list of values (a pandas categorical, ordered when the order
  means something, like city tiers or funnel stages);
- ``tags``: several allowed values separated by ``;`` (kept as text);
- ``text``: free text;
- ``datetime``: ``YYYY-MM-DD HH:MM:SS`` in Beijing time (Asia/Shanghai), no offset;
- ``date``: ``YYYY-MM-DD``.
"""

from __future__ import annotations

from dataclasses import dataclass

from socialmarketing.data import parameters as P
from socialmarketing.funnel import AIDMA_STAGES, AISAS_STAGES

__all__ = [
    "COLUMN_KINDS",
    "FUNNEL_STAGES",
    "TABLES",
    "Column",
    "Table",
    "merge_stage_orders",
]

COLUMN_KINDS = ("int", "float", "bool", "category", "tags", "text", "datetime", "date")


@dataclass(frozen=True)
class Column:
    """One column of a table: its name, kind (see :data:`COLUMN_KINDS`) and meaning.

    ``references`` names the ``(table, column)`` whose values this column must come from
    (a foreign key); ``minimum``/``maximum`` bound whole numbers; ``nullable`` columns may be
    empty (written as an empty field).
    """

    name: str
    kind: str
    description: str
    unit: str = ""
    categories: tuple[str | int, ...] = ()
    ordered: bool = False
    nullable: bool = False
    references: tuple[str, str] | None = None
    minimum: int | None = None
    maximum: int | None = None
    decimals: int = 2

    def __post_init__(self) -> None:
        if self.kind not in COLUMN_KINDS:
            raise ValueError(f"column {self.name!r}: unknown kind {self.kind!r}")
        if self.kind in ("category", "tags") and not self.categories:
            raise ValueError(f"column {self.name!r}: a {self.kind} column needs its categories")

    def allowed_values(self) -> str:
        """Describe the values this column may hold, in words (for the data sheet)."""
        if self.kind in ("category", "tags"):
            joined = ", ".join(str(c) for c in self.categories)
            if self.kind == "tags":
                return f"one or more of: {joined} (separated by ;)"
            return f"{joined} (in this order)" if self.ordered else joined
        if self.kind == "bool":
            return "True, False"
        if self.kind == "datetime":
            return "YYYY-MM-DD HH:MM:SS"
        if self.kind == "date":
            return "YYYY-MM-DD"
        if self.kind == "int":
            low = "" if self.minimum is None else f"{self.minimum}"
            high = "" if self.maximum is None else f"{self.maximum}"
            if low and high:
                return f"{low} to {high}"
            if low:
                return f"{low} or more"
            return "whole numbers"
        if self.kind == "float":
            return f"numbers with {self.decimals} decimals"
        return "text"


@dataclass(frozen=True)
class Table:
    """One table of the data set, stored as ``<name>.csv``.

    ``key`` lists the columns that identify a row (no two rows share them); rows are sorted by
    ``key`` in the file.
    """

    name: str
    description: str
    columns: tuple[Column, ...]
    key: tuple[str, ...]

    @property
    def file_name(self) -> str:
        """The CSV file's name, e.g. ``posts.csv``."""
        return f"{self.name}.csv"

    @property
    def column_names(self) -> list[str]:
        """The column names in file order."""
        return [column.name for column in self.columns]

    def column(self, name: str) -> Column:
        """Return the column called ``name``."""
        for column in self.columns:
            if column.name == name:
                return column
        raise KeyError(f"{self.file_name} has no column {name!r}")


def merge_stage_orders(*funnels: tuple[str, ...]) -> tuple[str, ...]:
    """Merge the stage lists of several funnels into one order that respects each of them.

    A stage that only one funnel has is placed just before the next stage it shares with the
    funnels merged so far. For AIDMA and AISAS this gives Attention, Interest, Desire, Memory,
    Search, Action, Share: each funnel's stages appear in its own order.
    """
    merged: list[str] = []
    for stages in funnels:
        for position, stage in enumerate(stages):
            if stage in merged:
                continue
            later_shared = [s for s in stages[position + 1 :] if s in merged]
            if later_shared:
                merged.insert(merged.index(later_shared[0]), stage)
            else:
                merged.append(stage)
    return tuple(merged)


FUNNEL_STAGES = merge_stage_orders(tuple(AIDMA_STAGES), tuple(AISAS_STAGES))
"""All funnel stages in one order consistent with both AIDMA and AISAS."""

_ACCOUNT = ("accounts", "account_id")
_POST = ("posts", "post_id")
_WHEN = "Beijing time"

TABLES: dict[str, Table] = {
    table.name: table
    for table in (
        Table(
            "campaigns",
            "The season's marketing campaigns.",
            (
                Column("campaign_id", "int", "Campaign number.", minimum=1),
                Column("name", "text", "Campaign name."),
                Column("start_date", "date", "First day of the campaign."),
                Column("end_date", "date", "Last day of the campaign (inclusive)."),
                Column(
                    "goal",
                    "category",
                    "What the campaign is for.",
                    categories=("awareness", "retention", "sales"),
                ),
                Column("budget", "float", "Planned budget.", unit="yuan"),
            ),
            key=("campaign_id",),
        ),
        Table(
            "accounts",
            "Every microblog account in the data: the brand, its staff, KOLs, media and users.",
            (
                Column(
                    "account_id", "int", "Account number (1 is the official account).", minimum=1
                ),
                Column(
                    "kind",
                    "category",
                    "official = the brand's account, staff = an employee's own account, "
                    "kol = key opinion leader (influencer), media = news or lifestyle outlet, "
                    "user = everyone else.",
                    categories=P.ACCOUNT_KINDS,
                ),
                Column(
                    "handle",
                    "text",
                    "Screen name of brand, staff, KOL and media accounts (empty for users).",
                    nullable=True,
                ),
                Column(
                    "city", "category", "City the account lives in.", categories=tuple(P.CITIES)
                ),
                Column(
                    "city_tier",
                    "category",
                    "Tier of the city: 1 = Beijing, Shanghai, Guangzhou, Shenzhen; 4 = smallest.",
                    categories=(1, 2, 3, 4),
                    ordered=True,
                ),
                Column(
                    "age_band",
                    "category",
                    "Age group.",
                    unit="years",
                    categories=P.AGE_BANDS,
                    ordered=True,
                ),
                Column(
                    "income_band",
                    "category",
                    "Monthly personal income.",
                    unit="yuan per month",
                    categories=P.INCOME_BANDS,
                    ordered=True,
                ),
                Column(
                    "platform",
                    "category",
                    "Device the account mostly uses the microblog on.",
                    categories=P.PLATFORMS,
                ),
                Column("interests", "tags", "Interest tags.", categories=P.INTERESTS),
                Column(
                    "followers",
                    "int",
                    "Number of accounts following this account (its in-degree in follows).",
                    unit="accounts",
                    minimum=0,
                ),
                Column(
                    "following",
                    "int",
                    "Number of accounts this account follows (its out-degree in follows).",
                    unit="accounts",
                    minimum=0,
                ),
                Column("join_date", "date", "Day the account joined the microblog."),
                Column("club_member", "bool", "Member of the Moonbrew Club fan club."),
            ),
            key=("account_id",),
        ),
        Table(
            "follows",
            "Who follows whom: follower_id sees the posts of followee_id.",
            (
                Column("follower_id", "int", "The account that follows.", references=_ACCOUNT),
                Column("followee_id", "int", "The account being followed.", references=_ACCOUNT),
            ),
            key=("follower_id", "followee_id"),
        ),
        Table(
            "posts",
            "Original posts of the season: all posts by the brand's accounts, plus posts by "
            "KOLs, media and users that mention Moonbrew.",
            (
                Column("post_id", "int", "Post number, in order of posting time.", minimum=1),
                Column("account_id", "int", "Author.", references=_ACCOUNT),
                Column("posted_at", "datetime", "When it was posted.", unit=_WHEN),
                Column("post_type", "category", "What the post is.", categories=P.POST_TYPES),
                Column(
                    "text_length",
                    "int",
                    "Length of the text.",
                    unit="characters",
                    minimum=1,
                    maximum=140,
                ),
                Column("has_link", "bool", "The post links to other content."),
                Column(
                    "link_target",
                    "category",
                    "What the link points to: web = the online shop, video, article = a long "
                    "article, print_code = a code printed on the bottle or in a magazine advert, "
                    "none = no link.",
                    categories=P.LINK_TARGETS,
                ),
                Column("has_media", "bool", "The post carries a picture or a video clip."),
                Column(
                    "campaign_id",
                    "int",
                    "Campaign the post belongs to (empty if none).",
                    nullable=True,
                    references=("campaigns", "campaign_id"),
                ),
            ),
            key=("post_id",),
        ),
        Table(
            "reposts",
            "Reposts: each row is one account reposting a post, from the original post or "
            "from someone else's repost of it (a repost cascade is a tree).",
            (
                Column("repost_id", "int", "Repost number, in order of time.", minimum=1),
                Column("post_id", "int", "The original post.", references=_POST),
                Column(
                    "parent_repost_id",
                    "int",
                    "The repost this one was reposted from; empty = reposted from the original "
                    "post.",
                    nullable=True,
                    references=("reposts", "repost_id"),
                ),
                Column(
                    "parent_account_id",
                    "int",
                    "Author of the post or repost this one came from (account_id follows "
                    "parent_account_id).",
                    references=_ACCOUNT,
                ),
                Column("account_id", "int", "The account that reposted.", references=_ACCOUNT),
                Column("reposted_at", "datetime", "When.", unit=_WHEN),
                Column(
                    "depth",
                    "int",
                    "Steps from the original post: 1 = reposted from the original.",
                    minimum=1,
                ),
            ),
            key=("repost_id",),
        ),
        Table(
            "comments",
            "Comments on posts, including replies: the brand answering fans and fans "
            "answering each other.",
            (
                Column("comment_id", "int", "Comment number, in order of time.", minimum=1),
                Column("post_id", "int", "The post commented on.", references=_POST),
                Column("account_id", "int", "Who wrote the comment.", references=_ACCOUNT),
                Column("commented_at", "datetime", "When.", unit=_WHEN),
                Column(
                    "reply_to_comment_id",
                    "int",
                    "The comment this one answers (empty if it answers the post itself).",
                    nullable=True,
                    references=("comments", "comment_id"),
                ),
                Column(
                    "text_length",
                    "int",
                    "Length of the text.",
                    unit="characters",
                    minimum=1,
                    maximum=140,
                ),
                Column(
                    "sentiment",
                    "category",
                    "Tone of the comment.",
                    categories=("negative", "neutral", "positive"),
                    ordered=True,
                ),
            ),
            key=("comment_id",),
        ),
        Table(
            "likes",
            "Likes: one row per account that liked a post.",
            (
                Column("post_id", "int", "The post liked.", references=_POST),
                Column("account_id", "int", "Who liked it.", references=_ACCOUNT),
                Column("liked_at", "datetime", "When.", unit=_WHEN),
            ),
            key=("post_id", "account_id"),
        ),
        Table(
            "link_clicks",
            "Clicks on the links in posts (the post as an index pointing to fuller content).",
            (
                Column("click_id", "int", "Click number, in order of time.", minimum=1),
                Column("post_id", "int", "The post whose link was clicked.", references=_POST),
                Column("account_id", "int", "Who clicked.", references=_ACCOUNT),
                Column("clicked_at", "datetime", "When.", unit=_WHEN),
                Column(
                    "target",
                    "category",
                    "What the link points to (as in posts.link_target).",
                    categories=P.LINK_TARGETS[:-1],
                ),
            ),
            key=("click_id",),
        ),
        Table(
            "sessions",
            "Visits to the Moonbrew online shop.",
            (
                Column("session_id", "int", "Session number, in order of time.", minimum=1),
                Column("account_id", "int", "The visitor.", references=_ACCOUNT),
                Column("started_at", "datetime", "When the visit started.", unit=_WHEN),
                Column(
                    "source_channel",
                    "category",
                    "Where the visitor came from (microblog_other = a link in a media or user "
                    "post; direct = typed the address or opened the app).",
                    categories=P.SESSION_SOURCES,
                ),
                Column(
                    "click_id",
                    "int",
                    "The link click that started the visit (empty if it did not start from a "
                    "post).",
                    nullable=True,
                    references=("link_clicks", "click_id"),
                ),
                Column("pages", "int", "Pages viewed.", unit="pages", minimum=1),
                Column(
                    "duration_seconds", "int", "Length of the visit.", unit="seconds", minimum=1
                ),
            ),
            key=("session_id",),
        ),
        Table(
            "orders",
            "Orders in the online shop and at the pop-up.",
            (
                Column("order_id", "int", "Order number, in order of time.", minimum=1),
                Column(
                    "customer_id",
                    "int",
                    "The customer (an account_id).",
                    references=_ACCOUNT,
                ),
                Column("order_time", "datetime", "When the order was placed.", unit=_WHEN),
                Column(
                    "session_id",
                    "int",
                    "The shop visit the order was placed in (empty for orders at the pop-up).",
                    nullable=True,
                    references=("sessions", "session_id"),
                ),
                Column(
                    "channel",
                    "category",
                    "Channel of the last touch before the order (direct = no marketing touch).",
                    categories=(*P.CHANNELS, "direct"),
                ),
                Column("items", "int", "Cases of 12 bottles bought.", unit="cases", minimum=1),
                Column("revenue", "float", "What the customer paid.", unit="yuan"),
                Column("margin", "float", "Revenue minus the cost of the cases sold.", unit="yuan"),
                Column(
                    "is_first_order",
                    "bool",
                    "The customer's first order of the season (a new customer).",
                ),
            ),
            key=("order_id",),
        ),
        Table(
            "touchpoints",
            "Customer journeys for attribution: every marketing touch of an account before "
            "it bought (or until the season ended, for journeys that did not convert).",
            (
                Column("journey_id", "int", "Journey number (one journey per account).", minimum=1),
                Column("touch_number", "int", "Position of the touch in the journey.", minimum=1),
                Column("account_id", "int", "The account on the journey.", references=_ACCOUNT),
                Column("touch_time", "datetime", "When the touch happened.", unit=_WHEN),
                Column(
                    "channel",
                    "category",
                    "The channel that touched the account.",
                    categories=P.CHANNELS,
                ),
                Column(
                    "converted",
                    "bool",
                    "The journey ended in an order (same on every row of a journey).",
                ),
                Column(
                    "order_id",
                    "int",
                    "The order the journey converted into (empty if it did not convert).",
                    nullable=True,
                    references=("orders", "order_id"),
                ),
            ),
            key=("journey_id", "touch_number"),
        ),
        Table(
            "channel_spend",
            "Money spent and results per channel and week.",
            (
                Column(
                    "week",
                    "int",
                    "Week of the season.",
                    unit="week",
                    minimum=1,
                    maximum=P.SEASON_WEEKS,
                ),
                Column("week_start", "date", "Monday of the week."),
                Column("channel", "category", "Marketing channel.", categories=P.CHANNELS),
                Column(
                    "cost_kind",
                    "category",
                    "What the money pays for.",
                    categories=tuple(dict.fromkeys(P.CHANNEL_COST_KIND.values())),
                ),
                Column("spend", "float", "Money spent.", unit="yuan"),
                Column(
                    "impressions",
                    "int",
                    "Times the brand was seen: ad views, e-mails sent, followers reached by "
                    "posts and reposts, or pop-up visitors.",
                    unit="impressions",
                    minimum=0,
                ),
                Column(
                    "clicks",
                    "int",
                    "Shop visits from paid search, display and e-mail; link clicks on posts for "
                    "the microblog and KOL channels; 0 for the pop-up.",
                    unit="clicks",
                    minimum=0,
                ),
                Column(
                    "conversions",
                    "int",
                    "First orders that week whose last touch was this channel.",
                    unit="orders",
                    minimum=0,
                ),
            ),
            key=("week", "channel"),
        ),
        Table(
            "funnel_events",
            "How far each account reached by the spring launch campaign got through its funnel: "
            "AIDMA for accounts reached by traditional adverts, AISAS for accounts reached online.",
            (
                Column("account_id", "int", "The account.", references=_ACCOUNT),
                Column(
                    "campaign_id",
                    "int",
                    "The campaign (the spring launch).",
                    references=("campaigns", "campaign_id"),
                ),
                Column(
                    "funnel",
                    "category",
                    "Which funnel model tracks this account.",
                    categories=("AIDMA", "AISAS"),
                ),
                Column(
                    "stage",
                    "category",
                    "Stage reached.",
                    categories=FUNNEL_STAGES,
                    ordered=True,
                ),
                Column(
                    "stage_number",
                    "int",
                    "Position of the stage in its funnel.",
                    minimum=1,
                    maximum=5,
                ),
                Column("at", "datetime", "When the account reached the stage.", unit=_WHEN),
            ),
            key=("account_id", "stage_number"),
        ),
    )
}
"""Every table of the data set, in the order the data sheet lists them."""
