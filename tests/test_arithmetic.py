"""Numbers the model computed, checked against the shown figures; and the figures themselves, read as written."""

import pytest

from rag.arithmetic import MAX_TERMS, counted_things, counts_only_things, derive, one_customer, operands
from rag.japanese import decimals, figure_value, quantities


@pytest.mark.parametrize("figure, value", [
    ("1,320", 1320), ("2,591.22", 2591.22), ("3万5千", 35000), ("1億2000万", 120000000), ("48", 48), ("5千", 5000),
    ("2万", 20000), ("0.5", 0.5),
    ("3万4千250", 34250), ("2千万", 20000000), ("5千万3千", 50003000),  # parts below 万 add up
])
def test_figure_values(figure, value):
    assert figure_value(figure) == pytest.approx(value)


def test_quantities_keep_their_units_and_fold_full_width_digits():
    assert [(q.value, q.unit) for q in quantities("大人１，３２０円、面積は2,591.22平方キロメートル、重さ1.25kg、15%")] == [
        (1320, "円"), (2591.22, "平方キロメートル"), (1.25, "kg"), (15, "%")]
    assert decimals("2,591.22") == 2 and decimals("1,320円") == 0


def test_dates_are_not_operands_and_a_figure_stated_twice_is_one():
    found = operands(["2026年4月1日から1,320円、子どもは660円。大人は1,320円。"], "3人で")
    assert [(o.value, o.unit, o.source) for o in found] == [(1320, "円", 0), (660, "円", 0), (3, "人", -1)]


def test_a_figure_stated_twice_is_sourced_from_the_sentence_naming_what_the_question_asks_about():
    rows = ["カラー: ホワイト、価格: 12,980円。", "カラー: ブラック、価格: 12,980円。", "カラー: ネイビー、価格: 13,480円。"]
    found = operands(rows, "ネイビーはブラックより何円高い？")
    assert [(o.value, o.source) for o in found] == [(12980, 1), (13480, 2)]
    # sharing nothing of the question, the first sentence stating it
    assert [o.source for o in operands(rows, "差はいくら？")] == [0, 2]


@pytest.mark.parametrize("stated, question, expression", [
    ("2,640円です", "大人2人で合計いくら？", "1,320円 × 2人 = 2,640円"),
    ("合計1,980円です", "大人と子どもで合計いくら？", "1,320円 + 660円 = 1,980円"),
    ("差は660円", "大人と子どもの差は？", "1,320円 − 660円 = 660円"),
    ("440円", "3人で割ると1人あたりいくら？", "1,320円 ÷ 3人 = 440円"),
    ("2倍", "大人は子どもの何倍？", "1,320円 ÷ 660円 = 2倍"),
    ("990円", "平均は？", "(1,320円 + 660円) ÷ 2 = 990円"),
    ("約333円", "4人で割ると1人いくら？", "1,320円 ÷ 4人 = 330円"),
])
def test_derivations(stated, question, expression):
    derivation = derive(stated, ["大人の料金は1,320円、子どもは660円です。"], question)
    assert derivation is not None and derivation.expression == expression


def test_percentages_and_precision():
    assert derive("7.5%", ["応募200人のうち15人が合格した。"]).expression == "15人 ÷ 200人 × 100 = 7.5%"
    assert derive("7.6%", ["応募200人のうち15人が合格した。"]) is None  # stated to a tenth, so it must be right to a tenth
    assert derive("9%", ["応募200人のうち15人が合格した。"]) is None  # 7.5% is 8% at whole percents, not 9%


FEE_CHANGE = ["月会費を8,500円から9,350円に改定します。"]


