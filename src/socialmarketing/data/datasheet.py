"""The data sheet (``README.md`` next to the CSV files), written from the schema and parameters.

Because the column tables come from :data:`~socialmarketing.data.schema.TABLES` and every model
parameter from :mod:`socialmarketing.data.parameters`, the data sheet cannot drift away from
the data: regenerating the data regenerates its description.
"""

from __future__ import annotations

from socialmarketing.data import parameters as P
from socialmarketing.data.schema import TABLES, Column

__all__ = ["render_data_sheet"]

_KIND_WORDS = {
    "int": "whole number",
    "float": "number",
    "bool": "yes/no",
    "category": "category",
    "tags": "tags",
    "text": "text",
    "datetime": "date and time",
    "date": "date",
}


def _type_cell(column: Column) -> str:
    words = _KIND_WORDS[column.kind]
    if column.kind == "category" and column.ordered:
        words = "ordered category"
    if column.nullable:
        words += ", may be empty"
    if column.references is not None:
        words += f"; refers to {column.references[0]}.{column.references[1]}"
    return words


def _percent(value: float) -> str:
    return f"{value * 100:g} %"


def _mapping(values: dict[str, float], as_percent: bool = True) -> str:
    shown = (_percent(v) if as_percent else f"{v:g}" for v in values.values())
    return ", ".join(f"{k} {s}" for k, s in zip(values, shown, strict=True))


def _column_tables(row_counts: dict[str, int], file_sizes: dict[str, int]) -> str:
    parts = []
    for table in TABLES.values():
        key = ", ".join(table.key)
        parts.append(
            f"### {table.file_name}\n\n{table.description}\n\n"
            f"{row_counts[table.name]:,} rows, {file_sizes[table.name]:,} bytes. "
            f"Each row is identified by {key}; rows are sorted by it.\n\n"
            "| column | type | unit | allowed values | meaning |\n"
            "| --- | --- | --- | --- | --- |\n"
        )
        for column in table.columns:
            parts.append(
                f"| {column.name} | {_type_cell(column)} | {column.unit or '-'} | "
                f"{column.allowed_values()} | {column.description} |\n"
            )
        parts.append("\n")
    return "".join(parts)


