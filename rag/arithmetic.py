"""Checking a number the model computed against the figures it was shown.

A small model adds and divides unreliably, and a wrong total with a citation looks like a fact. So a number in an
answer that no shown sentence states is only kept when code can derive it from the shown figures by one of the
operations below, each a small pure function over the operands; `derive` tries them in order and returns the
first derivation that gives the answer's number as precisely as the answer states it.

When the model writes its working out (「18,760人 + 17,920人 + 27,340人 = 54,020人」), the figures it chose are read
from it and the arithmetic is code's (`evaluate`): a small model picks the right figures far more often than it adds
them right, and the result it wrote is replaced by the one code computes. Each operand must be a shown figure or
one the question gives.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Callable, Iterator, Sequence
from typing import NamedTuple

from .japanese import (
    DATE,
    KANJI,
    KATAKANA,
    TIME_OF_DAY,
    Quantity,
    amounts,
    asked_change,
    bigram_share,
    content_bigrams,
    counts_customers,
    customer_classes,
    decimals,
    fold_width,
    quantities,
)


class Operand(NamedTuple):
    """A shown figure: its value and unit, as written, and the shown sentence (by position) that states it."""

    value: float
    unit: str
    written: str
    source: int


class Derivation(NamedTuple):
    """How a number follows from shown figures: its value and unit, the operands, and the operation (a key of
    `_WRITTEN`), which `expression` writes out as a reader would check it. Thousands of candidates are tried per
    answer; only the one that matches is ever written out."""

    value: float
    unit: str
    operands: tuple[Operand, ...]
    operation: str
    signs: tuple[str, ...] = ()  # for a calculation the model wrote out ("written"), its signs in order

    @property
    def expression(self) -> str:
        written = self.operands[0].written + "".join(f" {sign} {term.written}" for sign, term in
                                                     zip(self.signs, self.operands[1:])) \
            if self.operation == "written" else _WRITTEN[self.operation](self.operands)
        return f"{written} = {format_figure(self.value)}{self.unit}"


def _joined(sign: str) -> Callable[[Sequence[Operand]], str]:
    return lambda terms: f" {sign} ".join(t.written for t in terms)


_WRITTEN: dict[str, Callable[[Sequence[Operand]], str]] = {
    "total": _joined("+"), "difference": _joined("−"), "product": _joined("×"), "quotient": _joined("÷"),
    "average": lambda terms: f"({_joined('+')(terms)}) ÷ {len(terms)}",
    "percentage": lambda terms: f"{_joined('÷')(terms)} × 100",
    "change": lambda terms: "({} − {}) ÷ {} × 100".format(
        *(t.written for t in sorted(terms, key=lambda t: -t.value)), terms[1].written),
}


# An answer that writes out a sum (「24310 - 18870 = 5440」, 「1,320×2」) computed its number, whatever the question's
# words. A hyphen alone is no minus sign: times (10:00-18:00) and telephone numbers hold one.
_WRITTEN_CALCULATION = re.compile(r"[0-9][^=＝\n]{0,30}[=＝]\s*[約]?[0-9]|[0-9]\s*[^\s0-9]{0,3}\s*[+×÷*/＋]\s*[0-9]")


def shows_calculation(text: str) -> bool:
    """Whether `text` writes out a calculation over figures."""
    return _WRITTEN_CALCULATION.search(fold_width(text)) is not None


# What things are counted in, as a factor of an amount: no unit, or a counter of people, items or times.
COUNTS = ("", "人", "名", "個", "枚", "回", "台", "泊", "本", "部屋", "杯", "点", "冊", "日", "か月")

# What things and people are counted in, each priced on its own (a ticket, a bag, a sticker): not days, months or
# times, which a price is for rather than of.
THINGS = ("人", "名", "個", "枚", "台", "本", "冊", "点", "部屋", "つ")
# Counts a price is multiplied by that are no things (nights, days, months, times), and words that double a fare: a
# total over them is not a sum of the things' prices.
_TIMES = ("泊", "日", "日間", "週間", "か月", "年", "年間", "回", "時間", "分")
_DOUBLED = re.compile("往復")
# Words asking for something else than what the things cost together: a share, a difference, a mean, a ratio
# (「1人あたりいくら」, 「大人2人と子ども1人の差はいくら」).
_NOT_A_SUM = re.compile("あたり|当たり|差|平均|割|倍|率")
# The words before a count naming what it counts: kanji or katakana right before the number (「布団2枚」, 「大人2人」),
# or 子ども written with kana
_COUNTED = re.compile(f"(?:[{KANJI}{KATAKANA}]+|子ども|こども)$")


class Counted(NamedTuple):
    """A thing a question counts: its name, how many, and the count as written (「布団」, 2.0, 「2枚」)."""

    thing: str
    count: float
    written: str


def counted_things(question: str) -> list[Counted]:
    """The things `question` counts, in order: 「自転車1台と学習机1つ、布団2枚」 gives 自転車 1, 学習机 1 and 布団 2, and
    「大人2人と小学生1人で」 (or 「大人2人小学生1人」) 大人 2 and 小学生 1. A count that ranks (「2人目」), a figure
    counting days or times, and one with no name right before it (「2人で」) count no thing."""
    folded = fold_width(question)
    found, floor = [], 0
    for figure in amounts(folded):
        end = figure.end + (not figure.unit and folded[figure.end:figure.end + 1] == "つ")
        unit = figure.unit or folded[figure.end:end]
        thing = _COUNTED.search(folded, floor, figure.start)
        floor = end  # the next thing's name starts after this count's counter
        if unit in THINGS and folded[end:end + 1] != "目" and thing:
            found.append(Counted(thing[0], figure.value, folded[figure.start:end]))
    return found


def one_customer(question: str) -> list[Counted]:
    """The one customer a question asking a price names by class alone, without a count (「小学生が高速船で…片道の
    運賃はいくら」: 小学生 1): a fare or fee is asked for one such person. None where it names two classes, or counts or
    gathers customers in any words (「大人が2人で」, 「大人ふたりで」, 「小学生の団体」, 「友達と」: `counts_customers`)."""
    named = customer_classes(question)
    return [Counted(named[0], 1.0, "")] if len(named) == 1 and not counts_customers(question) else []


def counts_only_things(question: str, things: Sequence[Counted]) -> bool:
    """Whether the price of `things` (`counted_things` of `question`) is all `question` asks: it counts no nights,
    days or times, asks for no return fare (「2泊すると」, 「3日間通うと」, 「往復いくら」), no share, difference, mean or
    ratio (「1人あたり」, 「差は」, 「割引」), and joins no thing without a count to the counted ones by と or や
    (「大人と子ども2人で」, 「自転車1台と布団を2枚」: the adult and the futon would be left out of the sum)."""
    folded = fold_width(question)
    # a day or year of a date (「4月1日以降」, 「2026年4月から」) or the minutes of a time of day multiply nothing; a
    # date of one part may be a length of days (「3日」), and 「3日間」 is one
    dated = [m.span() for m in (*DATE.finditer(folded), *TIME_OF_DAY.finditer(folded))]
    times = [figure for figure in quantities(folded) if figure.unit in _TIMES and not any(
        start <= figure.start and figure.end <= end and end - start > figure.end - figure.start
        for start, end in dated)]
    if _DOUBLED.search(folded) or _NOT_A_SUM.search(folded) or times:
        return False
    # the counted things taken out, a noun still joined to one or to another noun by と or や is uncounted (a 、
    # ends a phrase as often: 「4月以降、大人2人と…」)
    for thing in things:
        folded = folded.replace(thing.thing + thing.written, "■", 1)
    return re.search(f"[{KANJI}{KATAKANA}][とや](?=[{KANJI}{KATAKANA}■])|(?<=[■][とや])[{KANJI}{KATAKANA}]",
                     folded) is None


# At most this many figures are added up (a total over a few table rows); more would match almost any number. Over
# all the sentences shown, rather than those the model cited, only two figures at a time are combined, for the
# same reason.
MAX_TERMS = 4


def format_figure(value: float) -> str:
    """A value as documents write it: 「,」 groups, no trailing 「.0」, at most two decimals."""
    return f"{value:,.2f}".rstrip("0").rstrip(".")


def total(operands: Sequence[Operand], max_terms: int = MAX_TERMS) -> Iterator[Derivation]:
    """Sums of two to `max_terms` figures in one unit (「合計でいくら」)."""
    for size in range(2, max_terms + 1):
        for terms in itertools.combinations(operands, size):
            if len({t.unit for t in terms}) == 1:
                yield Derivation(sum(t.value for t in terms), terms[0].unit, terms, "total")


def difference(operands: Sequence[Operand], max_terms: int = 2) -> Iterator[Derivation]:
    """The larger of two figures in one unit minus the smaller (「差は」「何円高い」)."""
    for a, b in itertools.combinations(operands, 2):
        if a.unit == b.unit and a.value != b.value:
            big, small = (a, b) if a.value > b.value else (b, a)
            yield Derivation(big.value - small.value, big.unit, (big, small), "difference")


def average(operands: Sequence[Operand], max_terms: int = MAX_TERMS) -> Iterator[Derivation]:
    """The mean of two to `max_terms` figures in one unit (「平均」)."""
    for size in range(2, max_terms + 1):
        for terms in itertools.combinations(operands, size):
            if len({t.unit for t in terms}) == 1:
                yield Derivation(sum(t.value for t in terms) / size, terms[0].unit, terms, "average")


def product(operands: Sequence[Operand], max_terms: int = 2) -> Iterator[Derivation]:
    """An amount times a count (a price times a number of people or items): the count is the figure with no unit
    or a counter of things, and the product is in the amount's unit."""
    for a, b in itertools.combinations(operands, 2):
        amount, count = (a, b) if b.unit in COUNTS else (b, a)
        if count.unit in COUNTS:
            yield Derivation(amount.value * count.value, amount.unit, (amount, count), "product")


