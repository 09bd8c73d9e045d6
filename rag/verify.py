"""Checking the model's reply against the passages shown: what it cites, its short answer, and the fallbacks.

Nothing the model writes is taken on trust. Its reply is first located in the passages (`Claim`): the sentences
its answer cites by number, or verbatim quotes; the short answer (要点) as a passage spells it. Then the rules of
`Verifier.RULES` run in order, and the first that gives a verdict decides:

1. `computed_answer`: the model's sentence stating a figure no passage holds, when code derives it from the shown
   figures (rag/arithmetic.py); it stands with the calculation written out. Where the model wrote its working out
   over shown figures, code computes it, and its result replaces the model's.
2. `compared_options`: for a question choosing among its options by date or amount (「どちらが先に噴火」,
   「どちらが安い」), the option the shown figures pick, when code reads one figure for every option; it stands with
   the figures written out, whichever option the model named.
3. `chosen_option`: for a question listing its options (「洞穴と深海のどっち」), the option the model named, citing
   a shown sentence that names it and speaks about the question. It comes before the model's sentence: the option
   is the answer, and the rest of a sentence (「ラカタ島は1883年の噴火が先」) would be read for a short answer.
4. `model_answer`: the model's own sentence, when the sentences it cites (with their articles' titles, which the
   prompt shows: a sentence leaves out the topic its article is named for) back what it adds to the question, say more
   than that (a byline's name cited for 「首相は誰」 ties nothing to the question) and it states words of the kind
   the question asks for (「何日前」 a number of days, 「いつ」 a date); not when its short answer, a name or of the
   asked kind, stands neither in a shown passage nor in the sentence (its two lines disagree), nor when it names
   what no shown passage holds. The words of the sentence standing where the question asks are the short answer,
   over other words of it the model marked that are not of the asked kind. An amount no cited sentence states while
   one states another in its unit is none (`_stated_otherwise`: a price copied from the line below the cited row).
5. `short_answer`: the short answer found in a shown passage, when its sentence speaks about the question and it is
   no amount the cited sentences state otherwise.
6. `agreed_sentence`: the cited sentence itself, when it is also retrieval's best sentence of the top passage
   and speaks about the question (「記事には「…」とあります。」).
7. `typed_answer`: words of the asked kind (「19項目」) in a shown sentence that speaks about most of the question,
   unless the question asks for a calculation (「合計でいくら」): one stated figure is not its result.
8. `figures`: for a calculation no rule could answer, the figures it needs, each cited, and no result: the
   question counts as refused.

When none does, the question is refused, naming the names it gives that no article found holds (`refusal`). Words
stating a number that no passage or the question holds, counted whole (「33」 is not held by 「333」), are never stated
unless rule 1 derives it: the model's answer or short answer holding one is dropped before the rules run.
A year the model puts before a date that the passages state without one (「2023年7月25日」 where they say 「7月25日」)
is taken off first: the model supplies years from what it knows, and the date itself is the passages'. A time of day
is read as the sentences the reply cites write it (「7:00」 citing 「午前7時に変更」: `times_as_written`).

Every verdict a rule gives then passes the checks of `Verifier.CHECKS`, in this order; each gives it back, another
answer in its place, or a refusal, which ends the checking:

- `asked_part`: the short answer cut to what the question asks for, or read from the answer sentence.
- `value_in_force`: a value its cited sentence changes to another (「午後10時から午後11時に延長」) stated as the new one,
  unless the question asks about before the change (「現行の」, 「これまでは」).
- `difference`: asked by how much a figure rose or fell, where the short answer is one of the two figures a cited
  sentence states as before and after a change, their difference, written out.
- `asked_kind`: refused when its short answer is of another kind than asked (`of_another_kind`: a date or a person
  for 「どこ」).
- `asked_country`: asked for one country's office holder, refused when a cited sentence names the short answer as
  another country's, unless one titles a person with the asked country's office: that person answers.
- `asked_office`: refused when the cited sentences (or the short answer itself) title it only with another office
  than the one whose holder is asked for (「ラブロフ外相」 for 「国防相は誰」).
- `names_held`: refused when an article it cites does not hold a name the question gives (`unnamed`: 「西口店」
  answered from a row about 東口店) or no article found holds a date or fiscal year the question states; the options
  a comparison found, each in its own article, are not looked for.
- `named_place`: refused when every cited sentence stating it names another place than one the question names, with
  the same suffix (日本海 asked about 東シナ海).
- `named_person`: refused when its sentences speak of another person than the one the question names.
- `named_row`: refused when a cited table row is not the one the question names (抹茶ラテ's R row asked about its
  Lサイズ).
- `named_item`: refused when it is the price of an item of a list written in prose that the question does not name
  (多目的ホール's price asked about the 体育館), except a price code computed (its working written out).
- `named_column`: where its short answer is the value of another column of a cited table row than the one the
  question names (ライトプラン's fee asked about スタンダードプラン), the named column's value answers if the question
  names the row as well; else refused.
- `asked_period`: refused when it is an amount for another period than asked (a month's fee asked for a year's).
- `picked_column`: where the short answer is one of two or more prices in its unit that a cited table row holds
  (not one value before and after a change) and the question names the column of none, the row is shown and the
  reader picks (counted as a refusal).
- `sources_agree`: checked against the other articles retrieved: when another article's sentence about the question
  states a different figure or date of the same kind, the reply says that the sources differ and cites both, with
  their dates, instead of choosing one.

Before the model writes, the rules of `Verifier.BEFORE_REPLY` may decide from the shown passages alone (a comparison
of options, `compared_options`; the price of the things a question counts, `counted_total`; a rate of change,
`changed_rate`; a price for one, `price_per_one`), and before that the passages shown are narrowed to the articles
that name what the question names (`naming`). Each of these, each rule and each check is a step that can be switched
off by name (`Verifier(skip=...)`, `Verifier.without`; `compared_options` in both places at once), to measure what it
changes on a question set: `python -m evals steps`.
"""

from __future__ import annotations

import copy
import logging
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from typing import NamedTuple

from .answer_type import (
    answer_span,
    asks_price,
    asks_when,
    asks_who_or_where,
    expected_answer,
    holds_answer,
    of_another_kind,
    range_end,
)
from .arithmetic import (
    MAX_TERMS,
    Counted,
    Derivation,
    Operand,
    counted_things,
    counts_only_things,
    derive,
    difference,
    evaluate,
    format_figure,
    one_customer,
    operands,
    shows_calculation,
)
from .chunk import Passage, split_sentences
from .cite import (
    asked_part,
    coverage,
    described_name,
    filled_part,
    find_near_span,
    find_span,
    holds_date,
    holds_name,
    list_items,
    locate,
    name_bigrams,
    residue,
    support,
    unbracketed,
    whole_date,
    with_bounds,
    with_counter,
)
from .japanese import (
    ASKED_COUNT,
    ASKS_BEFORE_CHANGE,
    CALCULATION_WORDS,
    CLOSING_BRACKETS,
    COPULA_END,
    DATE,
    DIGITS,
    KATAKANA_WORD,
    NOUN_END,
    OPENING_BRACKETS,
    PRICE_CLASSES,
    RELATIVE_DATE,
    YEAR_BEFORE_MONTH,
    Compared,
    Quantity,
    amounts,
    asked_change,
    asked_office,
    asked_whose,
    asks_difference,
    before_and_after,
    changed_values,
    clause_around,
    clauses,
    clock_times,
    compared_by,
    compared_pair,
    compared_value,
    compares,
    counter_form,
    country_after,
    country_before,
    customer_classes,
    date_as_written,
    date_form,
    date_in,
    dates_spelled,
    fold_width,
    for_one,
    gives_value,
    half_pair,
    is_money,
    label_before,
    listed_figures,
    listed_options,
    lists_options,
    named_option,
    names_another,
    names_every_place,
    names_in,
    names_stated,
    numbers_in,
    office_holder,
    office_titling,
    option_form,
    other_office,
    per_one,
    period_of,
    person_another,
    persons_named,
    quantities,
    said_once,
    same_words,
    spelled_as,
    squash,
    stated_dates,
    times_as_written,
    whole_figure,
    without_loose_marks,
    without_words,
)
from .prompt import REFUSAL, Evidence, parse_reply
from .retrieve import Hit
from .tables import row_cells

log = logging.getLogger(__name__)

QUOTED_ANSWER = re.compile(r"記事には「(.*)」とあります。")
_MARKERS = re.compile(r"\[\d+\]")
FIGURES_ONLY = "資料に答えそのものは書かれておらず、計算の結果を確かめられませんでした。もとになる数値:"
CONFLICT = "資料によって記載が異なります。"
# What an answer computed by code writes before its working (「2,640円です。(計算: 1,320円 × 2 = 2,640円)」).
WORKING_SHOWN = "(計算:"
# Where a table row holds several values of the asked kind and the question says which of them it asks for by no word
# of a column's name (`Verifier.unpicked_column`): the row is shown, and the reader picks.
UNPICKED = "資料の表には区分ごとに異なる値があり、質問がどれを指すか決められませんでした。該当する行:"
# Longer, the words an answer sentence gives where the question asks are a clause restating it, not a short answer.
MAX_SHORT_ANSWER_CHARS = 15
# The share of a table column's name (its character bigrams) a question must hold to name that column: 「スタンダード」
# in 「スタンダードプランの…」. Lower, a column whose name shares one word with the question (「料金」) counts as asked.
MIN_COLUMN_NAMED = 0.5


@dataclass
class Citation:
    """A passage that supports the answer, with the quoted span (offsets into `text`) to highlight."""

    n: int
    doc_id: str
    title: str
    passage_id: str
    text: str
    quote: str
    quote_start: int
    quote_end: int
    publisher: str = ""
    date: str = ""


class Verdict(NamedTuple):
    """What checking the model's reply against the passages decided."""

    answer: str
    refused: bool
    reason: str = ""
    citations: list[Citation] = []
    short_answer: str = ""


@dataclass
class Claim:
    """The model's reply located in the passages shown: what every rule reads."""

    question: str
    answer: str  # the model's answer sentence without [n] markers; "" when it stated a number no passage holds
    wanted: re.Pattern | None  # the kind of words the question asks for, if it says
    shown: list[Hit]
    citations: list[Citation]  # the sentences (or verbatim quotes) the answer rests on, found in `shown`
    key: tuple[str, Citation] | None  # the short answer as a passage spells it, and the sentence holding it
    evidence: list = ()  # the numbered sentences the model was shown (rag.prompt.Evidence)
    derivations: list[Derivation] = ()  # how the figures the answer computed follow from the shown ones
    unchecked: bool = False  # the model computed a number (wrote out its sum) that code could not derive
    related: list[Hit] = ()  # every passage retrieved, the shown ones first: where another source may disagree
    invented_key: bool = False  # the model wrote a short answer (要点) that no shown passage holds
    option: str = ""  # the option of a choice question (「洞穴と深海のどっち」) the model named, as the question spells it
    located: Sequence[str] = ()  # set by `_checked`: the options `compared_options` found, each in its own article

    @property
    def passages(self) -> list[Passage]:
        return [h.passage for h in self.shown]