def render_data_sheet(
    seed: int, scale: P.Scale, row_counts: dict[str, int], file_sizes: dict[str, int]
) -> str:
    """Return the data sheet of a data set generated with ``seed`` at ``scale``.

    ``row_counts`` and ``file_sizes`` (bytes) give each table's size, by table name.
    """
    seed_option = "" if seed == P.DEFAULT_SEED else f" --seed {seed}"
    scale_option = "" if scale.name == "course" else f" --scale {scale.name}"
    total = sum(file_sizes.values())
    repost = _mapping(P.REPOST_PROBABILITY)
    like = _mapping(P.LIKE_RATE)
    comment = _mapping(P.COMMENT_RATE)
    click = _mapping(P.CLICK_RATE)
    aidma = P.FUNNEL_RATES["AIDMA"]
    aisas = P.FUNNEL_RATES["AISAS"]
    conversion = {k: v for k, v in P.CONVERSION_LOGIT.items() if k != "intercept"}
    campaigns = "".join(
        f"| {cid} | {name} | {start} | {end} | {goal} | {budget * scale.money:,.2f} |\n"
        for cid, name, start, end, goal, budget in P.CAMPAIGNS
    )
    return f"""# Moonbrew Tea sample data: data sheet

A synthetic data set for the social media marketing course. **Moonbrew Tea** (月泡茶), a
fictional maker of bottled tea, runs one season of marketing: 12 weeks from Monday
{P.SEASON_START:%Y-%m-%d} to Sunday {P.SEASON_END:%Y-%m-%d}, on a Weibo-like microblog
(140-character posts, follows, reposts, comments, likes, links) and on traditional online
channels (paid search, display adverts, e-mail), with paid KOLs (influencers) and one offline
tasting pop-up in Shanghai in week 8. It has an official account, staff accounts and a fan club,
the Moonbrew Club. Every chapter of the course uses this data. **Nothing in it is real**: every
account, post and order was made up by a program.

## How it was made

- Scale: **{scale.name}** ({scale.accounts:,} accounts), seed **{seed}**
  (the default seed {P.DEFAULT_SEED} is the season's first day).
- Command: `socialmarketing data generate --out DIR{seed_option}{scale_option}`
  (in Python: `socialmarketing.data.generate(DIR, seed={seed}, scale="{scale.name}")`).
  The same command writes the same files, byte for byte.
- All randomness comes from one `numpy.random.default_rng({seed})`, split into one child
  generator per table, so changing how one table is made does not change the others.
- Scales: small (2,000 accounts, for tests and quick demos), course (20,000 accounts, the
  committed data set), large (1,000,000 accounts, made on demand). Budgets and costs are
  multiplied by accounts / 20,000, so returns on spend are similar at every scale.
- Total size: {total:,} bytes in {len(TABLES)} CSV files.

Read the files with `socialmarketing.data.load("posts")` (or `load_all()`), which gives every
column its type and checks the files against the schema below. Any spreadsheet or
`pandas.read_csv` can open them too: UTF-8, comma-separated, one header line, `\\n` line
endings, an empty field where a value is missing.

## Conventions

- Every id is a whole number. Account 1 is the official account; then come the staff, KOL,
  media and user accounts, in that order.
- Times are Beijing time (Asia/Shanghai, UTC+8) written `YYYY-MM-DD HH:MM:SS`, without an
  offset. Nothing happens after {P.SEASON_END:%Y-%m-%d %H:%M:%S}: whatever the models would
  place later is left out.
- Weeks are numbered 1 to 12 and start on Mondays; week 1 starts {P.SEASON_START:%Y-%m-%d}.
- Money is in yuan (CNY) with two decimals. Shares and probabilities are between 0 and 1.
- Yes/no columns hold `True` or `False`.

## The models and their parameters

Exercises ask you to recover several of these numbers from the data.

**Accounts and follows.** {scale.staff} staff accounts, {scale.kols} KOLs, {scale.media} media
accounts; the rest are ordinary users. Users live in a tier 1, 2, 3 or 4 city with shares
{", ".join(_percent(s) for s in P.CITY_TIER_SHARES)}; KOLs and media mostly in big cities;
staff in Shanghai (head office), Hangzhou or Suzhou. Follows come from a *fitness* model:
each account follows a log-normal number of others (users: median 4), picked with probability
proportional to their fitness (users: log-normal, median 1; KOLs: median 300; media: median
120), so a few accounts collect most followers (the top 1 % of accounts hold well over 40 % of
all follows). On top of that, 95 % of club members, 30 % of tea-loving users and 8 % of other
users follow the official account; each of its followers also follows each staff member with
probability 3 %; staff follow the official account and the colleagues of their team (teams
of six); the official account follows no one. `followers` and `following`
in accounts.csv are the in- and out-degree in follows.csv. About 3 % of users (12 % of tea
lovers) are club members.

**Posts.** The official account posts about 10:00 and 20:00 every day. Each staff member
posts on about 35 % of days; half of those posts echo one of that day's official posts 30 minutes
to 3 hours later (the official and staff voices together). {scale.hired_kols} hired KOLs post
one or two promotions each during the KOL taste test (weeks 3-6); a few other KOLs mention
the brand on their own. Media write news around the launch (weeks 1-2) and the pop-up (weeks
7-8). Users post about Moonbrew now and then (club members six times as often as others, often
about club events). The link of a post depends on its type (promotions mostly link to the shop,
news to articles); the post is an index that points to fuller content. A post's campaign:
KOL promotions belong to campaign 2; club event posts to 3; the brand's (and media's)
promotions, giveaways and news in weeks 7-8 to 4; the brand's promotions and giveaways in
weeks 9-10 to 5; the brand's promotions, giveaways and news in weeks 1-6 to 1; others to none.

**Reposts (viral spread).** Each post spreads as one independent cascade over the follower
graph, simulated with `socialmarketing.viral.simulate_cascade_tree`: everyone who sees the post
(the author's followers and, in turn, the followers of each reposter) gets one chance to repost
it, with probability p by post type: {repost}. Giveaways ask people to repost, so they spread
most. `depth` is the generation in the cascade tree; a repost comes a log-normal wait (median
40 minutes) after what it reposts. You can recover p as reposts / exposures, where the
exposures of a post are the followers of its author and of its reposters.

**Likes, comments and link clicks.** Everyone who sees a post (or a repost of it) likes it with
probability {like}; comments with probability {comment}; and clicks its link with probability
{click} (by link target). The official account answers 35 % of the fans' comments on its posts;
a staff author answers 50 % of the comments on theirs; 8 % of fans' comments get an answer from
another fan who commented on the same post.

**Customer journeys and first orders.** 30 % of users are prospects (followers of the
official account and club members are picked more often), each with one journey of
1 to 8 touches, a few days apart. A touch is paid search or display (22 % each), e-mail (more
for club members), the official account (mostly for its followers), a staff account (mostly
for their followers), a KOL (weeks 3-6 only); {scale.event_visitors:,} prospects from
{", ".join(P.EVENT_CITIES)} visit the pop-up (Friday 24 to Sunday 26 April, week 8). A journey
converts with log-odds {P.CONVERSION_LOGIT["intercept"]:g} + the value of each channel it
touched ({_mapping(conversion, as_percent=False)}, the last one for club members) + synergy
{P.SYNERGY_LOGIT:g} when it touched **both** the official and a staff account: integrated
communication converts better than either voice alone. The first order follows the last touch
within minutes, in a shop visit from that channel (a last touch on the microblog is a click on
a link to the shop in a recent post of that kind of account); orders at the pop-up have no
shop visit. `orders.channel` is the last touch (last-click attribution). Other shop visits
buy nothing: clicks on links to the shop in any post, the rest of the visits that paid
search, display and e-mail bring, and {P.DIRECT_SESSIONS_PER_DAY * scale.money:g} direct
visits a day.

**Repeat orders (retention).** Geometric retention: in each week after a week with an order,
a customer orders again with probability {_percent(P.RETENTION["club_member"])} for club members
and {_percent(P.RETENTION["other"])} for everyone else; after the first week without an order
they are gone for the season. So the share of customers active in week k+1 among those active
in week k estimates the weekly retention. Repeat orders come through e-mail (club members
{_percent(P.CLUB_EMAIL_SHARE["club_member"])}, others {_percent(P.CLUB_EMAIL_SHARE["other"])})
or direct.

**Prices.** A case of 12 bottles costs {P.CASE_PRICE:.2f} yuan online
({_percent(P.MAY_DAY_DISCOUNT)} off in the May Day sale, weeks 9-10) and {P.EVENT_PRICE:.2f}
yuan at the pop-up; it costs Moonbrew {P.CASE_COST:.2f} yuan, so margin = revenue - items x
{P.CASE_COST:.2f}.

**Spend.** Paid search costs {P.PAID_SEARCH_START_CPC:.2f} yuan per click in week 1, rising
{_percent(P.PAID_SEARCH_CPC_GROWTH)} a week (CPC in week w = {P.PAID_SEARCH_START_CPC:.2f} x
{1 + P.PAID_SEARCH_CPC_GROWTH:g}^(w-1)); its weekly budget of
{P.PAID_SEARCH_WEEKLY_BUDGET * scale.money:,.2f} yuan buys fewer clicks every week. Display
costs {P.DISPLAY_CPM:.2f} yuan per 1,000 impressions ({P.DISPLAY_WEEKLY_BUDGET * scale.money:,.2f}
yuan a week, {_percent(P.DISPLAY_CLICK_RATE)} clicked). E-mail costs {P.EMAIL_COST_PER_SEND:.2f}
yuan per e-mail sent weekly to club members, customers and a newsletter list
({_percent(P.EMAIL_CLICK_RATE)} clicked). The microblog costs content: {
        P.OFFICIAL_POST_COST * scale.money:,.2f} yuan per official post and {
        P.STAFF_POST_COST * scale.money:,.2f} yuan of staff
time per staff post; its reach is organic (no media bought). A hired KOL's fee per post is
{P.KOL_BASE_FEE * scale.money:,.2f} yuan + {P.KOL_FEE_PER_FOLLOWER:.2f} yuan per follower. The
pop-up costs {P.EVENT_COST * scale.money:,.2f} yuan. In channel_spend.csv, clicks for paid
search, display and e-mail are exactly the shop visits from that channel in sessions.csv, and
conversions are the first orders whose last touch was the channel.

**Funnels.** 30 % of users are reached by the spring launch (campaign 1, attention in weeks
1-6). Those reached online are followed through AISAS, the others through AIDMA (70 % of
18-34 year olds and 40 % of older users are online). The share of people at a stage who reach
the next: AIDMA {" -> ".join(f"{r:g}" for r in aidma)}; AISAS {
        " -> ".join(f"{r:g}" for r in aisas)
    }.
The wait between stages is log-normal with median {P.FUNNEL_STAGE_GAP_HOURS["AIDMA"]:g} hours
(AIDMA) or {P.FUNNEL_STAGE_GAP_HOURS["AISAS"]:g} hours (AISAS). Stage names come from
`socialmarketing.funnel.AIDMA_STAGES` and `AISAS_STAGES`; the `stage` category orders all seven
names consistently with both funnels.

### Campaigns

| campaign_id | name | first day | last day | goal | budget (yuan) |
| --- | --- | --- | --- | --- | --- |
{campaigns}
## What is simplified or unrealistic

- Everything is synthetic; the cities, tiers and shares are rough and rounded.
- Accounts do not join, leave, follow or unfollow during the season; join dates are all before
  it. The follower graph ignores geography and similarity between people.
- Each prospect has exactly one journey, and every customer is new this season (no purchases
  before it). A repeat customer orders at most once a week, and retention does not depend on
  anything but club membership.
- Reposting, liking, commenting and clicking depend only on the post's type or link (not on
  the person, the time of day or how many of their followees reposted).
- Touchpoints are not tied to individual posts or adverts, except the link click that starts a
  buying visit; the funnel events are not tied to orders.
- Times run on a simple daily rhythm (busy at lunch and in the evening), with no holidays apart
  from the May Day sale.

## Licence

The data and this data sheet are licensed under Creative Commons Attribution 4.0
International (CC BY 4.0, https://creativecommons.org/licenses/by/4.0/). Credit: "Moonbrew Tea
sample data, The social media marketing course authors".

## Tables and columns

{_column_tables(row_counts, file_sizes)}"""