def quotient(operands: Sequence[Operand], max_terms: int = 2) -> Iterator[Derivation]:
    """One figure divided by another (「1人あたり」), and as a percentage (「何%」)."""
    for a, b in itertools.permutations(operands, 2):
        if b.value:
            value = a.value / b.value
            yield Derivation(value, "倍" if a.unit == b.unit else a.unit, (a, b), "quotient")
            if a.unit == b.unit:
                yield Derivation(value * 100, "%", (a, b), "percentage")


def rate_of_change(operands: Sequence[Operand], rising: bool | None = True) -> Iterator[Derivation]:
    """How much one figure rose from a smaller one (`rising`: 「値上げ率」, 「何%増えた」) or fell from a larger one
    (not `rising`: 「値下げ率」, 「何%減った」) of its unit, in percent of the earlier figure, which the direction asked
    decides: a rise is counted from the smaller figure, a fall from the larger; both where it is not known (None:
    「増減率」). Not a percentage of a percentage."""
    for a, b in itertools.combinations(operands, 2):
        if a.unit == b.unit and a.unit != "%" and a.value > 0 and b.value > 0 and a.value != b.value:
            small, big = (a, b) if a.value < b.value else (b, a)
            for up in (True, False) if rising is None else (rising,):
                old, new = (small, big) if up else (big, small)
                yield Derivation((big.value - small.value) / old.value * 100, "%", (new, old), "change")