@pytest.mark.parametrize("stated, question, expression", [
    ("10.0%", "値上げ率は何%？", "(9,350円 − 8,500円) ÷ 8,500円 × 100 = 10%"),  # a rise, from the smaller figure
    ("9.09%", "値上げ率は何%？", None),  # divided by the new fee: no rate of a rise
    ("9.09%", "値下げ率は何%？", "(9,350円 − 8,500円) ÷ 9,350円 × 100 = 9.09%"),  # a fall, from the larger
    ("10%", "会費は何%値上がりした？", "(9,350円 − 8,500円) ÷ 8,500円 × 100 = 10%"),
    ("10%", "会費はいくら？", None),  # no rate asked: no rate derived
    ("9.09%", "会費は何%安くなる？", "(9,350円 − 8,500円) ÷ 9,350円 × 100 = 9.09%"),
    ("10%", "会費の増減率は？", "(9,350円 − 8,500円) ÷ 8,500円 × 100 = 10%"),  # either way: both are tried
    ("9.09%", "会費の増減率は？", "(9,350円 − 8,500円) ÷ 9,350円 × 100 = 9.09%"),
    ("11%", "値上げ率は何%？", None),
])
def test_a_rate_of_change_is_derived_only_when_asked_and_in_the_direction_asked(stated, question, expression):
    derivation = derive(stated, FEE_CHANGE, question)
    assert (derivation and derivation.expression) == expression


def test_a_number_that_follows_from_nothing_shown_is_not_derived():
    assert derive("999円", ["大人の料金は1,320円、子どもは660円です。"], "合計は？") is None
    assert derive("2,640分", ["大人の料金は1,320円です。"], "大人2人で？") is None  # yen do not add up to minutes
    assert derive("料金は未定", ["大人の料金は1,320円です。"]) is None
    # a total of more than MAX_TERMS figures is not searched for
    figures = [f"{100 * (i + 1)}円" for i in range(MAX_TERMS + 1)]
    assert derive(f"{sum(100 * (i + 1) for i in range(MAX_TERMS + 1))}円", ["、".join(figures)]) is None


@pytest.mark.parametrize("text, shown", [
    ("24310 - 18870 = 5440万円です", True), ("1,320円×2", True), ("15230+15620=30850人", True),
    ("受付時間は10:00-18:00です", False), ("0120-555-817です", False), ("SC-300です", False),
    ("2026年5月12日(火)午前1時~午前6時", False),
])
def test_a_written_out_calculation_is_recognised(text, shown):
    from rag.arithmetic import shows_calculation

    assert shows_calculation(text) is shown


SHOWN = ["年月: 2026年1月、乗船者数(人): 18760人。", "年月: 2026年2月、乗船者数(人): 17920人、うち高速船(人): 6130人。"]


@pytest.mark.parametrize("text, expression, span", [
    ("18,760人 + 17,920人 = 34,680人です", "18760人 + 17920人 = 36,680人", (0, 27)),  # the wrong result replaced
    ("合計は18760＋17920で36680人", "18760人 + 17920人 = 36,680人", (3, 14)),  # bare figures, full-width sign
    ("17920人 - 6130人 = 11790人", "17920人 − 6130人 = 11,790人", (0, 23)),
    ("17,920人÷6,130人=約2.9倍", "17920人 ÷ 6130人 = 2.92倍", (0, 20)),
    ("17920 / 6130", "17920人 ÷ 6130人 = 2.92倍", (0, 12)),
    ("1万8760人×2で", "18760人 × 2人 = 37,520人", (0, 9)),  # the question's 2人, written bare
    ("17920 + 18760 × 2 − 6130人", "17920人 + 18760人 × 2人 − 6130人 = 49,310人", (0, 25)),  # × before + and −
])
def test_a_written_out_calculation_is_computed_by_code(text, expression, span):
    from rag.arithmetic import evaluate

    derivation, start, end = evaluate(text, SHOWN, "2人で分けると？")
    assert (derivation.expression, (start, end)) == (expression, span)


@pytest.mark.parametrize("text", [
    "18760人 + 999人 = 19759人",  # 999人 is stated nowhere
    "営業は10:00-18:00です", "18760人です", "6130/17920",  # no calculation: a slash without spaces is no sign
    "18760人 + 2人",  # 2人 is stated by no sentence, and no question is given
    "6130人 − 18760人",  # less than nothing
])
def test_what_is_not_a_checked_calculation(text):
    from rag.arithmetic import evaluate

    assert evaluate(text, SHOWN) is None


