"""Integrated marketing: channels working together, and who gets the credit for a sale.

*Integrated marketing communication* combines the brand's tools - the official microblog
account, the staff's own accounts, the web shop, print, video, offline events - so that they
tell one story and reinforce each other. Two ideas from the course:

* **Two voices are stronger than one.** When the official account and staff accounts post
  about the same thing, fans hear the brand and the people behind it. :func:`synergy`
  measures whether the two together do better than the sum of each alone.
* **The post is an index.** A 140-character post cannot say everything; it points (links) to
  fuller content - a web page, a video, a long article, a code printed on the bottle. The
  post earns impressions, the link earns clicks, the content must be read or watched to the
  end, and only then does someone buy: :func:`index_funnel`.

Most buyers meet the brand several times before they buy: an advert, a post, an e-mail. The
order of those touches is the customer's *journey*. **Attribution** divides the credit for each
sale among the channels on the journey:

* rule-based models (:func:`attribute`): first touch, last touch, linear (equal shares),
  position based (40 % first, 40 % last, 20 % spread over the middle) and time decay (recent
  touches count more);
* data-driven models that also learn from the journeys that did *not* convert:
  :func:`shapley_attribution` (cooperative game theory) and :func:`markov_attribution`
  (a Markov chain and the *removal effect* of each channel).

:func:`compare_attribution` puts all of them side by side.

The touchpoints table
---------------------
All attribution functions take a ``touchpoints`` table with one row per touch and columns
``journey_id`` (which journey the touch belongs to), ``channel`` (e.g. ``"paid_search"``,
``"microblog_official"``), ``touch_time`` (when; used to put the touches in order and for time
decay) and ``converted`` (True if the journey ended in an order; the same on every row of a
journey - a journey counts as converted if any of its rows says True). Journeys that did not
convert belong in the table too: the Markov model needs them. Pass other column names as
keyword arguments. Touches with the same time keep their order in the table.

With ``value_column`` (e.g. the order's revenue in yuan, merged onto the touches) the
functions also divide the value of the orders; every converted journey needs a value (the
first non-empty value on its rows is used), and the value of journeys that did not convert is
ignored.

Every model hands out exactly one conversion per converted journey, so the credits of all
channels add up to the number of conversions (and to the total value).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import NamedTuple

import numpy as np
import pandas as pd
from scipy import stats

from socialmarketing.funnel import funnel_table
from socialmarketing.validation import (
    check_choice,
    check_columns,
    check_count,
    check_nonnegative,
    check_positive,
    check_rate,
)

__all__ = [
    "ALL_MODELS",
    "INDEX_FUNNEL_STAGES",
    "MAX_SHAPLEY_CHANNELS",
    "RULE_BASED_MODELS",
    "SYNERGY_TERMS",
    "attribute",
    "compare_attribution",
    "index_funnel",
    "journey_table",
    "markov_attribution",
    "markov_transition_matrix",
    "shapley_attribution",
    "synergy",
]

#: The rule-based models of :func:`attribute`.
RULE_BASED_MODELS = ("first_touch", "last_touch", "linear", "position_based", "time_decay")

#: Every model :func:`compare_attribution` knows: the rule-based ones, Shapley and Markov.
ALL_MODELS = (*RULE_BASED_MODELS, "shapley", "markov")

#: Exact Shapley values look at all 2 ** n groups of channels; above this many it gets slow.
MAX_SHAPLEY_CHANNELS = 16

#: The rows of :func:`synergy`: the four cells, then the interaction contrast.
SYNERGY_TERMS = ("neither", "official_only", "staff_only", "both", "synergy")

#: The stages of :func:`index_funnel`: a short post as an index to fuller content.
INDEX_FUNNEL_STAGES = ("Impressions", "Clicks", "Completed", "Conversions")

# Names of the extra states of the Markov chain.
_START, _CONVERSION, _NULL = "start", "conversion", "null"


# --------------------------------------------------------------------------------------------
# Reading the touchpoints table
# --------------------------------------------------------------------------------------------


def _shown(value: object) -> str:
    """``value`` as it would be typed in Python (numpy numbers shown as plain numbers)."""
    return repr(value.item() if isinstance(value, np.generic) else value)


class _Journeys(NamedTuple):
    """The touchpoints table, checked and put in order (see :func:`_read_journeys`)."""

    touches: pd.DataFrame
    channels: list
    conversions: int
    total_value: float


def _read_journeys(
    touchpoints: pd.DataFrame,
    *,
    journey_column: str,
    channel_column: str,
    converted_column: str,
    time_column: str | None,
    value_column: str | None,
) -> _Journeys:
    """Check the touchpoints table and put every journey's touches in order.

    Returns ``touches``, one row per touch sorted by journey and time (by journey and table
    order without a time column), with columns ``journey``, ``code`` (the channel's
    position in ``channels``), ``converted`` (of the journey), ``position`` (0 = first touch),
    ``touches`` (number of touches in the journey), ``value`` (the journey's value: 1 per
    conversion, or the value column; 0 if it did not convert) and, with a time column,
    ``days_before_last`` (days before the journey's last touch); ``channels``, every channel
    in a fixed order (the categories' order for a categorical column, otherwise sorted); and
    the number of ``conversions`` and their ``total_value``.
    """
    if not isinstance(touchpoints, pd.DataFrame):
        raise ValueError(
            f"touchpoints must be a pandas DataFrame, got {type(touchpoints).__name__}"
        )
    required = [journey_column, channel_column, converted_column]
    if time_column is not None:
        required.append(time_column)
    check_columns("touchpoints", touchpoints, required + ([value_column] if value_column else []))
    if len(touchpoints) == 0:
        raise ValueError("touchpoints table is empty: it needs at least one touch")
    for column in required:
        missing = touchpoints[column].isna()
        if missing.any():
            raise ValueError(
                f"touchpoints column {column!r} has {int(missing.sum())} empty value(s); "
                f"fill them in or drop those rows"
            )

    flags = touchpoints[converted_column]
    if not pd.api.types.is_bool_dtype(flags) and not flags.isin([0, 1]).all():
        bad = flags[~flags.isin([0, 1])].iloc[0]
        raise ValueError(
            f"touchpoints column {converted_column!r} must hold True/False (or 1/0), "
            f"got {_shown(bad)}"
        )
    channel_values = touchpoints[channel_column]
    if isinstance(channel_values.dtype, pd.CategoricalDtype):
        channels = list(channel_values.cat.categories)
    else:
        channels = sorted(pd.unique(channel_values))
    table = pd.DataFrame(
        {
            "journey": touchpoints[journey_column].to_numpy(),
            # Channels as whole numbers (0 = the first channel), which are quick to count.
            "code": pd.Categorical(channel_values, categories=channels).codes.astype(np.int64),
            "converted": flags.astype(bool).to_numpy(),
        }
    )
    if value_column is not None:
        raw = touchpoints[value_column]
        if not pd.api.types.is_numeric_dtype(raw) or pd.api.types.is_bool_dtype(raw):
            raise ValueError(
                f"touchpoints column {value_column!r} must hold numbers (e.g. revenue in yuan)"
            )
        table["raw_value"] = raw.to_numpy(dtype=float, na_value=np.nan)
    if time_column is not None:
        times = touchpoints[time_column]
        if not pd.api.types.is_datetime64_any_dtype(times):
            raise ValueError(
                f"touchpoints column {time_column!r} must hold dates and times "
                f"(convert it with pd.to_datetime), got values such as {_shown(times.iloc[0])}"
            )
        table["time"] = times.to_numpy()
    # Each journey's touches together and in time order (a stable sort keeps ties in order).
    order_by = ["journey", "time"] if time_column is not None else ["journey"]
    table = table.sort_values(order_by, kind="stable", ignore_index=True)

    table["converted"] = table.groupby("journey", sort=False)["converted"].transform("max")
    table["position"] = table.groupby("journey", sort=False).cumcount()
    table["touches"] = table.groupby("journey", sort=False)["code"].transform("size")
    if time_column is not None:
        last_time = table.groupby("journey", sort=False)["time"].transform("max")
        table["days_before_last"] = (last_time - table["time"]) / pd.Timedelta(days=1)

    converted = table["converted"]
    if value_column is None:
        table["value"] = converted.astype(float)
    else:
        # The first non-empty value of each journey.
        journey_value = table.groupby("journey", sort=False)["raw_value"].transform("first")
        bad = converted & ~(np.isfinite(journey_value) & (journey_value >= 0))
        if bad.any():
            journey = table.loc[bad, "journey"].iloc[0]
            raise ValueError(
                f"touchpoints column {value_column!r} must be a number, 0 or more, for every "
                f"converted journey; journey {_shown(journey)} has "
                f"{_shown(journey_value[bad].iloc[0])}"
            )
        table["value"] = np.where(converted, journey_value, 0.0)
        table = table.drop(columns="raw_value")

    first_touches = table[table["position"] == 0]
    return _Journeys(
        touches=table,
        channels=channels,
        conversions=int(first_touches["converted"].sum()),
        total_value=float(first_touches["value"].sum()),
    )


def _credit_table(
    journeys: _Journeys,
    codes: np.ndarray,
    conversion_credit: np.ndarray,
    value_credit: np.ndarray | None,
    value_column: str | None,
) -> pd.DataFrame:
    """Add up credits per channel: channel, conversions, share (and the value column).

    ``codes[i]`` is the channel (its position in ``journeys.channels``) that gets
    ``conversion_credit[i]`` conversions and ``value_credit[i]`` of value.
    """
    size = len(journeys.channels)
    conversions = np.bincount(codes, weights=conversion_credit, minlength=size)
    share = conversions / journeys.conversions if journeys.conversions > 0 else conversions * 0
    result = pd.DataFrame(
        {"channel": journeys.channels, "conversions": conversions, "share": share}
    )
    if value_column is not None and value_credit is not None:
        result[value_column] = np.bincount(codes, weights=value_credit, minlength=size)
    return result


# --------------------------------------------------------------------------------------------
# Rule-based attribution
# --------------------------------------------------------------------------------------------


def _touch_weights(touches: pd.DataFrame, model: str, half_life_days: float) -> np.ndarray:
    """The share of its journey's conversion that each touch gets (they sum to 1 per journey)."""
    position = touches["position"].to_numpy()
    count = touches["touches"].to_numpy()
    is_first = position == 0
    is_last = position == count - 1
    if model == "first_touch":
        return is_first.astype(float)
    if model == "last_touch":
        return is_last.astype(float)
    if model == "linear":
        return 1.0 / count
    if model == "position_based":
        middle_share = 0.2 / np.maximum(count - 2, 1)
        weight = np.where(is_first | is_last, 0.4, middle_share)
        weight = np.where(count == 2, 0.5, weight)
        return np.where(count == 1, 1.0, weight)
    # time_decay: a touch half_life_days before the last touch counts half as much.
    raw = 0.5 ** (touches["days_before_last"].to_numpy() / half_life_days)
    journey_total = pd.Series(raw).groupby(touches["journey"].to_numpy()).transform("sum")
    return raw / journey_total.to_numpy()


def attribute(
    touchpoints: pd.DataFrame,
    model: str,
    *,
    half_life_days: float = 7.0,
    value_column: str | None = None,
    journey_column: str = "journey_id",
    channel_column: str = "channel",
    converted_column: str = "converted",
    time_column: str | None = "touch_time",
) -> pd.DataFrame:
    """Divide the credit for every conversion among the touches of its journey, by a rule.

    ``model`` is one of

    * ``"first_touch"``: all credit to the first touch (the channel that found the customer);
    * ``"last_touch"``: all credit to the last touch (what a shop's "last click" report
      shows, e.g. ``orders.channel``);
    * ``"linear"``: equal shares, ``1 / n`` for each of the ``n`` touches;
    * ``"position_based"`` (U-shaped): 40 % to the first touch, 40 % to the last, and the
      other 20 % split equally over the touches in between; a journey of one touch gives it
      100 %, a journey of two touches 50 % each;
    * ``"time_decay"``: a touch ``x`` days before the journey's last touch gets weight
      ``0.5 ** (x / half_life_days)``, and the weights of a journey are scaled to add up to 1.

    A channel that appears several times in a journey collects the credit of every touch.
    Journeys that did not convert give no credit. See the module docstring for the columns
    of ``touchpoints``; ``time_column`` puts the touches in order (None keeps the table's
    order, but then ``time_decay`` is not possible).

    Returns one row per channel with ``channel``, ``conversions`` (credited conversions, may
    be fractional; they add up to the number of converted journeys), ``share`` (of all
    conversions, 0 to 1) and, with ``value_column``, the credited value under that name
    (e.g. revenue in yuan; it adds up to the total value of converted journeys).
    """
    model = check_choice("model", model, RULE_BASED_MODELS)
    half_life = check_positive("half_life_days", half_life_days)
    if model == "time_decay" and time_column is None:
        raise ValueError("the time_decay model needs the touch times: give time_column")
    journeys = _read_journeys(
        touchpoints,
        journey_column=journey_column,
        channel_column=channel_column,
        converted_column=converted_column,
        time_column=time_column,
        value_column=value_column,
    )
    return _rule_based_credit(journeys, model, half_life, value_column)


def _rule_based_credit(
    journeys: _Journeys, model: str, half_life_days: float, value_column: str | None
) -> pd.DataFrame:
    """The credit table of :func:`attribute` for journeys already read."""
    touches = journeys.touches[journeys.touches["converted"]]
    weight = _touch_weights(touches, model, half_life_days)
    return _credit_table(
        journeys,
        touches["code"].to_numpy(),
        weight,
        weight * touches["value"].to_numpy(),
        value_column,
    )


# --------------------------------------------------------------------------------------------
# Shapley attribution
# --------------------------------------------------------------------------------------------


def _shapley_values(channel_sets: np.ndarray, values: np.ndarray, players: int) -> np.ndarray:
    """Exact Shapley values of the game "value of the journeys whose channels are all in S".

    ``channel_sets`` holds one bitmask per converted journey (bit ``i`` set = the journey
    touched channel ``i``); ``values`` the value of each journey.
    """
    coalitions = np.arange(1 << players)
    # Value of the journeys whose channel set is exactly S ...
    coalition_value = np.bincount(channel_sets, weights=values, minlength=1 << players)
    # ... then add up over subsets: v(S) = sum of the exact values of all subsets of S.
    for i in range(players):
        bit = 1 << i
        with_i = coalitions[(coalitions & bit) != 0]
        coalition_value[with_i] += coalition_value[with_i ^ bit]

    coalition_size = np.zeros(coalitions.size, dtype=int)
    for i in range(players):
        coalition_size += (coalitions >> i) & 1
    # Weight of a coalition of s other channels: s! (n - s - 1)! / n!.
    weight = np.array(
        [
            math.factorial(s) * math.factorial(players - s - 1) / math.factorial(players)
            for s in range(players)
        ]
    )
    shapley = np.zeros(players)
    for i in range(players):
        bit = 1 << i
        without_i = coalitions[(coalitions & bit) == 0]
        marginal = coalition_value[without_i | bit] - coalition_value[without_i]
        shapley[i] = np.sum(weight[coalition_size[without_i]] * marginal)
    return shapley


def shapley_attribution(
    touchpoints: pd.DataFrame,
    *,
    value_column: str | None = None,
    journey_column: str = "journey_id",
    channel_column: str = "channel",
    converted_column: str = "converted",
) -> pd.DataFrame:
    """Shapley value attribution: credit from cooperative game theory.

    Think of the channels as players in a team. The value of a coalition ``S`` of channels,
    ``v(S)``, is the number of conversions (or their value) among the converted journeys that
    only used channels in ``S`` (their set of channels is a subset of ``S``). This is the
    "simplified" Shapley attribution of Zhao et al. (2018). A channel's Shapley value is its
    average extra contribution ``v(S + channel) - v(S)`` over all orders in which the team
    could be built up::

        phi(i) = sum over S without i of  |S|! (n - |S| - 1)! / n!  x  (v(S + i) - v(S))

    The values add up to ``v(all channels)``, the total number of conversions (efficiency).
    For this game the result is the same as giving each converted journey's conversion in
    equal parts to the *different* channels it touched (a channel touched twice still gets
    one part), which is a good way to check it by hand. The order of the touches does not
    matter, and journeys that did not convert play no part.

    The function enumerates all ``2 ** n`` coalitions of the ``n`` channels that appear in
    converted journeys, so it refuses more than :data:`MAX_SHAPLEY_CHANNELS` channels; group
    rare channels together first.

    Returns one row per channel: ``channel``, ``conversions`` (Shapley value), ``share`` and,
    with ``value_column``, the Shapley value of the journeys' value under that name.
    """
    journeys = _read_journeys(
        touchpoints,
        journey_column=journey_column,
        channel_column=channel_column,
        converted_column=converted_column,
        time_column=None,
        value_column=value_column,
    )
    return _shapley_credit(journeys, value_column)


def _shapley_credit(journeys: _Journeys, value_column: str | None) -> pd.DataFrame:
    """The credit table of :func:`shapley_attribution` for journeys already read."""
    touches = journeys.touches[journeys.touches["converted"]]
    # The players: channels that appear in converted journeys (codes, in channel order).
    present = np.unique(touches["code"].to_numpy())
    if len(present) > MAX_SHAPLEY_CHANNELS:
        raise ValueError(
            f"exact Shapley values need 2 ** n coalitions; {len(present)} channels is more "
            f"than {MAX_SHAPLEY_CHANNELS}: group rare channels together first"
        )
    player = np.zeros(len(journeys.channels), dtype=np.int64)
    player[present] = np.arange(len(present))
    # Each converted journey's set of channels as a bitmask: bit i set = touched player i.
    distinct = touches.drop_duplicates(["journey", "code"])
    bits = pd.Series(np.left_shift(1, player[distinct["code"].to_numpy()]))
    by_journey = bits.groupby(distinct["journey"].to_numpy(), sort=False)
    channel_sets = by_journey.sum().to_numpy(dtype=np.int64)
    journey_value = distinct.groupby("journey", sort=False)["value"].first().to_numpy()

    conversions = _shapley_values(channel_sets, np.ones(len(channel_sets)), len(present))
    value_credit = None
    if value_column is not None:
        value_credit = _shapley_values(channel_sets, journey_value, len(present))
    return _credit_table(journeys, present, conversions, value_credit, value_column)


# --------------------------------------------------------------------------------------------
# Markov chain attribution
# --------------------------------------------------------------------------------------------


def _transition_counts(journeys: _Journeys) -> pd.DataFrame:
    """Counts of every observed step: start -> first channel -> ... -> conversion or null.

    Rows: ``start`` and the channels that appear; columns: those channels, ``conversion``
    and ``null``.
    """
    reserved = {_START, _CONVERSION, _NULL} & set(journeys.channels)
    if reserved:
        raise ValueError(
            f"a channel may not be called {sorted(reserved)[0]!r}: the Markov chain uses "
            f"'{_START}', '{_CONVERSION}' and '{_NULL}' for its own states; rename it"
        )
    touches = journeys.touches
    # States as numbers: channels 0 .. n-1, then start, conversion and null.
    n = len(journeys.channels)
    start, conversion, null = n, n + 1, n + 2
    code = touches["code"].to_numpy()
    position = touches["position"].to_numpy()
    # Step into each touch: from the touch before it in the journey, or from start.
    previous = np.concatenate([[start], code[:-1]])
    from_state = np.where(position > 0, previous, start)
    # Step out of each journey's last touch: to conversion or null.
    is_last = position == touches["touches"].to_numpy() - 1
    end_state = np.where(touches["converted"].to_numpy()[is_last], conversion, null)
    steps_from = np.concatenate([from_state, code[is_last]])
    steps_to = np.concatenate([code, end_state])
    counts = np.bincount(steps_from * (n + 3) + steps_to, minlength=(n + 3) ** 2)
    counts = counts.reshape(n + 3, n + 3)

    present = np.unique(code)
    names = [journeys.channels[i] for i in present]
    return pd.DataFrame(
        counts[np.ix_([start, *present], [*present, conversion, null])],
        index=[_START, *names],
        columns=[*names, _CONVERSION, _NULL],
    )


def markov_transition_matrix(
    touchpoints: pd.DataFrame,
    *,
    journey_column: str = "journey_id",
    channel_column: str = "channel",
    converted_column: str = "converted",
    time_column: str | None = "touch_time",
) -> pd.DataFrame:
    """The first-order Markov chain of the customer journeys, as a table of probabilities.

    Every journey is a walk ``start -> channel -> ... -> channel -> conversion`` (or ``->
    null`` if it did not convert). Counting the steps from each state to each next state and
    dividing by the number of steps out of the state gives the transition probabilities.
    Rows are the states you can leave (``start`` and the channels), columns the states you
    can go to (the channels, ``conversion`` and ``null``); each row adds up to 1. Only
    channels that appear in the journeys are included. A channel followed by itself (two
    e-mails in a row) is a step from the channel to itself.
    """
    journeys = _read_journeys(
        touchpoints,
        journey_column=journey_column,
        channel_column=channel_column,
        converted_column=converted_column,
        time_column=time_column,
        value_column=None,
    )
    counts = _transition_counts(journeys)
    matrix = counts.div(counts.sum(axis=1), axis=0).astype(float)
    matrix.index.name, matrix.columns.name = "from_state", "to_state"
    return matrix


def _conversion_probability(
    transient_matrix: np.ndarray, to_conversion: np.ndarray, keep: np.ndarray
) -> float:
    """Probability of ending in ``conversion`` from ``start`` (state 0), using only ``keep``.

    Steps into states that are not kept go to ``null``. The absorption probabilities ``h``
    solve ``h = Q h + b`` (from each state: either convert now, or step to a kept state and
    convert from there), i.e. ``(I - Q) h = b``.
    """
    q = transient_matrix[np.ix_(keep, keep)]
    h = np.linalg.solve(np.eye(len(keep)) - q, to_conversion[keep])
    return float(h[0])


def markov_attribution(
    touchpoints: pd.DataFrame,
    *,
    value_column: str | None = None,
    journey_column: str = "journey_id",
    channel_column: str = "channel",
    converted_column: str = "converted",
    time_column: str | None = "touch_time",
) -> pd.DataFrame:
    """Markov chain attribution: credit by each channel's *removal effect*.

    1. Fit the chain of :func:`markov_transition_matrix` to all journeys, converted or not.
    2. Compute ``P(conversion)``, the probability that a walk from ``start`` ends in
       ``conversion``, exactly by solving a linear system (no simulation).
    3. For each channel, remove it: every step into it goes to ``null`` instead. The
       *removal effect* is ``1 - P(conversion without the channel) / P(conversion)``, the
       share of conversions the chain loses without the channel.
    4. Credit: the removal effects scaled so that they add up to the number of conversions
       (and, with ``value_column``, to the total value).

    Removal effects of different channels usually add up to more than 1, because a journey
    that needs two channels is lost when either one is removed; step 4 shares it out.

    Returns one row per channel: ``channel``, ``removal_effect`` (0 to 1), ``conversions``,
    ``share`` and, with ``value_column``, the credited value under that name. With no
    conversions at all every credit is 0.
    """
    journeys = _read_journeys(
        touchpoints,
        journey_column=journey_column,
        channel_column=channel_column,
        converted_column=converted_column,
        time_column=time_column,
        value_column=value_column,
    )
    return _markov_credit(journeys, value_column)


def _markov_credit(journeys: _Journeys, value_column: str | None) -> pd.DataFrame:
    """The credit table of :func:`markov_attribution` for journeys already read."""
    counts = _transition_counts(journeys)
    present = list(counts.index[1:])
    probabilities = counts.div(counts.sum(axis=1), axis=0).astype(float)
    # Transient states: start (index 0) and the channels (1 ..); nobody steps into start.
    transient = probabilities.reindex(columns=[_START, *present], fill_value=0.0).to_numpy()
    to_conversion = probabilities[_CONVERSION].to_numpy()
    everyone = np.arange(len(present) + 1)
    base = _conversion_probability(transient, to_conversion, everyone)

    removal_effect = np.zeros(len(present))
    if base > 0:
        for j in range(len(present)):
            keep = everyone[everyone != j + 1]
            without = _conversion_probability(transient, to_conversion, keep)
            removal_effect[j] = max(0.0, 1.0 - without / base)
    total_effect = removal_effect.sum()
    weight = removal_effect / total_effect if total_effect > 0 else removal_effect
    codes = np.array([journeys.channels.index(name) for name in present], dtype=np.int64)
    result = _credit_table(
        journeys,
        codes,
        weight * journeys.conversions,
        weight * journeys.total_value,
        value_column,
    )
    effects = np.zeros(len(journeys.channels))
    effects[codes] = removal_effect
    result.insert(1, "removal_effect", effects)
    return result


# --------------------------------------------------------------------------------------------
# Comparing models
# --------------------------------------------------------------------------------------------


def compare_attribution(
    touchpoints: pd.DataFrame,
    models: Sequence[str] = ALL_MODELS,
    *,
    half_life_days: float = 7.0,
    value_column: str | None = None,
    journey_column: str = "journey_id",
    channel_column: str = "channel",
    converted_column: str = "converted",
    time_column: str | None = "touch_time",
) -> pd.DataFrame:
    """Credit per channel under several attribution models, as one long (tidy) table.

    ``models`` is a list of names from :data:`ALL_MODELS` (the rule-based models of
    :func:`attribute`, ``"shapley"`` and ``"markov"``); by default all of them. Other
    arguments as in :func:`attribute`.

    Returns one row per model and channel with columns ``model``, ``channel``,
    ``conversions``, ``share`` and, with ``value_column``, the credited value; ready for a
    grouped bar chart (x = channel, colour = model). Within each model the conversions add
    up to the number of converted journeys.
    """
    if isinstance(models, str):
        models = [models]
    names = [check_choice(f"models[{i}]", name, ALL_MODELS) for i, name in enumerate(models)]
    if not names:
        raise ValueError(f"models must name at least one model from {', '.join(ALL_MODELS)}")
    if "time_decay" in names and time_column is None:
        raise ValueError("the time_decay model needs the touch times: give time_column")
    half_life = check_positive("half_life_days", half_life_days)
    journeys = _read_journeys(
        touchpoints,
        journey_column=journey_column,
        channel_column=channel_column,
        converted_column=converted_column,
        time_column=time_column,
        value_column=value_column,
    )
    tables = []
    for name in names:
        if name == "shapley":
            table = _shapley_credit(journeys, value_column)
        elif name == "markov":
            table = _markov_credit(journeys, value_column).drop(columns="removal_effect")
        else:
            table = _rule_based_credit(journeys, name, half_life, value_column)
        table.insert(0, "model", name)
        tables.append(table)
    return pd.concat(tables, ignore_index=True)


# --------------------------------------------------------------------------------------------
# Channels working together
# --------------------------------------------------------------------------------------------


def journey_table(
    touchpoints: pd.DataFrame,
    *,
    value_column: str | None = None,
    journey_column: str = "journey_id",
    channel_column: str = "channel",
    converted_column: str = "converted",
) -> pd.DataFrame:
    """One row per journey: did it touch each channel, and did it convert?

    Columns: the journey id (named ``journey_column``), ``touches`` (count), ``converted``
    (True/False), the value column if given (0 for journeys that did not convert), and one
    True/False column per channel saying whether the journey touched it. Use it with
    :func:`synergy`, e.g. ``synergy(journey_table(tp), "converted",
    official_column="microblog_official", staff_column="microblog_staff")``.
    """
    journeys = _read_journeys(
        touchpoints,
        journey_column=journey_column,
        channel_column=channel_column,
        converted_column=converted_column,
        time_column=None,
        value_column=value_column,
    )
    touches = journeys.touches
    clash = {journey_column, "touches", "converted", value_column} & set(journeys.channels)
    if clash:
        raise ValueError(f"a channel may not be called {sorted(clash)[0]!r}; rename it")
    first = touches[touches["position"] == 0].set_index("journey")
    result = pd.DataFrame(
        {
            journey_column: first.index.to_numpy(),
            "touches": first["touches"].to_numpy(),
            "converted": first["converted"].to_numpy(),
        }
    )
    if value_column is not None:
        result[value_column] = first["value"].to_numpy()
    # touched[j, c]: journey j (counted in table order) touched channel c.
    journey_number = np.cumsum(touches["position"].to_numpy() == 0) - 1
    touched = np.zeros((len(first), len(journeys.channels)), dtype=bool)
    touched[journey_number, touches["code"].to_numpy()] = True
    for code, channel in enumerate(journeys.channels):
        result[channel] = touched[:, code]
    return result


def _flag_column(table: pd.DataFrame, column: str) -> np.ndarray:
    """A True/False column (1/0 allowed) as a boolean numpy array."""
    flags = table[column]
    if pd.api.types.is_bool_dtype(flags) and not flags.isna().any():
        return flags.to_numpy(dtype=bool)
    if flags.isna().any() or not flags.isin([0, 1]).all():
        raise ValueError(f"table column {column!r} must hold True/False (or 1/0) in every row")
    return flags.astype(bool).to_numpy()


def synergy(
    table: pd.DataFrame,
    outcome_column: str,
    *,
    official_column: str = "official_post",
    staff_column: str = "staff_post",
    confidence: float = 0.95,
    method: str = "normal",
    bootstrap_samples: int = 2000,
    seed: int = 0,
) -> pd.DataFrame:
    """Do the official and staff voices together do more than the sum of each alone?

    ``table`` has one row per unit (a topic, a day, a journey...) with two True/False columns
    - was there an official post (``official_column``), was there a staff post
    (``staff_column``) - and a numeric ``outcome_column`` (engagements, or True/False
    converted). The rows fall into four cells: neither, official only, staff only, both.
    The *synergy* (interaction contrast) is::

        synergy = mean(both) - mean(official only) - mean(staff only) + mean(neither)

    i.e. the lift of both together beyond adding up the lift of each alone. Above 0 the two
    voices reinforce each other; 0 means they just add up.

    Confidence intervals (``confidence``, e.g. 0.95):

    * ``method="normal"``: estimate plus or minus z standard errors, with the standard error
      of a mean ``sd / sqrt(n)`` and, for the synergy, the square root of the sum of the four
      squared standard errors (the cells are independent samples);
    * ``method="bootstrap"``: resample the rows of each cell with replacement
      ``bootstrap_samples`` times (random generator seeded with ``seed``, so the result is
      the same every time), recompute, and take the middle ``confidence`` share of the
      results; the standard error is their standard deviation.

    Returns one row per term in :data:`SYNERGY_TERMS` with columns ``term``, ``rows``
    (number of rows used; all rows for the synergy), ``estimate`` (a mean in the outcome's
    unit, or the contrast), ``standard_error``, ``ci_low`` and ``ci_high``. Each cell needs
    at least 2 rows.
    """
    if not isinstance(table, pd.DataFrame):
        raise ValueError(f"table must be a pandas DataFrame, got {type(table).__name__}")
    check_columns("table", table, [official_column, staff_column, outcome_column])
    if len(table) == 0:
        raise ValueError("table is empty: it needs rows in each of the four cells")
    level = check_rate("confidence", confidence)
    if level in (0.0, 1.0):
        raise ValueError(f"confidence must be between 0 and 1 (not 0 or 1), got {confidence!r}")
    method = check_choice("method", method, ("normal", "bootstrap"))
    samples = check_count("bootstrap_samples", bootstrap_samples, minimum=100)
    official = _flag_column(table, official_column)
    staff = _flag_column(table, staff_column)
    outcome_values = table[outcome_column]
    if not pd.api.types.is_numeric_dtype(outcome_values) and not pd.api.types.is_bool_dtype(
        outcome_values
    ):
        raise ValueError(f"table column {outcome_column!r} must hold numbers or True/False")
    outcome = outcome_values.to_numpy(dtype=float, na_value=np.nan)
    if not np.isfinite(outcome).all():
        raise ValueError(f"table column {outcome_column!r} has empty or infinite values")

    cells = {
        "neither": ~official & ~staff,
        "official_only": official & ~staff,
        "staff_only": ~official & staff,
        "both": official & staff,
    }
    samples_by_cell = {name: outcome[mask] for name, mask in cells.items()}
    for name, values in samples_by_cell.items():
        if len(values) < 2:
            raise ValueError(
                f"synergy needs at least 2 rows in each cell; the cell {name!r} "
                f"({official_column} / {staff_column}) has {len(values)}"
            )
    signs = {"neither": 1.0, "official_only": -1.0, "staff_only": -1.0, "both": 1.0}
    means = {name: float(values.mean()) for name, values in samples_by_cell.items()}
    contrast = sum(signs[name] * means[name] for name in cells)
    alpha = 1.0 - level

    estimates = {**means, "synergy": contrast}
    if method == "normal":
        z = float(stats.norm.ppf(1 - alpha / 2))
        errors = {
            name: float(values.std(ddof=1) / np.sqrt(len(values)))
            for name, values in samples_by_cell.items()
        }
        errors["synergy"] = float(np.sqrt(sum(e**2 for e in errors.values())))
        lows = {term: estimates[term] - z * errors[term] for term in SYNERGY_TERMS}
        highs = {term: estimates[term] + z * errors[term] for term in SYNERGY_TERMS}
    else:
        rng = np.random.default_rng(seed)
        draws = {
            name: _bootstrap_means(values, samples, rng) for name, values in samples_by_cell.items()
        }
        draws["synergy"] = sum(signs[name] * draws[name] for name in cells)
        errors = {term: float(draws[term].std(ddof=1)) for term in SYNERGY_TERMS}
        lows = {term: float(np.quantile(draws[term], alpha / 2)) for term in SYNERGY_TERMS}
        highs = {term: float(np.quantile(draws[term], 1 - alpha / 2)) for term in SYNERGY_TERMS}

    rows = [
        (term, estimates[term], errors[term], lows[term], highs[term]) for term in SYNERGY_TERMS
    ]
    result = pd.DataFrame(rows, columns=["term", "estimate", "standard_error", "ci_low", "ci_high"])
    counts = [len(samples_by_cell[name]) for name in cells] + [len(outcome)]
    result.insert(1, "rows", counts)
    return result


def _bootstrap_means(values: np.ndarray, samples: int, rng: np.random.Generator) -> np.ndarray:
    """Means of ``samples`` resamples (with replacement) of ``values``, in memory-sized batches."""
    batch = max(1, 2_000_000 // len(values))
    means = []
    for start in range(0, samples, batch):
        size = min(batch, samples - start)
        picks = rng.integers(0, len(values), size=(size, len(values)))
        means.append(values[picks].mean(axis=1))
    return np.concatenate(means)


def index_funnel(
    impressions: float,
    click_rate: float,
    content_completion: float,
    conversion: float,
) -> pd.DataFrame:
    """A short post as an index: impressions -> clicks -> completed content -> conversions.

    A 140-character post cannot tell the whole story; it points to fuller content (a web
    page, a video, an article). Of the ``impressions`` of the post (people who saw it, a
    count), a share ``click_rate`` clicks the link, a share ``content_completion`` of those
    reads or watches the content to the end, and a share ``conversion`` of those buys. All
    rates are shares between 0 and 1.

    Returns the :func:`socialmarketing.funnel.funnel_table` for the stages
    :data:`INDEX_FUNNEL_STAGES`: columns ``stage``, ``people`` (expected number),
    ``step_rate``, ``cumulative_rate`` (share of the impressions) and ``drop_off``.
    Example: 10,000 impressions, 2 % click, 50 % finish, 10 % buy -> 200 clicks, 100
    completed, 10 conversions.
    """
    audience = check_nonnegative("impressions", impressions)
    rates = [
        check_rate("click_rate", click_rate),
        check_rate("content_completion", content_completion),
        check_rate("conversion", conversion),
    ]
    return funnel_table(audience, rates, INDEX_FUNNEL_STAGES)