OPERATIONS: tuple[Callable[[Sequence[Operand], int], Iterator[Derivation]], ...] = (
    total, difference, average, product, quotient)


def operands(texts: Sequence[str], question: str = "") -> list[Operand]:
    """The figures of the shown sentences (`source` is each one's position), and those of the question (source -1:
    「3人で」 is a factor). Figures inside a date (2026年4月1日) are not amounts. A figure stated twice is one
    operand, not two terms of a sum, sourced from the sentence sharing the most of the question's words (the first
    of those): 12,980円 asked about the black model is the price of the black one, though the white costs as much."""
    asked = content_bigrams(question)
    found: list[tuple[Operand, float]] = []
    for source, text in [*enumerate(texts), (-1, question)]:
        folded = fold_width(text)
        share = bigram_share(asked, folded) if source >= 0 else -1.0
        found += [(Operand(q.value, q.unit, q.written(folded), source), share) for q in amounts(folded)]
    best: dict[tuple[float, str], tuple[Operand, float]] = {}
    for operand, share in found:
        key = (operand.value, operand.unit)
        if key not in best or share > best[key][1]:
            best[key] = (operand, share)
    return [operand for operand, _ in best.values()]


# The signs of a written-out calculation, as `expression` writes them. A hyphen or a slash is a sign only with
# spaces around it (「24310 - 18870」): times (10:00-18:00), model numbers and dates (2026/4/1) hold them.
_SIGNS = {"+": "+", "−": "−", "-": "−", "×": "×", "*": "×", "÷": "÷", "/": "÷"}
_SIGN = re.compile(r"\s*([+−×*÷])\s*|\s+([-/])\s+")
_RESULT = re.compile(r"\s*[=＝]\s*約?")