@pytest.mark.parametrize("question, things", [
    ("自転車1台と学習机1つ、布団2枚を粗大ごみに出したい。手数料は全部でいくら？",
     [("自転車", 1, "1台"), ("学習机", 1, "1つ"), ("布団", 2, "2枚")]),
    ("大人2人と小学生1人でフェリーに乗ると合計いくら？", [("大人", 2, "2人"), ("小学生", 1, "1人")]),
    ("子ども3人と大人1人", [("子ども", 3, "3人"), ("大人", 1, "1人")]),
    ("タオル２枚とシャンプー１本", [("タオル", 2, "2枚"), ("シャンプー", 1, "1本")]),  # width folded
    ("家族で入会して2人目がレギュラー会員になる場合", []),  # a count that ranks
    ("2人で2泊するといくら？", []),  # nothing named before the count; nights count no thing
    ("大人2人で3日間", [("大人", 2, "2人")]),  # the days are no thing (`counts_only_things` declines the sum)
    ("大人2人小学生1人でいくら？", [("大人", 2, "2人"), ("小学生", 1, "1人")]),  # 人 ends the count, not the name
])
def test_the_things_a_question_counts(question, things):
    assert [tuple(counted) for counted in counted_things(question)] == things


@pytest.mark.parametrize("question, customer", [
    ("小学生が高速船で潮見港からかもめ島まで行く場合、片道の運賃はいくら？", [("小学生", 1, "")]),
    ("シニアの月会費はいくら？", [("シニア", 1, "")]),
    ("大人と子どもでいくら？", []),  # two classes: how many of each is not said
    ("中学生以下の入館料はいくら？", []),  # a bound, no class
    ("大学生協の年会費はいくら？", []),  # part of a longer word
    ("入館料はいくら？", []),
    # customers counted or gathered in any words: not one
    ("大人が2人で行くと料金はいくら？", []), ("大人ふたりで行くと合計いくら？", []), ("小学生の団体料金はいくら？", []),
    ("小学生が友達と乗るといくら？", []), ("大人が親子で乗るといくら？", []),
    ("小学生が名古屋まで乗ると運賃はいくら？", [("小学生", 1, "")]),  # 名 and 人 in other words count no one
])
def test_one_customer_named_by_class_alone(question, customer):
    assert [tuple(counted) for counted in one_customer(question)] == customer


@pytest.mark.parametrize("question, only", [
    ("自転車1台と学習机1つ、布団2枚を出すと全部でいくら？", True),
    ("大人2人と小学生1人でフェリーに乗って潮見港からかもめ島まで行くと、片道の運賃は合計いくら？", True),
    ("大人と子ども2人で行くと合計いくら？", False),  # the adult has no count: a sum of the children would leave them out
    ("自転車1台と布団を2枚出すといくら？", False),
    ("自転車と学習机、布団2枚でいくら？", False),
    ("4月以降、大人2人と小学生1人で乗ると合計いくら？", True),  # a 、 after a time lists nothing
    ("大人2人で3日間通うと合計いくら？", False),  # days multiply the price
    ("素泊まりに大人2人で2泊するといくら？", False),
    ("大人1人で往復いくら？", False),
    ("大人4人で割ると1人あたりいくら？", False), ("大人2人と子ども1人の料金の差はいくら？", False),
    # the day of a date, the year before a month and a time's minutes multiply nothing
    ("4月1日以降、大人2人と小学生1人でフェリーに乗るといくら？", True), ("2026年4月から大人2人で乗ると片道いくら？", True),
    ("午前9時30分の便に大人2人で乗るといくら？", True), ("大人2人で3日通うと合計いくら？", False),
])
def test_a_price_of_counted_things_is_all_a_question_asks(question, only):
    assert counts_only_things(question, counted_things(question)) is only