class Stated(NamedTuple):
    """What the shown passages and the question state, to tell the model's own numbers from theirs."""

    text: str  # each source squashed, one a line
    numbers: set[str]  # the numbers each writes (`numbers_in`)
    figures: set[tuple[float, str]]  # the value and unit of each figure (`quantities`): 「13,200円」 is (13200, 円)
    dates: tuple[str, ...]  # each source as `date_in` reads it: 「2026/4/1」 as 「2026年4月1日」

    @classmethod
    def of(cls, sources: Sequence[str]) -> Stated:
        return cls("\n".join(squash(s) for s in sources), {n for s in sources for n in numbers_in(s)},
                   {(q.value, q.unit) for s in sources for q in quantities(s)},
                   tuple(dates_spelled(s) for s in sources))


def _number_forms(figure: str) -> set[str]:
    """The forms `Verifier._invented_numbers` reads a figure's digits in: each number, and all its digits as one run."""
    return {*numbers_in(figure), "".join(DIGITS.findall(squash(figure)))}


def _offers_options(question: str) -> bool:
    """Whether `question` lists options to choose among (「町と村のどちら」, 「A、B、Cのうち」), each named in its own
    article or sentence."""
    return lists_options(question) or bool(listed_options(question))


def _row_figures(cells: list[tuple[str, str]], kept: Callable[[Quantity], bool]) -> list[tuple[str, Quantity, str]]:
    """The cells of a row (its first, naming the row, aside) that state one figure `kept` accepts: (column name, the
    figure, the value folded to half width)."""
    return [(name, figures[0], folded) for name, value in cells[1:]
            if len(figures := amounts(folded := fold_width(value))) == 1 and kept(figures[0])]


def _row_prices(cells: list[tuple[str, str]]) -> list[tuple[str, Quantity, str]]:
    """The cells of a row that state one price (`is_money`), as `_row_figures` gives them."""
    return _row_figures(cells, lambda figure: is_money(figure.unit))


def _names_row(cells: list[tuple[str, str]], asked: str) -> bool:
    """Whether the question (`asked`, squashed) writes every word of the row's first cell, the one naming the row
    (「区間: 潮見港~かもめ島」, 「講座名: はじめての水彩画」)."""
    grams = name_bigrams(cells[0][1]) if cells else set()
    return bool(grams) and all(gram in asked for gram in grams)


def priced_in_row(row: str, thing: str, question: str) -> list[tuple[Quantity, str]]:
    """The price (a figure in money, `is_money`, with its words as written) a table row gives for `thing`, or [] where
    it gives none or several the question does not choose between. The row prices the thing where its first cell
    names it (「品目: 布団・毛布、手数料(1点): 300円」 for 布団; several figures there are told apart by the column the
    question names), or where one of its columns does (「大人(フェリー)」 for 大人, 「小人(…)」 for 小学生:
    `PRICE_CLASSES`), in a row every word of whose first cell the question writes (「区間: 潮見港~かもめ島」, not the
    row of 潮見港~つばき島) and a column whose other words the question holds (フェリー, not 高速船)."""
    cells = row_cells(row)
    if not cells:
        return []
    asked = squash(question)
    forms = {squash(thing), squash(PRICE_CLASSES.get(thing, thing))}
    priced = _row_prices(cells)
    if any(form in squash(cells[0][1]) for form in forms):
        found = priced if len(priced) == 1 else [
            cell for cell in priced if any(gram in asked for gram in name_bigrams(cell[0]))]
    elif not _names_row(cells, asked):
        return []
    else:
        named = [cell for cell in priced if any(form in squash(cell[0]) for form in forms)]
        found = named if len(named) == 1 else [cell for cell in named if any(
            gram in asked for gram in name_bigrams(cell[0]) - set().union(*(name_bigrams(form) for form in forms)))]
    return [(figure, figure.written(value)) for _, figure, value in found] if len(found) == 1 else []


def not_spoken_of(names: Sequence[str]) -> str:
    """The refusal that tells the reader which names or dates asked about the documents do not speak of."""
    return f"資料には「{'」「'.join(names)}」についての記載がありません。"