def evaluate(text: str, texts: Sequence[str], question: str = "") -> tuple[Derivation, int, int] | None:
    """The first calculation `text` writes out over two figures or more (「a × 2 + b = d」), computed by code with
    × and ÷ before + and −: the derivation, and where the calculation stands in `text` (folded to half width), its
    written result included. None when there is none, when an operand is not a figure the texts or the question
    state, or when units do not combine (yen and minutes)."""
    folded = fold_width(text)
    found = amounts(folded)
    stated = operands(texts, question)
    pool = {(o.value, o.unit): o for o in stated}
    # a figure written bare (「18760 + 17920」) is the stated one of that value, whatever it counts
    pool |= {(o.value, ""): o for o in reversed(stated) if (o.value, "") not in pool}
    for first in range(len(found)):
        terms, signs = [found[first]], []
        while first + len(terms) < len(found) and \
                (sign := _SIGN.fullmatch(folded, terms[-1].end, found[first + len(terms)].start)):
            signs.append(_SIGNS[sign[1] or sign[2]])
            terms.append(found[first + len(terms)])
        if not signs:
            continue
        stop, after = terms[-1].end, first + len(terms)
        if (result := _RESULT.match(folded, stop)) and after < len(found) and found[after].start == result.end():
            stop = found[after].end
        shown = tuple(pool.get((t.value, t.unit)) for t in terms)
        if any(o is None for o in shown):
            return None
        value = _value(shown, signs)
        return (Derivation(value[0], value[1], shown, "written", tuple(signs)), terms[0].start, stop) \
            if value is not None and value[0] >= 0 else None
    return None


def _applied(sign: str, a: tuple[float, str], b: tuple[float, str]) -> tuple[float, str] | None:
    """a sign b, with the unit of the result: figures add in one unit, an amount times or divided by a count keeps
    the amount's unit, and a figure divided by one of its own unit is a ratio (倍)."""
    if sign in "+−":
        return (a[0] + b[0] if sign == "+" else a[0] - b[0], a[1]) if a[1] == b[1] else None
    if sign == "×":
        if b[1] in COUNTS or a[1] in COUNTS:
            return a[0] * b[0], a[1] if b[1] in COUNTS else b[1]
        return None
    if not b[0]:
        return None
    if a[1] == b[1]:
        return a[0] / b[0], "倍"
    return (a[0] / b[0], a[1]) if b[1] in COUNTS else None


def _value(terms: Sequence[Operand], signs: Sequence[str]) -> tuple[float, str] | None:
    """The value and unit of terms joined by signs, × and ÷ first."""
    summed: list[tuple[float, str]] = [(terms[0].value, terms[0].unit)]
    added: list[str] = []
    for sign, term in zip(signs, terms[1:]):
        if sign in "×÷":
            if (reduced := _applied(sign, summed[-1], (term.value, term.unit))) is None:
                return None
            summed[-1] = reduced
        else:
            added.append(sign)
            summed.append((term.value, term.unit))
    value = summed[0]
    for sign, term_value in zip(added, summed[1:]):
        if (value := _applied(sign, value, term_value)) is None:
            return None
    return value


def matches(value: float, stated: Quantity, written: str) -> bool:
    """Whether `value` is the stated figure at the precision it is written with (「約」 allows 1%)."""
    places = decimals(written)
    if not stated.value:  # 「0円」 is what a sum of a figure and itself gives: no sign of a calculation
        return False
    if abs(round(value, places) - stated.value) < 0.5 * 10 ** -places:
        return True
    return written.startswith("約") and stated.value and abs(value - stated.value) <= 0.01 * abs(stated.value)


def derive(stated: str, texts: Sequence[str], question: str = "", max_terms: int = MAX_TERMS) -> Derivation | None:
    """How the first figure of `stated` (「2,640円」) follows from the figures of `texts` and the question by one
    operation of OPERATIONS (a total or average of at most `max_terms` figures), or None. A figure that a text
    states as it is needs no derivation (None too)."""
    folded = fold_width(stated)
    found = quantities(folded)
    if not found:
        return None
    target = found[0]
    written = folded[max(0, target.start - 1):target.end] if folded[target.start - 1:target.start] == "約" \
        else target.written(folded)
    pool = operands(texts, question)
    candidates = itertools.chain.from_iterable(operation(pool, max_terms) for operation in OPERATIONS)
    # a rate of change only where the question asks for one, and in the direction it asks: over every pair of
    # figures it would otherwise make most percentages derivable
    if (direction := asked_change(question)) is not None:
        rising = {"rise": True, "fall": False}.get(direction)
        candidates = itertools.chain(candidates, rate_of_change(pool, rising))
    for derivation in candidates:
        if target.unit and derivation.unit and target.unit != derivation.unit:
            continue  # 2,640円 is no sum of minutes
        if matches(derivation.value, target, written):
            return derivation
    return None