class Verifier:
    """verifier(reply, shown, question, evidence) -> Verdict, the model's reply checked against the passages.

    Parameters:
        documents: doc_id -> Document of the index, for the publisher and date of each citation ({}).
        min_support: share of what the answer adds to the question (character bigrams) that must stand in the
            sentences it cites (0.6). Higher refuses more paraphrased right answers; lower lets invented words
            through.
        min_coverage: share of the question's words a sentence (with its article's title and publisher, the
            organisation a notice speaks for without naming it) must speak about before it can answer in the
            model's stead (0.5); read alone, without its title, before its title may back what the model's answer
            adds. Lower answers more questions the articles only touch, wrongly.
        near_chars: a cited sentence this close (in characters) to the short answer's sentence is read as its
            context (100): a speech quoted in part goes on in the next sentences.
        min_typed_coverage: the same share for a sentence whose number of the asked kind answers when nothing the
            model wrote stands (0.7): higher than min_coverage, because a question on a topic the articles miss
            often still shares their names.
        min_backing_coverage: the share of the question's words that the passage backing an answer which cites
            no shown sentence must speak about (0.25): low, as a passage that answers often words it otherwise, but
            enough to keep out words found anywhere in the articles (a byline's name for 「首相は誰」).
        skip: names of steps (`STEPS`) switched off, to measure what each changes (none): every step is on in use.
    """

    # The rules, in order: the first that gives a verdict decides (the module's docstring, 1-8).
    RULES = ("computed_answer", "compared_options", "chosen_option", "model_answer", "short_answer", "agreed_sentence",
             "typed_answer", "figures")
    # The rules that decide from the shown passages alone, before the model writes (`before_reply`), in order.
    BEFORE_REPLY = ("compared_options", "counted_total", "changed_rate", "price_per_one")
    # The checks every verdict a rule gives passes, in order (`_checked`, each a `check_<name>` method): each gives the
    # verdict back, another answer in its place, or a refusal, which ends the checking.
    CHECKS = ("asked_part", "value_in_force", "difference", "asked_kind", "asked_country", "asked_office", "names_held",
              "named_place", "named_person", "named_row", "named_item", "named_column", "asked_period",
              "picked_column", "sources_agree")
    # The step before the model: the passages shown are those of the articles naming what the question names.
    PREPARE = ("naming",)
    STEPS = tuple(dict.fromkeys(RULES + BEFORE_REPLY + CHECKS + PREPARE))

    def __init__(self, documents: Mapping | None = None, min_support: float = 0.6, min_coverage: float = 0.5,
                 near_chars: int = 100, min_typed_coverage: float = 0.7, min_backing_coverage: float = 0.25,
                 skip: Iterable[str] = ()):
        self.documents = documents or {}
        self.min_support = min_support
        self.min_coverage = min_coverage
        self.near_chars = near_chars
        self.min_typed_coverage = min_typed_coverage
        self.min_backing_coverage = min_backing_coverage
        self.skip = self.named_steps(skip)

    @classmethod
    def named_steps(cls, names: Iterable[str]) -> frozenset[str]:
        """`names` (or one name) as a set, each a step of `STEPS` (else ValueError, naming them)."""
        names = frozenset([names] if isinstance(names, str) else names)
        if unknown := sorted(names - set(cls.STEPS)):
            raise ValueError(f"unknown verification step(s) {', '.join(unknown)}; the steps are: "
                             f"{', '.join(cls.STEPS)}")
        return names

    def without(self, *steps: str) -> Verifier:
        """This verifier with `steps` (names of `STEPS`) switched off as well: what each step changes is measured
        so (`python -m evals steps`)."""
        other = copy.copy(self)
        other.skip = self.skip | self.named_steps(steps)
        return other

    def _on(self, names: Sequence[str]) -> list[str]:
        return [name for name in names if name not in self.skip]

    def __call__(self, reply: str, shown: list[Hit], question: str, evidence: list[Evidence] = (),
                 related: list[Hit] = ()) -> Verdict:
        parsed = parse_reply(reply)
        if parsed.says_unknown:
            return self.refusal(question, list(related) or list(shown), "the passages do not answer the question")
        claim = self.claim(parsed, shown, question, evidence)
        claim.related = list(related) or list(shown)
        for name in self._on(self.RULES):
            if (verdict := getattr(self, name)(claim)) is not None:
                return self._checked(verdict, claim, name)
        reason = "the answer is not backed by the quoted passages" if claim.citations else \
            "no quote could be found in the passages"
        return self.refusal(question, claim.related, reason)

    def before_reply(self, shown: list[Hit], question: str, evidence: list[Evidence] = (),
                     related: list[Hit] = ()) -> Verdict | None:
        """The verdict code reaches from the shown passages alone, before the model writes (`BEFORE_REPLY`: a
        comparison of the options' figures, a total, a rate of change, a price for one), checked as any other (a
        refusal too: the rules would reach it after the model's reply as well); None when it needs the model's
        reply."""
        claim = Claim(question, "", expected_answer(question), shown, [], None, list(evidence))
        claim.related = list(related) or list(shown)
        for name in self._on(self.BEFORE_REPLY):
            if (verdict := getattr(self, name)(claim)) is not None:
                return self._checked(verdict, claim, name)
        return None

    def _checked(self, verdict: Verdict, claim: Claim, rule: str) -> Verdict:
        """The verdict of `rule` through every check of `CHECKS` in turn, until one refuses it."""
        # the options a comparison located, each in its own article, are names no one article need hold
        claim.located = listed_options(claim.question) if rule == "compared_options" else []
        for name in self._on(self.CHECKS):
            verdict = getattr(self, f"check_{name}")(verdict, claim)
            if verdict.refused:
                return verdict
        return verdict

    # --- the checks, in order ----------------------------------------------------------------------------------

    def check_asked_part(self, verdict: Verdict, claim: Claim) -> Verdict:
        """The short answer cut to what the question asks for, or read from the answer sentence (`_with_short_answer`)."""
        return self._with_short_answer(verdict, claim.question)

    def check_value_in_force(self, verdict: Verdict, claim: Claim) -> Verdict:
        """The value a cited sentence changes another to, not the old one, unless the question asks about before the
        change (`_in_force`)."""
        return self._in_force(verdict, claim.question)

    def check_difference(self, verdict: Verdict, claim: Claim) -> Verdict:
        """Asked by how much a figure changed, where the short answer is one of the two figures a cited sentence
        states as before and after a change, their difference, written out; an answer showing its working stands
        (`_difference`)."""
        return self._difference(verdict, claim.question)

    @staticmethod
    def check_asked_kind(verdict: Verdict, claim: Claim) -> Verdict:
        """Refused when the short answer is of another kind than asked (`of_another_kind`: a date for 「どこ」)."""
        if of_another_kind(verdict.short_answer, claim.question):
            return Verdict(REFUSAL, True, "the answer is not of the kind the question asks for")
        return verdict

    def check_asked_country(self, verdict: Verdict, claim: Claim) -> Verdict:
        """Asked one country's office holder, refused when a cited sentence names the short answer as another
        country's, unless one titles a person with the asked country's office: that person answers, checked on as
        any other answer (`_of_another_country`, `_office_holder`)."""
        if not (whose := self._of_another_country(verdict, claim.question)):
            return verdict
        if (holder := self._office_holder(verdict, claim.question)) is None:
            return Verdict(not_spoken_of([whose]), True, f"the answer is of another country than {whose}")
        return holder

    def check_asked_office(self, verdict: Verdict, claim: Claim) -> Verdict:
        """Refused when the cited sentences (or the short answer itself) title the short answer only with another
        office than asked (`_of_another_office`: 「ラブロフ外相」 for 「国防相は誰」)."""
        if office := self._of_another_office(verdict, claim.question):
            return Verdict(REFUSAL, True, f"the answer holds another office ({office}) than the question asks for")
        return verdict

    def check_names_held(self, verdict: Verdict, claim: Claim) -> Verdict:
        """Refused when a cited article does not hold a name the question gives (but the options a comparison found,
        `claim.located`), or no article found holds a date the question states (`unnamed`); the reply names them as
        the question writes them."""
        if missing := self.unnamed(verdict, claim.question, [h.passage.doc_id for h in claim.related],
                                   claim.located):
            missing = [date_as_written(words, claim.question) for words in missing]
            return Verdict(not_spoken_of(missing), True, f"the cited articles do not name {'、'.join(missing)}")
        return verdict

    def check_named_place(self, verdict: Verdict, claim: Claim) -> Verdict:
        """Refused when every cited sentence stating the answer names another place than the question, with the
        same suffix (`_of_another_place`: 日本海 asked about 東シナ海)."""
        if other := self._of_another_place(verdict, claim.question):
            return Verdict(REFUSAL, True, f"the cited sentence speaks of {other}, not of the place the question names")
        return verdict

    def check_named_person(self, verdict: Verdict, claim: Claim) -> Verdict:
        """Refused when the cited sentences speak of another person than the question names
        (`_of_another_person`)."""
        if other := self._of_another_person(verdict, claim.question):
            return Verdict(REFUSAL, True,
                           f"the cited sentence speaks of {other}, not of the person the question names")
        return verdict

    def check_named_row(self, verdict: Verdict, claim: Claim) -> Verdict:
        """Refused when a cited table row is not the one the question names (`other_row`)."""
        if row := self.other_row(verdict.citations, claim.question):
            return Verdict(REFUSAL, True, f"the answer is read from another row than the one of {row}")
        return verdict

    def check_named_item(self, verdict: Verdict, claim: Claim) -> Verdict:
        """Refused when the short answer is the price of an item of a prose list that the question does not name
        (`unasked_item`); not a price code computed (its working written out), which may equal another item's."""
        if WORKING_SHOWN not in verdict.answer and (
                item := self.unasked_item(verdict.short_answer, verdict.citations, claim.question)):
            return Verdict(REFUSAL, True, f"the answer is the figure of {item}, which the question does not name")
        return verdict

    def check_named_column(self, verdict: Verdict, claim: Claim) -> Verdict:
        """Where the short answer is the value of another column of a cited row than the question names
        (`other_column`), the value of the column named answers if the question names the row too (`named_cell`),
        else the answer is refused."""
        if not (column := self.other_column(verdict.short_answer, verdict.citations, claim.question)):
            return verdict
        if (cell := self.named_cell(verdict.citations, column, claim.question)) is None:
            return Verdict(REFUSAL, True, f"the answer is read from another column than {column}")
        return cell

    def check_asked_period(self, verdict: Verdict, claim: Claim) -> Verdict:
        """Refused when the short answer is an amount for another period than asked (`other_period`)."""
        if period := self.other_period(verdict.short_answer, verdict.citations, claim.question):
            return Verdict(REFUSAL, True, f"the answer is an amount for one {period}, not the period asked for")
        return verdict

    def check_picked_column(self, verdict: Verdict, claim: Claim) -> Verdict:
        """Where the short answer is one of two or more prices in its unit that a cited row holds and the question
        names the column of none (`unpicked_column`), the row is shown and the reader picks: the question counts as
        refused."""
        if row := self.unpicked_column(verdict.short_answer, verdict.citations, claim.question):
            return Verdict(f"{UNPICKED}「{row.quote}」[{row.n}]", True,
                           "the question picks none of the cited row's values", [row])
        return verdict

    def check_sources_agree(self, verdict: Verdict, claim: Claim) -> Verdict:
        """Where another article states otherwise, a reply that the sources differ, citing both (`conflicting`)."""
        return self.conflicting(verdict, claim)

    @staticmethod
    def unasked_item(short_answer: str, citations: list[Citation], question: str) -> str:
        """The item of a list of prices written in prose (`japanese.listed_figures`) whose price the short answer is,
        where the question names no word of it (「多目的ホール」 of 「会議室 1時間300円、多目的ホール 1時間1,500円、
        調理実習室 1時間800円」, asked what the 体育館 costs): the model read the price of something the question does
        not ask about, as `other_row` finds in a table. An item is named by any of its character bigrams (「調理室」
        names 調理実習室), a class of customer by its price class too (「子ども」 names 小人 and 子供). "" where the short
        answer is no price of such a list (a table's row is none), a cited sentence states it otherwise than as a
        listed item (「体育館も1時間300円です」, or in a part the list is not read from), the question names an item
        stating it, or ranks the items (「一番安い部屋」: it asks about the whole list). Prices only: a list of times or
        counts is named by words of a kind (「土日」 for 土曜日, 「死者」 for 亡くなった人) a question puts otherwise."""
        figure = fold_width(short_answer.strip())
        if not any(is_money(q.unit) for q in amounts(figure)) or compares(question):  # 「1時間1,500円」 is a price
            return ""
        # the question's words, and the price class of each class of customer it names (子ども: 小人), apart
        asked = "\n".join([squash(same_words(question)), *(PRICE_CLASSES.get(c, c) for c in customer_classes(question))])
        stating = []
        for citation in citations:
            if row_cells(citation.quote):  # a table's row: its columns are `other_row`'s and `other_column`'s
                continue
            # the figure whole: 300円 is not the end of 1,300円
            at = [m.start() for m in re.finditer(rf"(?<![0-9,.]){re.escape(figure)}", fold_width(citation.quote))]
            listed = [(name, start, end) for name, start, end in (listed_figures(citation.quote) if at else [])
                      if any(start <= a < end for a in at)]
            if at and not listed:
                return ""
            stating += [name for name, _, _ in listed]
        named = [name for name in stating
                 if any(gram in asked for gram in name_bigrams(same_words(PRICE_CLASSES.get(name, name))))]
        return stating[0] if stating and not named else ""

    def named_cell(self, citations: list[Citation], column: str, question: str) -> Verdict | None:
        """The value in `column` (the one the question names, `other_column`) of a cited row the question names by
        every word of its first cell, citing that row: asked about 「西地区」's 「可燃ごみ」, the model read the
        neighbouring 「不燃ごみ: 第2金曜」 of 「地区: 西地区、燃やすごみ: 火・金、…」, and the answer is 「火・金」. None where
        no cited row is so named or holds the column, or its value is of another kind than asked (no figure where the
        question asks a counted one, 「何円」: a 「サイズ」 it names as a condition is no answer)."""
        asked = squash(question)
        for citation in citations:
            cells = row_cells(citation.quote)
            if _names_row(cells, asked) and (value := next((value for name, value in cells[1:] if name == column), "")):
                if of_another_kind(value, question) or (ASKED_COUNT.search(fold_width(question)) and not holds_answer(
                        value, expected_answer(question), question)):
                    return None
                return self._cited(f"{value}です。", [citation], value)
        return None

    @staticmethod
    def other_period(short_answer: str, citations: list[Citation], question: str) -> str:
        """The period (「月」, 「年」) that every cited sentence stating the short answer, an amount of money, says
        it is for, where the question asks for another (`japanese.period_of`): a table row by the name of the
        column holding it (「改定後月額: 9,350円」) or else of the row (「項目: 月額、ライト: 3,000円」), prose by the
        words of its clause before it (「月会費は9,350円」).
        Asked what a year costs paid yearly, the model gave the new monthly fee. "" where the question names no
        period, or a cited sentence states the amount for the one asked or for none."""
        asked, key = period_of(question), squash(short_answer)
        if not asked or not key or not any(is_money(q.unit) for q in amounts(short_answer)):
            return ""
        stated = set()
        for citation in citations:
            if key not in squash(citation.quote):
                continue
            if cells := row_cells(citation.quote):  # the column's name, else the row's (「項目: 月額、ライト: …」)
                stated |= {period_of(name) or period_of(cells[0][1])
                           for name, value in cells[1:] if key in squash(value)}
            else:
                where = fold_width(citation.quote).find(fold_width(short_answer))
                stated.add(period_of(clause_around(citation.quote, where, where)[0]) if where >= 0 else "")
        return stated.pop() if len(stated) == 1 and "" not in stated and asked not in stated else ""

    @staticmethod
    def unpicked_column(short_answer: str, citations: list[Citation], question: str) -> Citation | None:
        """The cited table row the short answer, a price, is read from, where the question picks none of the row's
        prices in its unit: the row holds two or more, and no column holding one has a name sharing a character
        bigram with the question (「区間: つばき島~かもめ島、大人(フェリー): 720円、大人(高速船): 1,150円、…」 asked what
        taking a car across costs). The model took one of the row's fares; which one the question does not say,
        and a question whose answer the table lacks is read that way too. A row stating one value before and after
        a change (`compared_pair`) is left to the value in force. None where any cited row holding the answer has a
        column the question names, or only one such price; figures of other kinds (seats, hours) are left alone, as
        a question names their columns in words of its own (「席はいくつ」 for 「席数」) more often than not."""
        key, asked = squash(short_answer), squash(question)
        if not key:
            return None
        unpicked = None
        for citation in citations:
            prices = _row_prices(row_cells(citation.quote))
            holding = [price for _, price, value in prices if key in squash(value)]
            if len(holding) != 1:
                continue
            unit = holding[0].unit
            alike = [name for name, price, _ in prices if price.unit == unit]
            if len(alike) < 2 or any(gram in asked for name in alike for gram in name_bigrams(name)) \
                    or compared_pair(fold_width(citation.quote), unit):
                return None  # a row holding the answer that the question picks, or with nothing to pick between
            unpicked = unpicked or citation
        return unpicked

    # --- locating the reply ------------------------------------------------------------------------------------

    def claim(self, parsed, shown: list[Hit], question: str, evidence: list[Evidence] = ()) -> Claim:
        """The reply's parts found in the shown passages: cited sentences by number, verbatim quotes, or else the
        one sentence that backs the answer; and the short answer."""
        passages = [h.passage for h in shown]
        # A made-up date or amount drops the model's words that state it: only what the passages show may answer,
        # and a figure the model computed only when code derives it from the figures of what it cites.
        stated = Stated.of([question] + [p.text for p in passages])
        held = stated.text
        # the reply as the passages spell it: the model writes a kanji in its Chinese form or a name twice
        characters = set(held)
        parsed = replace(parsed, answer=said_once(spelled_as(parsed.answer, characters), held),
                         key=said_once(spelled_as(parsed.key, characters), held))
        # and its times of day as the sentences it cites write them (「7:00」 citing 「午前7時に変更」)
        cited = [e.text for e in evidence if e.n in parsed.cited]
        parsed = replace(parsed, answer=times_as_written(parsed.answer, cited), key=times_as_written(parsed.key, cited))
        answer, derivations = self._without_unstated_years(parsed.answer.strip(), held), []
        invented, computed = self._invented_numbers(answer, stated), shows_calculation(answer)
        if invented or computed:
            derivations = self._derivations(answer, invented, list(evidence), parsed.cited, question)
            if derivations is None:
                answer, derivations = "", []
        # a 要点 that only repeats the question's words says nothing: the answer sentence's words are read instead
        readings = self._key_readings(parsed.key, question) if parsed.key else []
        own_key = parsed.key if readings else ""

        def short_text(words: str) -> str:  # the words without a year or figure no passage or the question states
            words = self._without_unstated_years(words, held)
            return words if not self._invented_numbers(words, stated) else ""

        key_text = short_text(own_key or self._answer_words(answer, question))
        unchecked = computed and not answer
        citations: list[Citation] = []

        def add(passage: Passage, start: int, end: int) -> None:
            if not any(c.passage_id == passage.passage_id for c in citations):
                citations.append(self.citation(len(citations) + 1, passage, start, end))

        numbered = {e.n: e for e in evidence if e.doc_id}
        for n in parsed.cited:  # a number that names no sentence shown is ignored
            if (item := numbered.get(n)) is not None and item.rank < len(shown):
                passage = shown[item.rank].passage
                add(passage, item.start - passage.start, item.end - passage.start)
        for quote, _claimed in parsed.quotes:  # a quote's own number is ignored: where it is found decides
            if (where := locate(quote, passages)) is None:
                log.info("dropped a quote not found in the passages: %r", quote)
                continue
            add(passages[where.passage], where.start, where.end)
        if not citations and answer and (backed := self._backing_sentence(answer, passages)) is not None:
            # Cited nothing that was shown, yet answered: the sentence of a passage that backs the answer stands
            # in, if that passage speaks about the question. Words found anywhere in the articles (a byline's name
            # for 「首相は誰」) are no answer to it.
            number, start, end = backed
            passage = passages[number]
            if self._coverage(question, passage, passage.text) >= self.min_backing_coverage:
                add(passage, start, end)
        wanted = expected_answer(question)
        key = self._key_citation(key_text, question, passages, citations, wanted)
        # The model's own short answer, with words beyond the question's, that its answer sentence does not hold
        # and of which no two characters stand in a shown passage: its two lines disagree, and the sentence, copied
        # from a passage, says something else than what the model took for the answer (「ブラジル」 beside a
        # sentence on meetings, asked where someone was born).
        invented_key = key is None and bool(own_key) \
            and not any(squash(word) in squash(answer) for word in readings[0]) \
            and support(own_key, [f"{p.title}\n{p.text}" for p in passages], question) == 0
        if invented_key and not (names_stated(own_key) or asks_who_or_where(question)
                                 or (wanted is not None and holds_answer(own_key, wanted, question))):
            # Common words found nowhere (「言語」 beside a sentence saying how a talk was judged) name nothing the
            # model could have made up: a slip of the 要点, whose answer sentence's words are read instead, as for a
            # 要点 repeating the question.
            invented_key = False
            key = self._key_citation(short_text(self._answer_words(answer, question)), question, passages, citations,
                                     wanted)
        option = named_option(parsed.key or answer, question)
        return Claim(question, answer, wanted, shown, citations, key, list(evidence), derivations, unchecked,
                     invented_key=invented_key, option=option)

    # --- the rules, in order -----------------------------------------------------------------------------------

    def computed_answer(self, claim: Claim) -> Verdict | None:
        """The model's answer stating a figure it computed, when code derives that figure, of the kind the question
        asks for, from shown figures: it stands with the calculation written out, citing the sentences that state
        the operands."""
        if not claim.derivations or not claim.answer:
            return None
        # a figure in another unit than the one asked for (「何便」 answered in 人) answers another question
        if not all(holds_answer(d.expression.rsplit("= ", 1)[1], claim.wanted) for d in claim.derivations):
            return None
        citations = self._distinct([citation for derivation in claim.derivations for operand in derivation.operands
                                    if operand.source >= 0
                                    and (citation := self._evidence_citation(claim, operand.source)) is not None])
        if not citations:
            return None
        shown = "、".join(d.expression for d in claim.derivations)
        answer = _MARKERS.sub("", claim.answer).strip()
        if shows_calculation(answer):  # the model's own working is shown checked, not as it wrote it
            answer = "、".join(d.expression.rsplit("= ", 1)[1] for d in claim.derivations) + "です。"
        return self._cited(f"{answer}(計算: {shown})", citations)

    def model_answer(self, claim: Claim) -> Verdict | None:
        """The model's sentence, when the sentences it cites back what it adds to the question (its closing
        copula and the words it repeats from the question prove nothing), say more than that, and it states words
        of the asked kind. A sentence naming what no shown passage holds (`_invented_names`) is no answer, however
        much of it the passages back.

        When the model's short answer stands in a passage but its sentence does not state it, the one of the two
        resting on the sentence that speaks more about the question answers. An amount that no cited sentence
        states, while one states another in its unit, is none (`_stated_otherwise`)."""
        answer, key, citations, question = claim.answer, claim.key, claim.citations, claim.question
        if not answer or not citations or claim.invented_key or self._invented_names(answer, claim.passages, question):
            return None
        # The title of a cited article counts, as a sentence leaves out the topic its article is named for
        # (「国会開会式を欠席。」 in 「日本共産党」); then a cited sentence itself, its title aside, must speak about
        # the question: a headline copied as the answer, or a heading (「導入実績」) cited under a title naming the
        # company asked about, is backed by nothing the question asks about.
        said = COPULA_END.sub("", answer)
        if support(said, [c.text for c in citations], question) < self.min_support and (
                support(said, [f"{c.title}\n{c.text}" for c in citations], question) < self.min_support
                or max(coverage(question, c.quote) for c in citations) < self.min_coverage):
            return None
        added = squash(residue(answer, question))
        if all(squash(c.quote) in added for c in citations):
            return None  # sentences that say nothing but the answer (a byline's name) do not tie it to the question
        if key is None:
            return self._cited(answer, citations) if holds_answer(answer, claim.wanted, claim.question) else None
        span, where = key
        if squash(span) in squash(answer):  # cited: the sentences that state the short answer
            span = self._placed(answer, question, span, citations, claim.wanted)
            if stating := [c for c in citations if squash(span) in squash(c.quote)]:
                return self._cited(answer, stating, span)
            if self._stated_otherwise(span, citations):
                return None
            return self._cited(answer, [where], span)
        if self._answer_sentence_coverage(answer, citations, question) <= self._coverage(question, where, where.quote):
            return self._cited(self._answer_from_span(span, where), [where], span)
        return self._cited(answer, citations)

    @staticmethod
    def _placed(answer: str, question: str, span: str, citations: list[Citation], wanted: re.Pattern | None) -> str:
        """The words of the answer sentence standing where the question asks (`filled_part`), as a cited passage
        spells them, where the model's short answer is other words of its sentence and not of the kind asked:
        「季節風の流れが変化したため、長江で破滅的な大洪水が…」 answers 「何の流れが変化しましたか」 with 「季節風」,
        whatever its 要点 says; a 要点 「3月3日から9月3日」 for 「何月何日から」 stays, and so does one where the
        words are not in a cited sentence (「ムンク一家」 stands elsewhere in the passage: the sentence citing
        「…画家エイヨルフ・ソートとともにパリに向かった」 backs the 要点, not them)."""
        if wanted is not None and holds_answer(span, wanted, question):
            return span
        placed = filled_part(answer, question, longest=False)
        if not placed or squash(placed) in squash(span) or squash(span) in squash(placed):
            return span
        found = find_span(placed, [replace(c, text=c.quote) for c in citations])
        return span if found is None else citations[found.passage].quote[found.start:found.end]

    def compared_options(self, claim: Claim) -> Verdict | None:
        """For a choice question comparing its options by date or amount (「どちらが先に噴火」, 「どちらが安い」,
        `compared_by`): the option the comparison picks, when code finds for every option one figure of that kind
        in the shown passages (in a clause naming it, one value however often stated) and the units agree. It
        stands with the figures written out, citing the sentences stating them, whichever option the model named:
        a small model guesses a comparison about as often as it reads one."""
        if (order := compared_by(claim.question)) is None:
            return None
        kind, sign = order
        found: dict[str, tuple[Compared, Citation]] = {}
        for option in listed_options(claim.question):
            values: dict[tuple, tuple[Compared, Citation]] = {}
            for passage in claim.passages:
                for start, end in split_sentences(passage.text):
                    for clause in clauses(passage.text[start:end]):
                        # the figure beside the option, not one in its name (「SC-300」, 「1950年」)
                        if option_form(option) in option_form(clause) and (value := compared_value(
                                without_words(clause, option), kind)) is not None:
                            values.setdefault(value[:2], (value, self.citation(0, passage, start, end)))
            if len(values) != 1:
                return None
            found[option] = next(iter(values.values()))
        if len(found) < 2 or len({value.unit for value, _ in found.values()}) != 1:
            return None
        ranked = sorted(found, key=lambda option: found[option][0].value, reverse=sign > 0)
        first = found[ranked[0]][0]
        if any(found[option][0].precedes(first) is not (sign > 0) for option in ranked[1:]):
            return None  # a tie, or dates that do not tell
        citations = self._distinct([citation for _, citation in found.values()])
        figures = "、".join(f"{option}: {value.written}" for option, (value, _) in found.items())
        return self._cited(f"{ranked[0]}です({figures})。", citations, ranked[0])

    def counted_total(self, claim: Claim) -> Verdict | None:
        """Asked what the things the question counts cost (「自転車1台と学習机1つ、布団2枚…全部でいくら」, 「大人2人と
        小学生1人で…合計いくら」, 「高速船に大人1人で乗ると、片道いくら」): each count times the one price a shown table
        row gives for its thing (`priced_in_row`), added up and written out, citing the rows, where code finds exactly
        one such price, in one unit, for each thing. A small model adds the wrong rows, or leaves a count out, far
        more often than it reads a price list; where a thing has no price or several, nothing is decided here."""
        question = claim.question
        if not asks_price(question):  # every question comes here: the cheap test first
            return None
        things = counted_things(question) or one_customer(question)
        if not things or not counts_only_things(question, things):
            return None
        rows = [c for i in range(len(claim.evidence)) if (c := self._evidence_citation(claim, i)) is not None]
        terms: list[tuple[Counted, Quantity, str, Citation]] = []
        for thing in things:
            prices = {}
            for row in rows:
                for price, written in priced_in_row(row.quote, thing.thing, question):
                    prices.setdefault((price.value, price.unit), (price, written, row))
            if len(prices) != 1:
                return None
            terms.append((thing, *next(iter(prices.values()))))
        if len({price.unit for _, price, _, _ in terms}) != 1:
            return None
        unit = terms[0][1].unit
        total = format_figure(sum(thing.count * price.value for thing, price, _, _ in terms)) + unit
        written = " + ".join(price if thing.count == 1 else f"{price} × {thing.written}"
                             for thing, _, price, _ in terms)
        if len(terms) == 1 and things[0].count == 1:  # one thing once: its price as the row states it
            return self._cited(f"{written}です。", [terms[0][3]], written)
        return self._cited(f"{total}です。(計算: {written} = {total})", self._distinct([row for _, _, _, row in terms]),
                           total)

    def changed_rate(self, claim: Claim) -> Verdict | None:
        """Asked by how many percent something changed (「レギュラー会員の値上げ率は何パーセント」, `asked_change`), the
        rate of change code computes from the one shown table row the question names (every word of its first cell)
        that states a value before and after a change (`japanese.before_and_after`: 「現行月額(税込): 8,580円、
        改定後月額(税込): 9,350円」), in the direction asked, written out and citing the row: 「8.97%です。(計算:
        (9,350円 − 8,580円) ÷ 8,580円 × 100 = 8.97%)」. The model, asked to write its working, picked a figure of
        another row or divided by the later value; its own figure could only be refused. Nothing is decided where no
        such row, or two, are shown, the earlier value is none (「0円」), or the change goes the other way than asked
        (a 「値上げ率」 of a price cut); asked either way (「増減率」), the answer says which (「11.11%の減少」)."""
        direction = asked_change(claim.question)
        if direction is None:
            return None
        found = []
        for row, _ in self._named_rows(claim):
            folded = fold_width(row.quote)
            pairs = [pair for unit in dict.fromkeys(q.unit for q in amounts(folded) if q.unit)
                     if (pair := before_and_after(folded, unit))]
            found += [(row, folded, pair) for pair in pairs]
        if len(found) != 1:
            return None
        row, folded, (before, after) = found[0]
        rise = after.value > before.value
        if before.value <= 0 or (direction != "either" and rise != (direction == "rise")):
            return None
        old, new = (Operand(q.value, q.unit, q.written(folded), 0) for q in (before, after))
        rate = Derivation(abs(after.value - before.value) / before.value * 100, "%", (new, old), "change")
        figure = f"{format_figure(rate.value)}%"
        # asked for a change either way (「増減率」), the answer says which way it went
        said = figure if direction != "either" else f"{figure}の{'増加' if rise else '減少'}"
        return self._cited(f"{said}です。(計算: {rate.expression})", [row], said)

    def _named_rows(self, claim: Claim) -> list[tuple[Citation, list[tuple[str, str]]]]:
        """The shown table rows the question names by every word of their first cell (「講座名: はじめての水彩画」
        for 「はじめての水彩画の受講料は」), with their cells."""
        asked, named = squash(claim.question), []
        for i in range(len(claim.evidence)):
            row = self._evidence_citation(claim, i)
            if row is not None and _names_row(cells := row_cells(row.quote), asked):
                named.append((row, cells))
        return named

    def price_per_one(self, claim: Claim) -> Verdict | None:
        """Asked what one of what a price covers costs (「はじめての水彩画の受講料は1回あたりにするといくら」,
        `japanese.per_one`), the price of the one shown row the question names divided by the row's one count of
        that thing (「回数: 8回、…受講料: 4,000円」: 「500円です。(計算: 4,000円 ÷ 8回 = 500円)」), citing the row. The
        model gave the whole course's fee. Nothing is decided where the row states no such count, or more than one
        price, or its price is already for one (`japanese.for_one`: 「1回あたり」), or no row or two are named."""
        counter = per_one(claim.question)
        if not counter or not asks_price(claim.question):
            return None
        found = []
        for row, cells in self._named_rows(claim):
            prices = _row_prices(cells)
            counts = _row_figures(cells, lambda figure: counter_form(figure.unit) == counter and figure.value > 1)
            if len(prices) == 1 and len(counts) == 1 and not for_one(f"{prices[0][0]} {prices[0][2]}", counter):
                found.append((row, prices[0], counts[0]))
        if len(found) != 1:
            return None
        row, (_, price, price_text), (_, count, count_text) = found[0]
        share = Derivation(price.value / count.value, price.unit, (
            Operand(price.value, price.unit, price.written(price_text), 0),
            Operand(count.value, count.unit, count.written(count_text), 0)), "quotient")
        figure = f"{format_figure(share.value)}{price.unit}"
        return self._cited(f"{figure}です。(計算: {share.expression})", [row], figure)

    def chosen_option(self, claim: Claim) -> Verdict | None:
        """For a question listing its options (「洞穴と深海のどっち」), the option the model named, citing a sentence
        it was shown that names that option and speaks about the question (`min_coverage`), the cited ones first.
        The option's words are the question's own, so no sentence backs them as `model_answer` asks; the cited
        sentence is what the reader checks the choice against."""
        if not claim.option:
            return None
        shown = [c for i in range(len(claim.evidence)) if (c := self._evidence_citation(claim, i)) is not None]
        for citation in claim.citations + shown:
            if squash(claim.option) in squash(citation.quote) \
                    and self._coverage(claim.question, citation, citation.quote) >= self.min_coverage:
                return self._cited(f"{claim.option}です。", [citation], claim.option)
        return None

    def short_answer(self, claim: Claim) -> Verdict | None:
        """The short answer the model copied, found in a shown passage, when its sentence (read with the cited
        sentences right around it) speaks about the question: the model often cites one sentence and answers
        from another."""
        if claim.key is None:
            return None
        span, where = claim.key
        if self._key_coverage(where, claim.citations, claim.passages, claim.question) < self.min_coverage \
                or self._stated_otherwise(span, claim.citations):
            return None
        return self._cited(self._answer_from_span(span, where), [where], span)

    def agreed_sentence(self, claim: Claim) -> Verdict | None:
        """The first cited sentence as the answer (「記事には「…」とあります。」), when retrieval found it the best
        sentence of the top passage too and it speaks about the question: model and retrieval agree on the
        evidence. Otherwise a loosely related sentence is typically cited for a question the articles do not
        answer."""
        if not claim.citations or not claim.shown:
            return None
        citation, top = claim.citations[0], claim.shown[0]
        if top.passage.passage_id != citation.passage_id:
            return None
        start, end = (offset - top.passage.start for offset in top.best_sentence)
        if not (citation.quote_start < end and start < citation.quote_end and start < end):
            return None
        sentence = citation.text[start:end]
        if self._coverage(claim.question, citation, sentence) < self.min_coverage \
                or not holds_answer(sentence, claim.wanted, claim.question):
            return None
        citation.quote_start, citation.quote_end, citation.quote = start, end, sentence
        # the model's short answer where the sentence holds it, else words of the asked kind (a date for いつ)
        short = claim.key[0] if claim.key is not None and squash(claim.key[0]) in squash(sentence) else \
            answer_span(sentence, claim.wanted, claim.question)
        return self._cited(f"記事には「{sentence}」とあります。", [citation], short)

    def typed_answer(self, claim: Claim) -> Verdict | None:
        """When the question asks for a number of some kind (「何項目」) and a shown sentence that speaks about most
        of the question holds one, that number answers, citing the sentence."""
        if claim.wanted is None or CALCULATION_WORDS.search(claim.question):
            return None
        best: tuple[float, int, int, int] | None = None
        for number, passage in enumerate(claim.passages):
            for start, end in split_sentences(passage.text):
                sentence = passage.text[start:end]
                if holds_answer(sentence, claim.wanted, claim.question):
                    score = self._coverage(claim.question, passage, sentence)
                    if score >= self.min_typed_coverage and (best is None or score > best[0]):
                        best = (score, number, start, end)
        if best is None:
            return None
        _, number, start, end = best
        citation = self.citation(0, claim.passages[number], start, end)
        span = with_bounds(answer_span(citation.quote, claim.wanted, claim.question), [citation.quote])
        log.info("answered with the %r the question asks for, from %r", span, citation.quote)
        return self._cited(f"{span}です。", [citation], span)

    def figures(self, claim: Claim) -> Verdict | None:
        """When the question asks for a calculation, or the model wrote out one whose result code could not derive,
        and no rule answered: the shown sentences with figures that speak about the question, cited, and no result. A
        reader can do the sum; a wrong one stated as fact would mislead."""
        if not (claim.unchecked or CALCULATION_WORDS.search(claim.question)):
            return None
        # the sentences the model cited first, then the others by how much of the question they speak about
        # (three at most, shown in reading order)
        cited = {c.quote for c in claim.citations}
        found = [(position, c) for position in range(len(claim.evidence))
                 if (c := self._evidence_citation(claim, position)) is not None and amounts(c.quote)
                 and (c.quote in cited or self._coverage(claim.question, c, c.quote) > 0)]
        found.sort(key=lambda pc: (pc[1].quote not in cited, -self._coverage(claim.question, pc[1], pc[1].quote)))
        citations = [c for _, c in sorted(found[:3], key=lambda pc: pc[0])]
        if not citations:
            return None
        verdict = self._cited(FIGURES_ONLY, citations)
        listed = "".join(f"「{c.quote}」[{c.n}]" for c in verdict.citations)
        return Verdict(f"{FIGURES_ONLY}{listed}", True, "the answer needs a calculation code could not check",
                       verdict.citations)

    def conflicting(self, verdict: Verdict, claim: Claim) -> Verdict:
        """The verdict, or, when a sentence of another retrieved article (not `_same_source`) states a different
        figure (same unit), date (not one told from the article's own day, 「先週」: `japanese.RELATIVE_DATE`) or
        time of day about the question, a reply that the sources differ, citing both
        with their dates: the newer notice may correct the older, and only the reader can tell. About the question
        means: it speaks about the question as much as the answer's sentence does (and at least `min_coverage`),
        each read with the sentence before it (`_said_coverage`), or at least `min_coverage` when the two figures
        are named by the same word (「旅客定員350名」, 「旅客定員: 320名」). A lower bar finds the dates of other
        events in news articles."""
        answered = self._stated_values(verdict.short_answer)
        if not answered or not verdict.citations:
            return verdict
        first = self._holding(verdict.citations[0], verdict.short_answer)
        own = self._stated_values(first.quote)
        # the short answer's figures as its sentence writes them: 「50キロ」 is 「50キログラム」 there
        stated = {key: label for key, label in own.items()
                  if key in answered or (key[0] != "date" and any(key[1] == v for _, v in answered))} or answered
        needed = max(self.min_coverage, self._said_coverage(claim.question, first, first.quote_start, first.quote_end))
        kinds = {kind for kind, _ in stated}
        for hit in claim.related:
            passage = hit.passage
            if self._same_source(passage, first):
                continue
            for start, end in split_sentences(passage.text):
                sentence = passage.text[start:end]
                # one changed to another is no longer in force (「開館時刻を午前6時から午前7時に変更」 says nothing
                # against 「7:00~23:00」, 「午後10時から午後11時に延長」 against 「午後10時」); a sentence stating the
                # answer's value in force agrees with it (「9時から17時まで」 with 「17時まで」), and so does a value
                # the answer's sentence states too
                values = self._stated_values(sentence)
                former = {key for old, _ in changed_values(sentence) for key in self._stated_values(old)}
                if any(key in stated for key in values if key not in former):
                    continue
                differing = {key: label for key, label in values.items()
                             if key[0] in kinds and key not in own and key not in former
                             and not (key[0] == "date" and RELATIVE_DATE.fullmatch(key[1]))}
                # another branch's hours, named by the sentence or the one before it (「港南店は…。土日祝の営業時間
                # に変更はありません。」)
                if not differing or names_another(self._with_sentence_before(passage.text, start, end, claim.question),
                                                  claim.question):
                    continue
                speaks = self._said_coverage(claim.question, passage, start, end)
                same_word = any(label and label == named and key[0] == kind
                                for key, label in differing.items() for (kind, _), named in stated.items())
                if speaks < needed and not (same_word and speaks >= self.min_coverage):
                    continue
                second = self.citation(2, passage, start, end)
                first.n = 1
                said = [f"「{c.title}」{f'({c.date})' if c.date else ''}には「{c.quote}」[{c.n}]"
                        for c in (first, second)]
                log.info("sources differ: %r against %r", first.quote, second.quote)
                return Verdict(f"{CONFLICT}{'、'.join(said)}とあります。", False, "the sources differ",
                               [first, second], verdict.short_answer)
        return verdict

    def _same_source(self, passage: Passage, citation: Citation) -> bool:
        """Whether `passage` comes from the article `citation` quotes: the same document, or one of the same title
        and publisher (a long article indexed as one document per paragraph). Its figures are not another source's:
        they are about other things in the same story (the score of another inning)."""
        if passage.doc_id == citation.doc_id:
            return True
        doc = self.documents.get(passage.doc_id)
        return bool(doc) and doc.title == citation.title and (doc.publisher or "") == (citation.publisher or "")

    def unnamed(self, verdict: Verdict, question: str, retrieved: Sequence[str] = (),
                located: Sequence[str] = ()) -> list[str]:
        """The names the question gives (`names_in`) that an article the answer cites does not hold, and the dates
        it states (`stated_dates`) whose year and month (or year, or fiscal year, `holds_fiscal_year`) no article
        cited or `retrieved` (doc_ids) holds, its date line counted: the model answered about another branch, plan
        or product than the one asked about, or from a figure of another month (「2026年3月時点で約4,200社」 asked
        「2025年3月の時点では」). A date is looked for in every article found, as a question stating two dates is often
        answered from two articles, and the reader is told only what none of them holds. Names within the `located`
        words (the options a comparison found, each in its own article) are not looked for."""
        names = [name for name in names_in(question) if not any(option_form(name) in option_form(words)
                                                                  for words in located)]
        dates = stated_dates(question)
        if not names and not dates:
            return []
        missing = []
        for doc_id in dict.fromkeys(c.doc_id for c in verdict.citations):
            cited = next(c for c in verdict.citations if c.doc_id == doc_id)
            text = self._naming_text(doc_id, f"{cited.title}\n{cited.text}")
            missing += [name for name in names if not holds_name(name, text) and name not in missing]
        # the cited articles first, and no further article read once every date is found
        quoted = {c.doc_id: f"{c.title}\n{c.text}" for c in verdict.citations}  # for an article not in the index
        for doc_id in dict.fromkeys([*quoted, *retrieved]):
            if not dates:
                break
            doc = self.documents.get(doc_id)
            if (text := f"{doc.title}\n{doc.date}\n{doc.text}" if doc else quoted.get(doc_id)) is not None:
                written = dates_spelled(text)
                dates = [date for date in dates if not holds_date(date, written)]
        return missing + dates

    def naming(self, hits: list[Hit], question: str) -> list[Hit]:
        """Of `hits`, those whose articles hold every name the question gives (`names_in`), where any does: an
        answer citing another article is refused for it (`unnamed`), so its sentences would only crowd out those of
        the article asked about. All of them where none does, or the question lists options to compare, each
        named in its own article."""
        names = names_in(question)
        if not names or _offers_options(question) or "naming" in self.skip:
            return hits
        texts = {h.passage.doc_id: self._naming_text(h.passage.doc_id, f"{h.passage.title}\n{h.passage.text}")
                 for h in hits}
        naming = [h for h in hits if all(holds_name(name, texts[h.passage.doc_id]) for name in names)]
        return naming or hits

    def _naming_text(self, doc_id: str, quoted: str) -> str:
        """What an article says names in, squashed: its title, publisher and text (the `quoted` words when it is not
        in the index). The publisher names the organisation a notice speaks for (ソラノ電機) though its text may not."""
        doc = self.documents.get(doc_id)
        return squash(f"{doc.title}\n{doc.publisher}\n{doc.text}" if doc else quoted)

    def refusal(self, question: str, related: Sequence[Hit], reason: str) -> Verdict:
        """The refusal of a question no rule answers, or that the model is not asked, naming the names it gives
        (`names_in`) that no article of the passages found (`related`) holds: the reader learns what the documents do
        not speak of (「中地区」). None are named without passages to look in."""
        found: dict[str, list[str]] = {}  # per article found, its passages' words
        for h in related:
            found.setdefault(h.passage.doc_id, []).append(f"{h.passage.title}\n{h.passage.text}")
        texts = [self._naming_text(doc_id, "\n".join(words)) for doc_id, words in found.items()]
        missing = [name for name in dict.fromkeys(names_in(question) if texts else [])
                   if not any(holds_name(name, text) for text in texts)]
        return Verdict(not_spoken_of(missing) if missing else REFUSAL, True, reason)

    @staticmethod
    def other_column(short_answer: str, citations: list[Citation], question: str) -> str:
        """The column the question names, when the short answer is the value of another column of a cited table
        row (「3,000円」 of 「項目: 月額料金、ライト: 3,000円、スタンダード: 9,800円」 asked about スタンダードプラン):
        the model read the neighbouring cell. "" when a cited row holds the short answer in a column the question
        names no other over.

        A column is named by the share of its name's character bigrams the question holds (`MIN_COLUMN_NAMED`), more
        than the answer's own column, and by a bigram that column's name lacks (「料金」 is not named over
        「早割料金」, nor 「ライト」 over 「ライト(学割)」). A column whose value the question states is a condition
        (「定員50人の講座はどこ」), not what it asks; the row's first cell names the row, not a column."""
        key, asked = squash(short_answer), squash(same_words(question))
        if not key:
            return ""
        named = ""
        for citation in citations:
            cells = row_cells(citation.quote)[1:]
            holding = [name for name, value in cells if key in squash(value)]
            if len(holding) != 1:
                continue
            grams = {name: name_bigrams(same_words(name)) for name, _ in cells}
            share = {name: sum(g in asked for g in grams[name]) / len(grams[name]) if grams[name] else 0.0
                     for name, _ in cells}
            rivals = [name for name, value in cells
                      if share[name] >= MIN_COLUMN_NAMED and share[name] > share[holding[0]]
                      and squash(same_words(value)) not in asked
                      and any(gram in asked and gram not in grams[holding[0]] for gram in grams[name])]
            if not rivals:
                return ""  # this row states the answer where the question asks
            named = named or max(rivals, key=share.get)
        return named

    def other_row(self, citations: list[Citation], question: str) -> str:
        """The words by which the question names another row of a cited table than the ones the answer is read
        from (`gives_value`): a value in words of another row of the same table, in the first cell (the one naming
        the row: 「抹茶ラテはいくら」 read from 「メニュー: カフェラテ、…」) or written beside its column's name (「抹茶ラテの
        Lサイズ」 read from 「メニュー: 抹茶ラテ、サイズ: R、…」, where another row has 「サイズ: L」), or a month, year
        or fiscal year of the same form as the cited rows' first cells and none of them (「2026年4月の売上」 read from
        「月: 2025年4月、…」, 「2023年の売上」 from 「年: 2024年、…」; 「1月から3月まで」 is answered by the rows of 1月, 2月
        and 3月). A value another cited row holds is accounted for (a comparison names each row it reads). Figures
        (「1回」 of 「1回あたり」) measure more often than they name a row, and a day or a date in another cell (a
        deadline, a period) is a condition: both are left to the checks of numbers and dates. "" when each cited row
        is one the question names."""
        cited = [row for citation in citations if (row := self._cited_row(citation))]
        held = {cell for cells, _ in cited for cell in cells.items()}
        for cells, table in cited:
            for column, (name, value) in enumerate(cells.items()):
                beside = name if column else ""
                if gives_value(value, beside, question):
                    continue
                if other := next((row[name] for row in table if name in row and (name, row[name]) not in held
                                  and not DIGITS.search(fold_width(row[name]))
                                  and gives_value(row[name], beside, question)), ""):
                    return other
        keys = [dates[0] for cells, _ in cited if len(dates := stated_dates(next(iter(cells.values())))) == 1]
        return next((date for date in stated_dates(question) if "日" not in date and (same := [
            key for key in keys if date_form(key) == date_form(date)]) and date not in same), "")

    def _cited_row(self, citation: Citation) -> tuple[dict[str, str], list[dict[str, str]]] | None:
        """The table row a citation quotes (the whole row, though the quote may leave its 「。」 or its last cells
        out), and the other rows of its table: the lines of its article around it, blank lines aside, that are rows
        whose first cell has the same column (a row leaves an empty cell out). A table after other lines is another.
        None when the quote is no row."""
        if ": " not in citation.quote:  # a row names its cells: prose is read no further
            return None
        doc = self.documents.get(citation.doc_id)
        lines = [line.strip() for line in (doc.text if doc else citation.text).splitlines()]
        quote = squash(citation.quote)
        at = next((i for i, line in enumerate(lines)
                   if ": " in line and quote in squash(line) and row_cells(line)), None)
        if at is None:
            return None
        cells = dict(row_cells(lines[at]))
        key = next(iter(cells))
        table = []
        for step in (-1, 1):
            i = at + step
            while 0 <= i < len(lines) and (not lines[i] or (row := row_cells(lines[i])) and row[0][0] == key):
                if lines[i]:
                    table.append(dict(row))
                i += step
        return cells, table

    # --- parts the rules share ---------------------------------------------------------------------------------

    def _holding(self, citation: Citation, words: str) -> Citation:
        """The citation, or, when its quote does not hold `words`, the sentence of its passage that does: the model
        may cite the sentence beside the one stating the value."""
        if squash(words) in squash(citation.quote):
            return citation
        for start, end in split_sentences(citation.text):
            if squash(words) in squash(citation.text[start:end]):
                return Citation(citation.n, citation.doc_id, citation.title, citation.passage_id, citation.text,
                                citation.text[start:end], start, end, citation.publisher, citation.date)
        return citation

    @staticmethod
    def _stated_values(text: str) -> dict[tuple[str, str], str]:
        """The dates, times of day and figures with a unit `text` states, as (kind, value) pairs, ("date", "3月15日"),
        ("time", "22:00") or ("円", "1320.0"), each with the word naming it (`label_before`: 「旅客定員」 of
        「旅客定員は350名」). Figures inside a date, and the minutes of a time, count as it only (`amounts`); a date
        is compared without its year (「2026年3月15日」 and 「3月15日」 are one date), and a time on the 24-hour clock
        (「午後10時」 and 「22:00」 are one time; one whose half of the day is unknown, 「夜1時」, is none)."""
        folded = fold_width(text)
        values = {("date", re.sub(r"^[0-9]+年(?=[0-9]+月)", "", m[0])): label_before(folded, m.start())
                  for m in DATE.finditer(folded)}
        values |= {("time", f"{value[0] % 24}:{value[1]:02d}"): label_before(folded, start)  # 24:00 is 0:00
                   for start, _, value in clock_times(folded) if value}
        return values | {(q.unit, str(q.value)): label_before(folded, q.start) for q in amounts(folded) if q.unit}

    def _evidence_citation(self, claim: Claim, position: int) -> Citation | None:
        """A citation of the shown sentence at `position` of the evidence, if its passage was shown."""
        item = claim.evidence[position]
        if not item.doc_id or item.rank >= len(claim.shown):
            return None
        passage = claim.shown[item.rank].passage
        return self.citation(0, passage, item.start - passage.start, item.end - passage.start)

    @staticmethod
    def _derivations(answer: str, invented: list[str], evidence: list[Evidence], cited: list[int],
                     question: str) -> list[Derivation] | None:
        """How each figure of `answer` that neither the sentences shown nor the question state follows from the
        figures of the sentences the model cited, or else from two figures of any it was shown (and the question's:
        MAX_TERMS says why); a calculation the model wrote out over shown figures is computed as written, its
        written result replaced (`evaluate`). None when one does not, or when a number no passage holds
        (`invented`) is in no derived figure (a made-up date beside a right sum). Operands name their sentence by
        its position in `evidence`."""
        folded = fold_width(answer)
        cited_positions = [i for i, e in enumerate(evidence) if e.n in cited]
        stated = {o.value for o in operands([e.text for e in evidence], question)}
        figures, found, derived, written = amounts(folded), [], set(), (0, 0)
        # the model's written-out working is computed by code, and the result it wrote is replaced
        if shows_calculation(folded) and (worked := evaluate(folded, [e.text for e in evidence], question)):
            derivation, *written = worked
            found.append(derivation)
            derived.update(n for q in figures if written[0] <= q.start < written[1]
                           for n in _number_forms(q.written(folded)))
        for q in figures:
            if q.value in stated or written[0] <= q.start < written[1]:
                continue
            start = q.start - 1 if folded[q.start - 1:q.start] == "約" else q.start
            for positions, terms in ((cited_positions, MAX_TERMS), (list(range(len(evidence))), 2)):
                if not positions:
                    continue
                derivation = derive(folded[start:q.end], [evidence[i].text for i in positions], question, terms)
                if derivation is not None:
                    found.append(derivation._replace(operands=tuple(
                        o._replace(source=positions[o.source] if o.source >= 0 else -1)
                        for o in derivation.operands)))
                    derived.update(_number_forms(q.written(folded)))
                    break
            else:
                return None
        return found if found and all(n in derived for n in invented) else None

    def citation(self, n: int, passage: Passage, start: int, end: int) -> Citation:
        """Citation n of `passage`, quoting its text[start:end], with the article's publisher and date."""
        doc = self.documents.get(passage.doc_id)
        return Citation(n, passage.doc_id, passage.title, passage.passage_id, passage.text, passage.text[start:end],
                        start, end, doc.publisher if doc else "", doc.date if doc else "")

    @staticmethod
    def _distinct(citations: list[Citation]) -> list[Citation]:
        """The citations without repeats of one sentence, in their order."""
        distinct: dict[tuple[str, str], Citation] = {}
        for citation in citations:
            distinct.setdefault((citation.passage_id, citation.quote), citation)
        return list(distinct.values())

    @staticmethod
    def _cited(answer: str, citations: list[Citation], short_answer: str = "") -> Verdict:
        """The answer with its [n] markers (numbered in the order given)."""
        for n, citation in enumerate(citations, start=1):
            citation.n = n
        return Verdict(answer + "".join(f"[{c.n}]" for c in citations), False, "", citations, short_answer)

    def _coverage(self, question: str, source: Citation | Passage, text: str) -> float:
        """How much of the question `text` (a sentence of `source`'s article) speaks about, read under its article's
        title and publisher: a sentence leaves out the topic its article is named for, and a notice the
        organisation it speaks for (「南が丘店を除く11店舗」 in a notice of ハヤテフィットネス)."""
        doc = self.documents.get(source.doc_id)
        publisher = doc.publisher if doc else getattr(source, "publisher", "")
        return coverage(question, f"{source.title}\n{publisher}\n{text}")

    def _said_coverage(self, question: str, source: Citation | Passage, start: int, end: int) -> float:
        """`_coverage` of the sentence at `start`:`end` of `source`'s text, read with the sentence before it in its
        paragraph where that speaks more about the question: a sentence leaves unsaid the topic the one before it
        named (「北浜店は、…開館時刻を午前7時に変更します。閉館時刻(午後10時)は変わりません。」), unless it names
        something the question does not (`names_in`: 「駅前本店の営業は…」 is about another branch)."""
        alone = self._coverage(question, source, source.text[start:end])
        read = self._with_sentence_before(source.text, start, end, question)
        return alone if read == source.text[start:end] else max(alone, self._coverage(question, source, read))

    @staticmethod
    def _with_sentence_before(text: str, start: int, end: int, question: str) -> str:
        """The sentence at `start`:`end` of `text` with the one before it in its paragraph, which names the topic it
        leaves unsaid (「港南店は、…延長します。土日祝の営業時間に変更はありません。」), or alone where it names a
        branch, place or model of its own that the question does not, its subject (a katakana word, シャワールーム,
        names none), speaks of every one (「なお、全店舗の…」), or starts its paragraph."""
        sentence = text[start:end]
        if names_every_place(sentence) or any(
                name not in question and not KATAKANA_WORD.fullmatch(name) for name in names_in(sentence)):
            return sentence
        return Verifier._and_sentence_before(text, start, end)

    @staticmethod
    def _and_sentence_before(text: str, start: int, end: int) -> str:
        """The sentence at `start`:`end` of `text` with the one before it in its paragraph, if any."""
        before = [s for s, e in split_sentences(text[:start]) if "\n" not in text[e:start]]
        return text[before[-1] if before else start:end]

    @staticmethod
    def _with_short_answer(verdict: Verdict, question: str) -> Verdict:
        """The verdict with its short answer cut to what the question asks for (`asked_part`). When it has none,
        the short answer is read from its answer sentence, as a cited passage spells it: the words standing where
        the question asks (`filled_part`: 「マーラーの交響曲は大規模なものが多い。」 to 「マーラーの何が…」 gives
        「交響曲」), else the longest piece the sentence adds to the question (`residue`), or those words as the title
        of a cited article gives them. A bare number takes its counter from the cited sentence (「90」: 「90歳」), a
        figure the words that bound or round it there (「1793年」: 「1793年頃」, 「4月」: 「4月中旬」); asked 「いつ」, a
        date is taken whole (「1915年10月」) and then cut to the part asked (「生まれた月はいつ」: 「10月」); asked
        「誰」 or 「どこ」, a name goes without the words that describe it (「漫画家の手塚治虫」, 「医師は誰」:
        「医師ルイ・セール」); asked until when, a range gives its end; an answer wholly in round brackets goes without
        them, and one with a comma or a lone bracket at an edge without that (`without_loose_marks`)."""
        if verdict.refused or not verdict.citations:
            return verdict
        short = verdict.short_answer
        if not short:
            quoted = QUOTED_ANSWER.fullmatch(_MARKERS.sub("", verdict.answer))
            sentence = quoted[1] if quoted else verdict.answer
            # a citation carries its passage's text
            readings = dict.fromkeys((filled_part(sentence, question), residue(sentence, question)))
            found = next((f for words in readings if words and (f := find_span(words, verdict.citations)) is not None),
                         None)
            if found is not None:
                short = verdict.citations[found.passage].text[found.start:found.end]
            else:  # the words a cited article's title gives (the topic its sentence leaves out)
                short = next((words for words in readings for c in verdict.citations
                              if words and squash(words) in squash(c.title)), "")
                if not short:
                    return verdict
        quotes = [c.quote for c in verdict.citations]
        if asks_when(question):  # the date written whole, before the part of it asked for (「生まれた月はいつ」)
            short = whole_date(short, quotes)
        short = with_counter(asked_part(short, question), quotes, question)
        if asks_who_or_where(question):
            short = described_name(short, question)
        short = range_end(unbracketed(with_bounds(short, quotes)), question)
        return verdict._replace(short_answer=without_loose_marks(short) or short)

    @staticmethod
    def _of_another_country(verdict: Verdict, question: str) -> str:
        """The words of the question (「インドの外相」) where it asks for a person of one country and a cited sentence
        names the short answer as another's, before the name or between it and the office (「中国の王毅外相」,
        「スターリン・ソ連首相」): the model answered with the one the sentence names. Of the 9 JaQuAD training
        questions so asked, none has its gold answer named as another country's either way."""
        asked = asked_whose(question)
        if asked is None or not verdict.short_answer:
            return ""
        short = fold_width(verdict.short_answer)
        for citation in verdict.citations:
            quote = fold_width(citation.quote)
            at = quote.find(short)
            while at >= 0:
                if (named := country_before(quote, at) or country_after(quote, at, at + len(short))) is not None:
                    return asked[1] if named != asked[0] else ""
                at = quote.find(short, at + 1)
        return ""

    @classmethod
    def _of_another_place(cls, verdict: Verdict, question: str) -> str:
        """The name of a place, sea or branch that every cited sentence stating the short answer (every cited one
        where none does) gives, read with the sentence before it (`_with_sentence_before`), the short answer itself
        aside, where the question names another with the same suffix that the sentence does not (asked about
        東シナ海, a sentence about 日本海: `names_another`); "" where one does not, or the question lists options
        (each named in its own sentence).
        The names check reads whole articles, and an article often names both places. Of the 20,151 questions of
        JaQuAD train 0000-0027 naming something, 46 fire against their own answer's sentence, most of them where the
        sentence leaves the place asked about to one further back."""
        return cls._of_another(verdict, question, lambda c, short: names_another(
            cls._with_sentence_before(c.text, c.quote_start, c.quote_end, question), question, short))

    @classmethod
    def _of_another_person(cls, verdict: Verdict, question: str) -> str:
        """The person every cited sentence stating the short answer names, read with the sentence before it in its
        paragraph (a remark often follows the sentence naming who took part), where the question names a person
        that neither sentence names (`person_another`); the person the answer names is no other (「…させたのは誰」).
        The names check reads whole articles, and a news article names many people. Of the 168 JaQuAD train
        0000-0027 and JSQuAD valid questions naming a titled person, none fires against its own answer's
        sentence."""
        if not persons_named(question):  # most questions name no one: no sentence to read
            return ""
        return cls._of_another(verdict, question, lambda c, short: person_another(
            cls._and_sentence_before(c.text, c.quote_start, c.quote_end), question, short, c.quote))

    @classmethod
    def _of_another(cls, verdict: Verdict, question: str, another: Callable[[Citation, str], str]) -> str:
        """What `another(citation, short answer)` finds in every cited sentence stating the short answer (every
        cited one where none does); "" where it finds nothing in one, or the question lists options (each named in
        its own sentence)."""
        if not verdict.citations or _offers_options(question):
            return ""
        short = fold_width(verdict.short_answer)
        stating = [c for c in verdict.citations if short and short in fold_width(c.quote)] or verdict.citations
        found = ""
        for citation in stating:
            if not (other := another(citation, short)):
                return ""
            found = found or other
        return found

    @staticmethod
    def _of_another_office(verdict: Verdict, question: str) -> str:
        """The office a cited sentence titles the short answer with, where the question asks for the holder of
        another (「ロシアの国防相は誰」 answered 「ラブロフ外相」, 「大統領補佐官は誰」 answered by whom the sentence
        calls 「大統領特別代表」); "" where no cited sentence titles it, or one titles it with the office asked about.
        Of the 128 questions of JaQuAD train 0000-0027 and JSQuAD valid asking for an office's holder, 56 have their
        gold answer so titled, none with another office."""
        if not (asked := asked_office(question)) or not (short := fold_width(verdict.short_answer)):
            return ""
        quotes = [fold_width(citation.quote) for citation in verdict.citations]
        titled = [title for quote in quotes if (at := quote.find(short)) >= 0
                  and (title := office_titling(quote, at, at + len(short)))]
        if not titled and (own := office_titling(short, 0, len(short))):
            titled = [own]
        return titled[0] if titled and all(other_office(asked, title) for title in titled) else ""

    @classmethod
    def _office_holder(cls, verdict: Verdict, question: str) -> Verdict | None:
        """Where the short answer holds an office of another country than asked, the person a cited sentence titles
        with the asked country's office (「チャーチル英首相」 beside 「スターリン・ソ連首相」, asked 「イギリスの首相
        は誰」), cited by it; None where no cited sentence names one."""
        if (asked := asked_whose(question)) is None:
            return None
        country, office = asked[0], asked[1].split("の", 1)[1]
        for citation in verdict.citations:
            if name := office_holder(fold_width(citation.quote), country, office):
                return cls._cited(f"{name}です。", [citation], name)
        return None

    @classmethod
    def _difference(cls, verdict: Verdict, question: str) -> Verdict:
        """Asked by how much a figure rose or fell (「いくら値上がり」, 「何円高く」), the verdict whose short answer is
        one of the two figures a cited sentence states as before and after a change (`compared_pair`: the new fee
        of 「現行月額: 8,580円、改定後月額: 9,350円」) answers with their difference, computed and written out: the
        model copies the figure it sees rather than the one asked for. A figure a sentence states as a difference
        (「770円の値上げ」) stands."""
        if verdict.refused or shows_calculation(verdict.answer) or not asks_difference(question):
            return verdict
        answered = amounts(verdict.short_answer)
        if len(answered) != 1:
            return verdict
        for citation in verdict.citations:
            folded = fold_width(citation.quote)
            pair = compared_pair(folded, answered[0].unit)
            if pair is not None and answered[0].value in (pair[0].value, pair[1].value):
                derivation = next(difference([Operand(q.value, q.unit, q.written(folded), 0) for q in pair]))
                result = derivation.expression.rsplit("= ", 1)[1]
                return cls._cited(f"{result}です。(計算: {derivation.expression})", [citation], result)
        return verdict

    @staticmethod
    def _in_force(verdict: Verdict, question: str) -> Verdict:
        """The verdict stating the value in force where a cited sentence changes the value it states to another
        (「始発便を午前7時10分から午前6時40分に繰り上げ」: 「午前6時40分」), in its answer and short answer, unless the
        question asks about before the change (「現行の」, 「これまでは」): the model, and the reading of words of the
        asked kind, take the first value of such a sentence, the old one."""
        if verdict.refused or ASKS_BEFORE_CHANGE.search(question):
            return verdict
        answer, short = verdict.answer, verdict.short_answer
        for old, new in (change for c in verdict.citations for change in changed_values(c.quote)):
            if squash(short) == squash(old):
                short = new
            if new not in answer:  # the old value as a whole figure, and not the minutes of 「12時30分」 nor 「10時間」
                whole = rf"(?<!時){whole_figure(old)}(?!間)"
                answer = re.sub(whole, lambda _, value=new: value, answer)
        return verdict._replace(answer=answer, short_answer=short)

    def _key_coverage(self, key: Citation, citations: list[Citation], passages: list[Passage], question: str) -> float:
        """How much of the question the short answer's sentence speaks about, read together with the cited
        sentences of the same article within `near_chars` of it: a speech cited in part goes on in the next
        sentences (「…と指摘した。」 then 「『AUKUS』など…が作られている」)."""
        starts = {p.passage_id: p.start for p in passages}
        key_start, key_end = starts[key.passage_id] + key.quote_start, starts[key.passage_id] + key.quote_end
        text = key.quote
        for quote in citations:
            if quote.doc_id == key.doc_id and quote.passage_id in starts:
                start, end = starts[quote.passage_id] + quote.quote_start, starts[quote.passage_id] + quote.quote_end
                if max(start - key_end, key_start - end) <= self.near_chars:
                    text += "\n" + quote.quote
        return self._coverage(question, key, text)

    def _answer_sentence_coverage(self, answer: str, citations: list[Citation], question: str) -> float:
        """How much of the question the cited sentence that best backs `answer` speaks about."""
        backed = self._backing_sentence(answer, citations)  # a citation carries its passage's text and title
        if backed is None:
            return 0.0
        number, start, end = backed
        return self._coverage(question, citations[number], citations[number].text[start:end])

    @staticmethod
    def _without_unstated_years(text: str, held: str) -> str:
        """`text` without the years that `held` (the shown passages and the question, squashed) does not state, where
        they stand before a month (「2023年7月25日」 to 「7月25日」)."""
        return YEAR_BEFORE_MONTH.sub(lambda m: m[0] if squash(m[1]) in held else "", text)

    @staticmethod
    def _invented_numbers(text: str, stated: Stated) -> list[str]:
        """Numbers in the model's words that the shown passages and the question (`stated`) do not state: a date or
        amount the model made up or computed, the most harmful kind of invention. Its digits must stand together in
        one of them (「0.05」 is not in 「0.5」, nor 「21:45」 in 「21時…45分」), and each number whole (「33」 is not in
        「333」, nor 「3」 in 「3.5」), but in a figure of a value and unit they state (「1万3200円」 for 「13,200円」).
        A date with its month counts whole, as one source states it (`date_in`): 「6月17日」 is made up where the
        passages say 「5月17日」, though they hold each of its numbers, and 「1月5日」 where they say 「11月5日」."""
        folded = fold_width(text)
        rest = folded  # the words without the figures of a value and unit they state
        for q in quantities(folded):
            if (q.value, q.unit) in stated.figures:
                rest = rest[:q.start] + " " * (q.end - q.start) + rest[q.end:]
        invented = [n for n in DIGITS.findall(squash(text)) if n not in stated.text]
        invented += [n for n in numbers_in(rest) if n not in stated.numbers]
        invented += [m[0] for m in DATE.finditer(dates_spelled(folded))  # 「令和8年4月1日」 is 「2026年4月1日」
                     if "月" in m[0] and not any(date_in(m[0], source) for source in stated.dates)]
        invented = list(dict.fromkeys(invented))
        if invented:
            log.info("model words state numbers no passage holds (%s): %r", ", ".join(invented), text)
        return invented

    @staticmethod
    def _invented_names(text: str, passages: list[Passage], question: str) -> list[str]:
        """The names `text` states (`names_stated`) that neither the question nor a shown passage holds, even
        misspelled (`find_near_span`): a name the model made up (「ジェフ・スミス・ジュニア」 for the author of a book
        the passages name otherwise), or joined to a true one (「ダヴィド・ダヴィスコ」 where they say 「ダヴィド」)."""
        held = squash("\n".join([question] + [f"{p.title}\n{p.text}" for p in passages]))
        invented = [name for name in names_stated(text)
                    if squash(name) not in held and find_near_span(name, passages) is None]
        if invented:
            log.info("model words name what no passage holds (%s): %r", ", ".join(invented), text)
        return invented

    def _key_citation(self, key: str, question: str, passages: list[Passage], citations: list[Citation],
                      wanted: re.Pattern | None = None) -> tuple[str, Citation] | None:
        """The model's short answer as the passage spells it, and a citation of the sentence holding it, if every
        part of it (「A、B」) the question does not name stands in one shown passage (cited ones first), exactly or
        with a small misspelling.

        When the question asks for a kind of words (「何日前」) the span is not, the words of that kind in the same
        sentence answer instead (the model often copies the date beside the number of days asked for)."""
        asked = squash(question)
        cited = [i for i, p in enumerate(passages) if any(c.passage_id == p.passage_id for c in citations)]
        order = cited + [i for i in range(len(passages)) if i not in cited]
        for parts, near in ((parts, near) for parts in self._key_readings(key, question) for near in (False, True)):
            for number in order:
                passage = passages[number]
                found = [(find_near_span if near else find_span)(part, [passage]) for part in parts]
                if not all(found):
                    continue
                spans = [self._with_brackets(passage.text, part, f.start, f.end) for part, f in zip(parts, found)]
                first, last = min(s for s, _ in spans), max(e for _, e in spans)
                spelled = "、".join(passage.text[s:e] for s, e in spans)
                if near and all(squash(passage.text[s:e]) in asked for s, e in spans):
                    continue  # misspelt words of the question (「ジョセフ・ウー・ウー」) are no answer to it
                sentences = [(s, e) for s, e in split_sentences(passage.text) if s < last and first < e]
                start, end = (sentences[0][0], sentences[-1][1]) if sentences else (first, last)
                if not holds_answer(spelled, wanted, question):
                    spelled = answer_span(passage.text[start:end], wanted, question, spelled)
                    if not spelled:
                        continue
                    return spelled, self.citation(0, passage, start, end)
                for quote in citations:  # the model's own citation, when it holds the span, is the best highlight
                    if quote.passage_id == passage.passage_id and quote.quote_start <= first and last <= quote.quote_end:
                        return spelled, self.citation(0, passage, quote.quote_start, quote.quote_end)
                return spelled, self.citation(0, passage, start, end)
        return None

    @staticmethod
    def _answer_words(answer: str, question: str) -> str:
        """For a reply without its short answer (要点): the words of its answer sentence standing where the question
        asks (「5点です。」 gives 「5点」, `filled_part`), read as the short answer. Longer words are no short answer."""
        words = filled_part(answer, question) if answer else ""
        return words if 0 < len(squash(words)) <= MAX_SHORT_ANSWER_CHARS else ""

    @staticmethod
    def _key_readings(key: str, question: str) -> list[list[str]]:
        """The short answer read as a list of words to find, split at 「、」 and then also at 「と」「や」; words the
        question already names are left out (「北海道と小笠原諸島」 for 「北海道とどこ」 is 「小笠原諸島」)."""
        readings: list[list[str]] = []
        asked = squash(question)
        for items in (key.split("、"), list_items(key)):
            words = [w.strip() for w in items if w.strip() and squash(w) not in asked]
            if words and words not in readings:
                readings.append(words)
        return readings

    @staticmethod
    def _with_brackets(text: str, part: str, start: int, end: int) -> tuple[int, int]:
        """The span widened to the brackets that open or close `part` (located spans leave punctuation out), and to
        the one that opens or closes a bracket the span closes or opens: 「梅山」号, not 梅山」号."""
        part = part.strip()
        span = text[start:end]
        if start > 0 and text[start - 1] in OPENING_BRACKETS and (
                part[:1] == text[start - 1] or half_pair(span, text[start - 1])):
            start -= 1
        if end < len(text) and text[end] in CLOSING_BRACKETS and (
                part[-1:] == text[end] or half_pair(span, text[end])):
            end += 1
        return start, end

    @staticmethod
    def _stated_otherwise(span: str, citations: list[Citation]) -> bool:
        """Whether `span` is an amount no cited sentence states while one states another in its unit: the model cited
        the row of the drink asked about (580円) and copied a figure from another sentence (the coffee tickets'
        4,600円). Amounts are compared by value (「1万円」 is 「10,000円」). Dates are no amounts (`amounts`): a story's
        sentences date its events one after another."""
        figure = amounts(span)
        if len(figure) != 1 or not figure[0].unit:
            return False
        stated = {(q.value, q.unit) for c in citations for q in amounts(c.quote)}
        return (figure[0].value, figure[0].unit) not in stated and any(unit == figure[0].unit for _, unit in stated)

    @staticmethod
    def _answer_from_span(span: str, citation: Citation) -> str:
        """A short answer built on the verified span: 「…です。」 for a noun phrase (a figure with the words that
        bound it there, 「約300万人」), else the sentence holding it."""
        if NOUN_END.search(span):
            return f"{with_bounds(span, [citation.quote])}です。"
        return f"記事には「{citation.quote}」とあります。"

    def _backing_sentence(self, answer: str, passages: list) -> tuple[int, int, int] | None:
        """(passage number, start, end) of the sentence best supporting `answer`, if a passage supports it."""
        best: tuple[float, int, int, int] | None = None
        for number, passage in enumerate(passages):
            if support(answer, [passage.text]) < self.min_support:
                continue
            for s, e in split_sentences(passage.text):
                score = support(passage.text[s:e], [answer])
                if best is None or score > best[0]:
                    best = (score, number, s, e)
        return best[1:] if best else None
