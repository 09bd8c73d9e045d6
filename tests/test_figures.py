"""Figures in answers: a computed number stands only when code derives it from the shown figures, a calculation
it cannot check shows the figures instead, and sources that disagree are both named."""

from pathlib import Path

import pytest

from rag.answer import Answerer
from rag.chunk import split_sentences
from rag.index import build_index
from rag.japanese import names_another
from rag.load import Document
from rag.prompt import REFUSAL
from rag.retrieve import Retriever
from rag.verify import CONFLICT, FIGURES_ONLY, UNPICKED, Citation, Claim, Stated, Verdict, Verifier, priced_in_row

from .test_answer import ScriptedGenerator

NOTICES = {
    "fees.md": "---\ntitle: 市民プール 料金のお知らせ\ndate: 2026-03-01\n---\n市民プールの利用料金は次のとおりです。\n\n"
               "| 区分 | 料金 |\n|---|---|\n| 大人 | 1,320円 |\n| 子ども | 660円 |\n\n屋外プールは7月1日に開きます。\n",
    "stores.csv": "店舗名,席数\n東口店,20\n駅前本店,48\n",
    "ship.md": "---\ntitle: 船舶紹介\ndate: 2026-01-10\n---\n主力フェリー「しおかぜ丸」は旅客定員350名で、乗用車28台を積めます。\n",
    "timetable.md": "---\ntitle: ダイヤ改正のお知らせ\ndate: 2026-03-20\n---\nダイヤを改正します。\n\n"
                    "フェリー「しおかぜ丸」(旅客定員320名)は、引き続き1日3往復で運航します。\n",
    "deadline.md": "---\ntitle: 図書館職員募集\ndate: 2026-02-10\n---\n図書館の事務補助を募集します。"
                   "応募の締め切りは3月15日です。\n",
    "extended.md": "---\ntitle: 募集期間延長のお知らせ\ndate: 2026-03-05\n---\n図書館の事務補助の募集について、"
                   "応募の締め切りを3月22日に延長します。\n",
    "hours.md": "---\ntitle: 営業時間変更のお知らせ\ndate: 2026-03-10\n---\n4月1日より、東口店は平日の閉店時刻を"
                "午後10時から午後11時に延長します。\n",
}


def indexed(tmp_path: Path, settings, embedder, notices: dict[str, str]):
    """A retriever over `notices` (file name -> text), and the settings that index them."""
    corpus = tmp_path / "notices"
    corpus.mkdir()
    for name, text in notices.items():
        (corpus / name).write_text(text, encoding="utf-8")
    changed = settings.replace(corpus_dir=str(corpus), index_dir=str(tmp_path / "notices-index"), min_evidence=0.0)
    return Retriever(build_index(changed, embedder, progress=False)[0], embedder), changed


def asker(tmp_path: Path, settings, embedder, notices: dict[str, str]):
    """ask(reply, question): the question answered over `notices`, the model scripted to write `reply`."""
    retriever, changed = indexed(tmp_path, settings, embedder, notices)

    def run(reply: str, question: str):
        return Answerer(retriever, ScriptedGenerator(reply), changed).answer(question)
    return run


@pytest.fixture
def ask(tmp_path: Path, settings, embedder):
    return asker(tmp_path, settings, embedder, NOTICES)


ONE_EACH = "大人と子どもが1人ずつ行くと料金は合計でいくら？"  # counts no thing by name: the model's total is checked


def test_a_computed_total_code_derives_stands_with_its_calculation(ask):
    result = ask("回答: 合計で1,980円です。[1]\n要点: 1,980円", ONE_EACH)
    assert not result.refused
    assert result.answer == "合計で1,980円です。(計算: 660円 + 1,320円 = 1,980円)[1][2]"
    assert [c.quote for c in result.citations] == ["区分: 子ども、料金: 660円。", "区分: 大人、料金: 1,320円。"]


def test_the_total_of_counted_things_is_computed_from_their_rows_whatever_the_model_adds(ask):
    # the model adds a row twice; code reads each thing's price from its row and counts it as often as asked
    result = ask("回答: 1,320円 + 1,320円 + 660円 = 3,300円です。[1]\n要点: 3,300円", "大人2人と子ども1人で行くと料金は合計でいくら？")
    assert not result.refused
    assert result.answer == "3,300円です。(計算: 1,320円 × 2人 + 660円 = 3,300円)[1][2]"
    assert [c.quote for c in result.citations] == ["区分: 大人、料金: 1,320円。", "区分: 子ども、料金: 660円。"]
    assert result.short_answer == "3,300円"
    # one thing counted, whatever the model replies (here a refusal): its price times its count
    result = ask("回答: 資料には記載がありません。\n要点: なし", "大人2人で行くと料金は合計でいくら？")
    assert result.answer == "2,640円です。(計算: 1,320円 × 2人 = 2,640円)[1]" and not result.refused
    # and once, its price as stated
    result = ask("回答: 資料には記載がありません。\n要点: なし", "大人1人だといくら？")
    assert (result.answer, result.short_answer) == ("1,320円です。[1]", "1,320円")
    # one customer named by class alone, without a count: that class's price, whatever the model replies
    result = ask("回答: 1,320円です。[1]\n要点: 1,320円", "子どもが行くと料金はいくら？")
    assert (result.answer, result.short_answer) == ("660円です。[1]", "660円")
    # a thing no row prices leaves the reply to the checks: a total code cannot derive is not stated
    result = ask("回答: 合計で3,000円です。[1]\n要点: 3,000円", "大人2人とシニア1人で行くと料金は合計でいくら？")
    assert result.refused and "3,000" not in result.answer


def notice(title: str, lead: str, *rows: str) -> str:
    """A Markdown notice: its title, a lead sentence, and a table of `rows` (cells joined by 「|」, the header first)."""
    table = "".join(f"| {row} |\n" + ("|---" * (row.count("|") + 1) + "|\n" if i == 0 else "")
                    for i, row in enumerate(rows))
    return f"---\ntitle: {title}\ndate: 2026-03-01\n---\n{lead}\n\n{table}"


def test_a_rate_of_change_is_computed_from_the_row_the_question_names(tmp_path: Path, settings, embedder):
    ask = asker(tmp_path, settings, embedder, {"fees.md": notice(
        "月会費改定のお知らせ", "4月から月会費を改定します。", "会員種別 | 現行月額 | 改定後月額",
        "レギュラー会員 | 8,580円 | 9,350円", "デイタイム会員 | 6,600円 | 7,150円")})
    # whatever the model replies: the rise from the row of レギュラー会員, counted from the earlier fee
    result = ask("回答: 10.0%です。[1]\n要点: 10.0%", "レギュラー会員の値上げ率は何パーセント？")
    assert result.answer == "8.97%です。(計算: (9,350円 − 8,580円) ÷ 8,580円 × 100 = 8.97%)[1]"
    assert result.citations[0].quote == "会員種別: レギュラー会員、現行月額: 8,580円、改定後月額: 9,350円。"
    assert result.short_answer == "8.97%"
    # asked either way, the answer says which way it went
    result = ask("回答: 10.0%です。[1]\n要点: 10.0%", "デイタイム会員の月会費の増減率は？")
    assert result.answer == "8.33%の増加です。(計算: (7,150円 − 6,600円) ÷ 6,600円 × 100 = 8.33%)[1]"
    # a fall asked of a rise, or a rate of no row the question names: left to the model's reply and the checks
    assert "計算" not in ask("回答: 8.97%です。[1]\n要点: 8.97%", "レギュラー会員の値下げ率は？").answer
    assert "計算" not in ask("回答: 10.0%です。[1]\n要点: 10.0%", "月会費の値上げ率は何パーセント？").answer
    # nothing to count a rate from where the earlier value is none
    (tmp_path / "free").mkdir()
    ask = asker(tmp_path / "free", settings, embedder, {"fees.md": notice(
        "会費改定のお知らせ", "4月から会費を改定します。", "会員種別 | 現行月額 | 改定後月額", "学生会員 | 0円 | 500円")})
    assert "(計算:" not in ask("回答: 100%です。[1]\n要点: 100%", "学生会員の値上げ率は何パーセント？").answer


def test_the_price_of_one_of_what_a_row_prices_is_its_price_divided_by_its_count(tmp_path: Path, settings, embedder):
    ask = asker(tmp_path, settings, embedder, {"courses.md": notice(
        "公民館講座受講者募集", "公民館講座の受講者を募集します。", "講座名 | 回数 | 定員 | 受講料(全回分)",
        "はじめての水彩画 | 8回 | 15名 | 4,000円", "季節の料理 | 4回 | 12名 | 1回500円")})
    # whatever the model replies: the course's fee over its sessions
    result = ask("回答: 4,000円です。[1]\n要点: 4,000円", "はじめての水彩画の受講料は1回あたりにするといくらですか？")
    assert result.answer == "500円です。(計算: 4,000円 ÷ 8回 = 500円)[1]"
    assert result.citations[0].quote == "講座名: はじめての水彩画、回数: 8回、定員: 15名、受講料(全回分): 4,000円。"
    # a price already for one session is no total to divide
    assert "計算" not in ask("回答: 500円です。[1]\n要点: 500円", "季節の料理の受講料は1回あたりいくら？").answer
    # a share of another count than the row states, or no share asked: left to the model's reply and the checks
    assert "計算" not in ask("回答: 4,000円です。[1]\n要点: 4,000円", "はじめての水彩画の受講料は1人あたりいくら？").answer
    assert ask("回答: 4,000円です。[1]\n要点: 4,000円", "はじめての水彩画の受講料はいくら？").answer == "4,000円です。[1]"
    # nor one already for a month (「月額」)
    (tmp_path / "monthly").mkdir()
    ask = asker(tmp_path / "monthly", settings, embedder, {"courses.md": notice(
        "英会話教室のご案内", "英会話教室の受講者を募集します。", "コース | 期間 | 受講料(月額)", "半年コース | 6か月 | 3,000円")})
    assert "(計算:" not in ask("回答: 3,000円です。[1]\n要点: 3,000円", "半年コースは1か月あたりいくら？").answer
    # a count of months however its か is written
    (tmp_path / "course").mkdir()
    ask = asker(tmp_path / "course", settings, embedder, {"courses.md": notice(
        "英会話教室のご案内", "英会話教室の受講者を募集します。", "コース | 期間 | 受講料(全期間)", "半年コース | 6ヶ月 | 18,000円")})
    result = ask("回答: 18,000円です。[1]\n要点: 18,000円", "半年コースは1ヶ月あたりいくら？")
    assert result.answer == "3,000円です。(計算: 18,000円 ÷ 6ヶ月 = 3,000円)[1]"


def test_a_computed_figure_in_another_unit_than_asked_is_not_stated(ask):
    # 1,320円 × 2 is derived, but 「何席」 asks for seats, not yen
    result = ask("回答: 合計で2,640円です。[1]\n要点: 2,640円", "大人2人で行くと合計で何席必要？")
    assert result.refused and "2,640" not in result.answer


def test_a_wrong_total_is_not_stated_and_the_figures_are_shown(ask):
    result = ask("回答: 合計で1,890円です。[1]\n要点: 1,890円", ONE_EACH)
    assert result.refused and "1,890" not in result.answer and result.answer == (
        f"{FIGURES_ONLY}「区分: 子ども、料金: 660円。」[1]「区分: 大人、料金: 1,320円。」[2]")
    assert [c.quote for c in result.citations] == ["区分: 子ども、料金: 660円。", "区分: 大人、料金: 1,320円。"]


def test_a_calculation_question_is_not_answered_with_one_of_its_figures(ask):
    # the model gives up; the typed-answer rule would state 1,320円 as the total: the figures are shown instead
    result = ask("回答: 大人の料金です。\n要点: なし", "大人と子どもの料金の合計はいくら？")
    assert result.refused and result.answer.startswith(FIGURES_ONLY)
    # in the order the model read them: the passage retrieved first comes first
    assert [c.quote for c in result.citations] == ["区分: 子ども、料金: 660円。", "区分: 大人、料金: 1,320円。"]


def test_sources_that_disagree_are_both_named_with_their_dates(ask):
    result = ask("回答: 3月15日です。[1]\n要点: 3月15日", "図書館の事務補助の応募の締め切りはいつですか？")
    assert not result.refused and result.answer.startswith(CONFLICT)
    assert "「図書館職員募集」(2026-02-10)" in result.answer and "「募集期間延長のお知らせ」(2026-03-05)" in result.answer
    assert {c.doc_id for c in result.citations} == {"deadline", "extended"}
    assert "3月15日" in result.answer and "3月22日" in result.answer


def test_a_value_no_other_source_contradicts_stands_alone(ask):
    result = ask("回答: 660円です。[1]\n要点: 660円", "子どもの料金はいくら？")
    assert result.answer == "660円です。[1]" and result.short_answer == "660円"


def test_a_model_refusal_of_a_calculation_stays_a_refusal(ask):
    result = ask("回答: 資料には記載がありません。\n要点: なし", ONE_EACH)
    assert result.refused and result.answer == REFUSAL


def test_a_year_the_notices_do_not_state_is_taken_off_the_date_they_do(ask):
    result = ask("回答: 2025年7月1日です。[1]\n要点: 2025年7月1日", "屋外プールが開くのはいつ？")
    assert result.answer == "7月1日です。[1]" and result.short_answer == "7月1日"
    assert result.citations[0].quote == "屋外プールは7月1日に開きます。"


def test_a_date_the_notices_do_not_state_is_not_stated_though_they_hold_its_numbers(ask):
    result = ask("回答: 7月2日に開きます。[1]\n要点: 7月2日", "屋外プールが開くのはいつ？")
    assert "7月2日" not in result.answer and "7月2日" not in result.short_answer


@pytest.mark.parametrize(("source", "words", "invented"), [
    ("高さは333メートル", "33メートルです", ["33"]),  # a number inside a longer one
    ("料金は2,500円", "500円です", ["500"]),
    ("金利は3.5%", "3%です", ["3"]),  # the whole part of a decimal
    ("金利は0.5%に引き上げられた", "金利は0.05%です", ["005", "0.05"]),  # digits the passage does not write together
    ("最終便は21時に出発し、所要時間は45分", "21:45に出発します", ["2145"]),
    ("屋外プールは7月1日に開きます", "7月2日です", ["2", "7月2日"]),
    ("来場者は25,000人だった", "2万5000人です", []),  # the value and unit a passage states, written otherwise
    ("定員は1万人、料金は1,000円", "料金は10,000円です", ["10000"]),  # a value stated in another unit
    ("金利は年1.50%", "1.5%です", []),
    ("開館は09:00から", "9時です", []),
    ("開始は12:30", "12時30分です", []),
    ("金利は3.5%", "3.5%です", []),
    ("①9時~12時 ②13時~17時", "9時です", []),  # a list's mark is no digit of the time after it
    ("7・8月は休館", "8月です", []),
    ("サミット(12月9~10日)", "12月9~10日です", []),
    ("受付は11月5日まで", "1月5日です", ["1", "1月5日"]),  # a date inside a longer one
    ("施行日:2026/4/1", "4月1日からです", []),  # a date written in figures and marks
    ("2026年は、4月1日から改定", "2026年4月1日からです", []),  # its year stated apart
    ("施行日は令和8年4月1日です。", "令和8年4月1日からです", []),  # a date in an era, as the passage writes it
    ("標高は3,776.24メートル", "3776.24メートルです", []),  # a decimal is no date
    ("2025年の大会は、4月1日から", "2026年4月1日からです", ["2026", "2026年4月1日"]),
])
def test_a_number_counts_as_stated_only_as_a_passage_writes_it(source, words, invented):
    assert Verifier._invented_numbers(words, Stated.of([source])) == invented


def test_a_value_from_the_row_of_another_branch_than_the_one_asked_about_is_refused(ask):
    result = ask("回答: 20席です。[1]\n要点: 20席", "西口店の席はいくつ？")
    assert result.refused and result.answer == "資料には「西口店」についての記載がありません。" and not result.citations
    result = ask("回答: 20席です。[1]\n要点: 20席", "東口店の席はいくつ？")
    assert result.answer == "20席です。[1]" and result.citations[0].quote == "店舗名: 東口店、席数: 20席。"


def test_a_value_from_another_column_than_the_one_asked_about_is_refused(tmp_path: Path, settings, embedder):
    ask = asker(tmp_path, settings, embedder, {"plans.csv": '項目,ライトプラン,スタンダードプラン\n月額料金,"3,000円","9,800円"\n'})
    result = ask("回答: 3,000円です。[1]\n要点: 3,000円", "スタンダードプランはいくら？")
    assert result.refused and result.reason == "the answer is read from another column than スタンダードプラン"
    # where the question names the row as well, the value of the column it names answers
    result = ask("回答: 3,000円です。[1]\n要点: 3,000円", "スタンダードプランの月額料金はいくら？")
    assert (result.answer, result.short_answer) == ("9,800円です。[1]", "9,800円")
    result = ask("回答: 9,800円です。[1]\n要点: 9,800円", "スタンダードプランの月額料金はいくら？")
    assert result.answer == "9,800円です。[1]"
    assert result.citations[0].quote == "項目: 月額料金、ライトプラン: 3,000円、スタンダードプラン: 9,800円。"
    # a question naming no column says not which of the row's fees it asks for: the row is shown, not one fee
    result = ask("回答: 3,000円です。[1]\n要点: 3,000円", "月額料金はいくら？")
    assert result.refused and result.answer == (
        f"{UNPICKED}「項目: 月額料金、ライトプラン: 3,000円、スタンダードプラン: 9,800円。」[1]")
    assert [c.quote for c in result.citations] == ["項目: 月額料金、ライトプラン: 3,000円、スタンダードプラン: 9,800円。"]


def test_the_column_asked_in_other_words_than_its_name_is_read_in_the_row_asked(tmp_path: Path, settings, embedder):
    ask = asker(tmp_path, settings, embedder, {"garbage.md": notice(
        "ごみ収集日程のお知らせ", "4月からのごみ収集日です。", "地区 | 燃やすごみ | 不燃ごみ", "西地区 | 火・金 | 第2金曜",
        "浜地区 | 水・土 | 第4金曜")})
    # 可燃ごみ and 燃えるゴミ are 燃やすごみ: the model read the neighbouring column
    for question in ("西地区の可燃ごみの日は何曜日？", "西地区の燃えるゴミは何曜日に出せばいい？"):
        result = ask("回答: 第2金曜です。[1]\n要点: 第2金曜", question)
        assert (result.answer, result.short_answer) == ("火・金です。[1]", "火・金")
        assert result.citations[0].quote == "地区: 西地区、燃やすごみ: 火・金、不燃ごみ: 第2金曜。"


def test_a_column_the_question_names_as_a_condition_does_not_answer_it(tmp_path: Path, settings, embedder):
    ask = asker(tmp_path, settings, embedder, {"menu.csv": 'メニュー,サイズ,価格\nカフェラテ,R,480円\n'})
    result = ask("回答: 480円です。[1]\n要点: 480円", "カフェラテの大きいサイズは何円？")
    assert result.refused and result.reason == "the answer is read from another column than サイズ"


def _cited_rows(*rows: str) -> list[Citation]:
    return [Citation(n, "a", "料金表", f"a#{n}", row, row, 0, len(row)) for n, row in enumerate(rows, start=1)]


@pytest.mark.parametrize("short_answer, rows, question, column", [
    ("3,000円", ["項目: 月額料金、ライト: 3,000円、スタンダード: 9,800円。"], "スタンダードプランの月額料金はいくら？",
     "スタンダード"),
    ("9,800円", ["項目: 月額料金、ライト: 3,000円、スタンダード: 9,800円。"], "スタンダードプランの月額料金はいくら？", ""),
    # a column of one character is named by no bigram of the question
    ("52席", ["店舗名: 空港店、座席数: 52席、色: 赤。"], "空港店には何席ある？", ""),
    # 「料金」 is not named over 「早割料金」, nor 「ライト」 over 「ライト(学割)」: the answer's column holds their words
    ("1,500円", ["プラン: A、料金: 2,000円、早割料金: 1,500円。"], "早割の料金はいくら？", ""),
    ("1,150円", ["区間: 本線、ライト(学割): 1,150円、ライト: 2,000円。"], "学割でライトを使うといくら？", ""),
    # a column whose value the question states is a condition, not what it asks, in a notice's words or its own
    ("市民会館", ["日時: 4月1日、場所: 市民会館、定員: 50人。"], "定員50人の講座はどこで開かれる？", ""),
    ("火・金", ["地区: 西地区、ごみの種類: 燃えるゴミ、収集日: 火・金。"], "西地区で燃えるごみの収集日はいつ？", ""),
    # another cited row holds the answer in the column asked about
    ("9,800円", ["項目: 月額、ライト: 9,800円、スタンダード: 12,000円。", "項目: 年額、ライト: 8,000円、スタンダード: 9,800円。"],
     "スタンダードの年額は？", ""),
    ("1,870円", ["区間: 潮見港~かもめ島、大人(フェリー): 1,870円、大人(高速船): 2,700円。"],
     "潮見港からかもめ島まで大人が高速船で行くといくら？", "大人(高速船)"),
])
def test_a_value_read_from_another_column_than_the_question_names(short_answer, rows, question, column):
    assert Verifier.other_column(short_answer, _cited_rows(*rows), question) == column


@pytest.mark.parametrize("short_answer, rows, question, picked", [
    # four fares, and the question says which by no word of their columns' names
    ("720円", ["区間: つばき島~かもめ島、大人(フェリー): 720円、大人(高速船): 1,150円、小人(フェリー): 360円。"],
     "つばき島からかもめ島まで車を船で運ぶといくらかかる？", False),
    ("720円", ["区間: つばき島~かもめ島、大人(フェリー): 720円、大人(高速船): 1,150円、小人(フェリー): 360円。"],
     "つばき島からかもめ島まで大人がフェリーで行くといくら？", True),
    ("3,000円", ["項目: 月額料金、ライト: 3,000円、スタンダード: 9,800円。"], "ミナモ経費の月額料金を教えてください。", False),
    ("3,000円", ["項目: 月額料金、ライト: 3,000円、スタンダード: 9,800円。"], "ライトの月額料金は？", True),
    # one price, or figures that are no prices (a question names their columns in its own words: 席 for 席数)
    ("52席", ["店舗名: 空港店、座席数: 52席、駐車場: 20台。"], "空港店の広さは？", True),
    ("48", ["店舗名: 駅前本店、席数: 48、駐車場: 10。"], "駅前本店の席はいくつ？", True),
    # or the row's figures are one value before and after a change
    ("9,350円", ["会員種別: レギュラー会員、現行月額(税込): 8,580円、改定後月額(税込): 9,350円。"],
     "レギュラー会員の月会費はいくら？", True),
    # a row of prose, no table: nothing to pick between
    ("1,500円", ["多目的ホールは1時間1,500円、会議室は1時間300円です。"], "体育館は1時間いくら？", True),
    # another cited row holds the answer where the question picks it, whichever row comes first
    ("9,800円", ["項目: 月額、A: 3,000円、B: 9,800円。", "項目: 年額、ライト: 9,800円、スタンダード: 99,000円。"],
     "ライトの年額は？", True),
    ("9,800円", ["項目: 年額、ライト: 9,800円、スタンダード: 99,000円。", "項目: 月額、A: 3,000円、B: 9,800円。"],
     "ライトの年額は？", True),
])
def test_a_value_the_question_picks_from_none_of_a_rows_columns(short_answer, rows, question, picked):
    cited = _cited_rows(*rows)
    row = Verifier.unpicked_column(short_answer, cited, question)
    assert (row is None) == picked and (picked or row is cited[0])


@pytest.mark.parametrize("short_answer, rows, question, period", [
    # asked what a year costs, the amount a row states for a month, by its column's name or the row's
    ("9,350円", ["会員種別: レギュラー会員、現行月額(税込): 8,580円、改定後月額(税込): 9,350円。"],
     "レギュラー会員を年払いにするといくら？", "月"),
    ("3,000円", ["項目: 月額、ライト: 3,000円、スタンダード: 9,800円。"], "ライトの年額は？", "月"),
    ("3,000円", ["ライトプランは月額3,000円です。"], "ライトプランを1年分払うといくら？", "月"),
    ("36,000円", ["ライトプランは年額36,000円です。"], "ライトプランは月々いくら？", "年"),
    # the period asked, none asked, none stated, or both asked
    ("9,350円", ["会員種別: レギュラー会員、改定後月額(税込): 9,350円。"], "レギュラー会員の月会費はいくら？", ""),
    ("9,350円", ["会員種別: レギュラー会員、改定後月額(税込): 9,350円。"], "レギュラー会員はいくら？", ""),
    ("500円", ["品目: 自転車、手数料: 500円。"], "自転車を1年分出すといくら？", ""),
    ("3,000円", ["ライトプランは月額3,000円です。"], "年間契約の月額はいくら？", ""),
    # one cited row states it for the period asked; a figure of another unit is no price
    ("9,800円", ["項目: 月額、A: 3,000円、B: 9,800円。", "項目: 年額、ライト: 9,800円、スタンダード: 99,000円。"],
     "ライトの年額は？", ""),
    ("12か月", ["契約期間: 月額プラン、最短: 12か月。"], "年払いの最短期間は？", ""),
    # 「11か月分」 is no month's price
    ("107,800円", ["年間契約は11か月分の107,800円です。"], "年間契約すると1年分でいくら？", ""),
])
def test_an_amount_stated_for_another_period_than_the_one_asked(short_answer, rows, question, period):
    assert Verifier.other_period(short_answer, _cited_rows(*rows), question) == period


FARES = "区間: 潮見港~かもめ島、大人(フェリー): 1,870円、大人(高速船): 2,860円、小人(フェリー): 940円、小人(高速船): 1,430円。"
FERRY = "大人2人と小学生1人でフェリーに乗って潮見港からかもめ島まで行くと、片道の運賃は合計いくら？"


@pytest.mark.parametrize("row, thing, question, price", [
    # the first cell names the thing; of several figures, the column the question names
    ("品目: 布団・毛布、手数料(1点): 300円。", "布団", "布団2枚と自転車1台で手数料はいくら？", "300円"),
    ("品目: 自転車、手数料: 500円、重さ: 15kg。", "自転車", "自転車1台と布団2枚でいくら？", "500円"),
    ("プラン: 大人、平日: 1,000円、休日: 1,200円。", "大人", "大人2人と子ども1人で休日はいくら？", "1,200円"),
    ("プラン: 大人、平日: 1,000円、休日: 1,200円。", "大人", "大人2人と子ども1人でいくら？", ""),
    # a column names the thing, in the row the question names, the other words of the column telling fares apart
    (FARES, "大人", FERRY, "1,870円"), (FARES, "小学生", FERRY, "940円"),
    (FARES, "大人", FERRY.replace("フェリー", "船"), ""),  # ferry or fast boat: not said
    (FARES, "大人", FERRY.replace("かもめ島", "つばき島"), ""),  # another route's row
    ("品目: 学習机、手数料: 800円。", "布団", "布団2枚と学習机1つでいくら？", ""),  # another thing's row
    ("自転車は500円です。", "自転車", "自転車1台と布団2枚でいくら？", ""),  # prose: no row
])
def test_the_price_a_row_gives_for_a_thing(row, thing, question, price):
    assert [written for _, written in priced_in_row(row, thing, question)] == ([price] if price else [])


MENU = ["メニュー: カフェラテ、サイズ: R、価格: 520円。", "メニュー: カフェラテ、サイズ: L、価格: 610円。",
        "メニュー: 抹茶ラテ、サイズ: R、価格: 580円。"]
SALES = ["月: 2026年1月、売上: 17,940千円。", "月: 2026年2月、売上: 16,820千円。", "月: 2026年3月、売上: 20,650千円。",
         "月: 2025年4月、売上: 18,420千円。"]
CLASSES = ["講座: 水彩画、回数: 全8回、受講料: 4,000円。", "講座: 書道体験、回数: 1回、受講料: 1,000円。"]


def _rows_of(table: list[str], *cited: int) -> list[Citation]:
    """Citations of the `cited` rows of a table whose whole text each carries (an article not in the index)."""
    text = "\n".join(table)
    return [Citation(n, "t", "表", f"t#{n}", text, table[row], 0, 0) for n, row in enumerate(cited, start=1)]


@pytest.mark.parametrize("table, cited, question, other", [
    (MENU, [2], "抹茶ラテのLサイズは4月からいくら？", "L"),  # another row's size: 抹茶ラテ comes in R only
    (MENU, [1], "カフェラテのLサイズはいくら？", ""),
    (MENU, [0], "カフェラテはいくら？", ""),  # a question giving no size leaves the model's choice to the reader
    (MENU, [0], "抹茶ラテはいくら？", "抹茶ラテ"),  # the row of another drink
    (MENU, [1, 2], "カフェラテのLと抹茶ラテの差は？", ""),  # a comparison names each row it reads
    (SALES, [3], "2026年4月の売上はいくら？", "2026年4月"),  # a month the table does not cover
    (SALES, [0, 1, 2], "2026年1月から3月までの売上の合計は？", ""),  # the rows of a range
    (SALES, [3], "2025年4月の売上は？", ""),
    # a year alone, where the first cells are years
    (["年: 2024年、売上: 210億円。", "年: 2025年、売上: 230億円。"], [1], "2023年の売上は？", "2023年"),
    (["年: 2024年、売上: 210億円。", "年: 2025年、売上: 230億円。"], [1], "2025年の売上は？", ""),
    (CLASSES, [0], "水彩画の受講料は1回あたりいくら？", ""),  # 「1回」 measures: a figure names no row
    (["講座: 水彩画、回数: 毎週、受講料: 4,000円。", "講座: 書道体験、回数: 1回、受講料: 1,000円。"], [0],
     "水彩画の受講料は1回あたりいくら？", ""),  # nor in another row
    # words of the question's own that are cell values: presence, need
    (["店舗: 港町店、駐車場: なし。", "店舗: 駅前店、駐車場: あり。"], [0], "港町店に駐車場はありますか？", ""),
    (["講座: 水彩画、予約: 不要。", "講座: 陶芸、予約: 要。"], [1], "陶芸は予約不要ですか？", ""),
    # a value in another column than the first, not beside its column's name, is a condition
    (["項目: 対象、内容: 市内在住の方。", "項目: 会場、内容: 市民会館。"], [0], "市民会館で開かれる講座の対象は？", ""),
    # a date in another cell than the first is a condition too, and a range names no one row
    (["特典: 入会金無料、期間: 2026年4月1日～4月30日。", "特典: 月会費半額、期間: 2026年5月1日～5月31日。"], [0],
     "4月15日に入会すると特典は何？", ""),
    (["講座: 水彩画、申込締切: 3月20日。", "講座: 陶芸、申込締切: 3月25日。"], [0], "3月25日に申し込んでも水彩画に間に合う？", ""),
    (["期間: 2026年4月1日～4月30日、特典: 入会金無料。"], [0], "4月15日の特典は？", ""),
    # a day is a condition more often than a row's name (a deadline before the day of the class)
    (["開催日: 5月10日、講座: 水彩画。", "開催日: 5月1日、講座: 陶芸。"], [0], "5月1日までに申し込めば5月10日の講座に出られる？", ""),
    (["区分: 会員、料金: 500円。", "区分: 一般、料金: 800円。"], [1], "非会員の料金は？", ""),  # 会員 inside 非会員
    (["区分: 会員、料金: 500円。", "区分: 一般、料金: 800円。"], [1], "会員の料金は？", "会員"),
])
def test_a_value_read_from_another_row_than_the_question_names(table, cited, question, other):
    assert Verifier().other_row(_rows_of(table, *cited), question) == other


def test_the_other_rows_are_those_of_the_cited_rows_own_table():
    text = "\n".join(["## 港町店", "曜日: 月～金、営業時間: 7:00～21:00。", "曜日: 土日、営業時間: 8:00～20:00。", "",
                      "## 駅前店", "曜日: 平日、営業時間: 6:30～22:00。"])
    row = "曜日: 月～金、営業時間: 7:00～21:00。"
    cited = [Citation(1, "t", "営業時間", "t#1", text, row, 0, 0)]
    assert Verifier().other_row(cited, "港町店の平日の営業時間は？") == ""
    assert Verifier().other_row(cited, "港町店の土日の営業時間は？") == "土日"


def test_a_quoted_row_is_read_whole_and_a_row_without_a_cell_is_of_its_table():
    text = "\n\n".join(["店舗名: 港町店、席数: 42席、定休日: 月曜日。", "店舗名: 駅前店、席数: 64席。",
                         "店舗名: 空港店、席数: 52席、定休日: なし。"])
    quoted = [Citation(1, "t", "店舗一覧", "t#1", text, "店舗名: 港町店、席数: 42席", 0, 0)]  # a quote leaves the rest out
    assert Verifier().other_row(quoted, "駅前店の席数は？") == "駅前店"
    assert Verifier().other_row(quoted, "港町店の席数は？") == ""
    last = [Citation(1, "t", "店舗一覧", "t#1", text, "店舗名: 空港店、席数: 52席、定休日: なし", 0, 0)]
    assert Verifier().other_row(last, "港町店の席数は？") == "港町店"  # past the row without 定休日


def test_a_figure_its_cited_row_states_otherwise_is_no_answer(tmp_path: Path, settings, embedder):
    ask = asker(tmp_path, settings, embedder, {"menu.md": (
        "---\ntitle: 価格改定のお知らせ\ndate: 2026-03-01\n---\n4月1日から価格を改定します。\n\n"
        "| メニュー | サイズ | 改定後価格 |\n|---|---|---|\n| カフェラテ | L | 610円 |\n| 抹茶ラテ | R | 580円 |\n\n"
        "コーヒーチケットは、4,200円から4,600円に改定いたします。\n")})
    # the model cites the row of the drink asked about, yet copies the price of the coffee tickets
    result = ask("回答: 4,600円です。[1]\n要点: 4,600円", "抹茶ラテのLサイズは4月からいくらになりますか？")
    assert result.refused and result.answer == REFUSAL
    result = ask("回答: 580円です。[1]\n要点: 580円", "抹茶ラテは4月からいくらになりますか？")
    assert result.answer == "580円です。[1]"
    assert result.citations[0].quote == "メニュー: 抹茶ラテ、サイズ: R、改定後価格: 580円。"
    result = ask("回答: 580円です。[1]\n要点: 580円", "抹茶ラテのLサイズは4月からいくらになりますか？")
    assert result.refused and result.reason == "the answer is read from another row than the one of L"


@pytest.mark.parametrize("span, quotes, otherwise", [
    ("4,600円", ["メニュー: 抹茶ラテ、価格: 580円。"], True),
    ("1万円", ["入会金は10,000円です。"], False),  # the same amount written otherwise
    ("580円", ["価格は1,580円です。"], True),  # amounts are compared by value, not as text
    ("4,600円", ["定員は20人です。"], False),  # no amount of its unit
    ("1925年", ["1923年に起草された。"], False),  # dates are no amounts
])
def test_an_amount_the_cited_sentences_state_otherwise(span, quotes, otherwise):
    assert Verifier._stated_otherwise(span, _cited_rows(*quotes)) == otherwise


def test_a_month_or_fiscal_year_the_notices_do_not_cover_is_refused_as_the_question_writes_it(
        tmp_path: Path, settings, embedder):
    ask = asker(tmp_path, settings, embedder, {"job.md": (
        "---\ntitle: 令和8年度 図書館事務補助の募集\ndate: 2026-02-10\n---\n図書館の事務補助を募集します。\n\n"
        "- 任用期間:令和8年4月1日から令和9年3月31日まで\n- 報酬:時給1,180円\n")})
    result = ask("回答: 1,180円です。[2]\n要点: 1,180円", "令和9年度の図書館事務補助の時給はいくら？")
    assert result.refused and result.answer == "資料には「令和9年度」についての記載がありません。"
    assert ask("回答: 1,180円です。[2]\n要点: 1,180円", "令和8年度の図書館事務補助の時給はいくら？").answer \
        == "1,180円です。[1]"


def test_a_phone_number_asked_for_is_no_name_the_notice_must_write(tmp_path: Path, settings, embedder):
    ask = asker(tmp_path, settings, embedder, {"contact.md": (
        "---\ntitle: 港町店のご案内\ndate: 2026-03-01\n---\n港町店は駅から徒歩3分です。\n\n電話: 045-123-4567(午前9時~午後6時)\n")})
    result = ask("回答: 045-123-4567です。[2]\n要点: 045-123-4567", "港町店の電話番号を教えて")
    assert result.answer == "045-123-4567です。[1]"


def test_the_model_saying_it_does_not_know_is_told_which_names_no_article_holds(ask):
    result = ask("回答: 資料には記載がありません。\n要点: なし", "市民プールのプレミアムプランの料金はいくら？")
    assert result.reason == "the passages do not answer the question"
    assert result.answer == "資料には「プレミアムプラン」についての記載がありません。"


def test_a_place_named_in_hiragana_that_the_notice_does_not_hold_is_refused(ask):
    result = ask("回答: 28台です。[1]\n要点: 28台", "うみねこ島へのフェリー「しおかぜ丸」は車を何台積めますか？")
    assert result.refused and result.answer == "資料には「うみねこ島」についての記載がありません。"
    result = ask("回答: 28台です。[1]\n要点: 28台", "フェリー「しおかぜ丸」は車を何台積めますか？")
    assert result.answer == "28台です。[1]"


def test_a_date_no_notice_found_holds_is_refused(ask):
    result = ask("回答: 660円です。[1]\n要点: 660円", "2025年3月の時点で子どもの料金はいくら？")
    assert result.refused and result.answer == "資料には「2025年3月」についての記載がありません。"
    # the notices' date lines hold 2026年3月 (written 2026-03-01)
    result = ask("回答: 660円です。[1]\n要点: 660円", "2026年3月の時点で子どもの料金はいくら？")
    assert result.answer == "660円です。[1]"


def test_figures_named_by_the_same_word_in_two_notices_are_a_conflict(ask):
    result = ask("回答: 350名です。[1]\n要点: 350名", "フェリーしおかぜ丸には何人まで乗れますか？")
    assert result.answer.startswith(CONFLICT) and "350名" in result.answer and "320名" in result.answer
    assert [c.title for c in result.citations] == ["船舶紹介", "ダイヤ改正のお知らせ"]


def test_times_of_day_two_notices_state_differently_are_a_conflict(tmp_path: Path, settings, embedder):
    # the notice names the branch in the sentence before the one stating its closing time, and the opening time it
    # changes from is no longer in force
    ask = asker(tmp_path, settings.replace(chunk_tokens=160), embedder, {
        "stores.csv": "店舗名,平日営業時間\n北浜店,7:00～23:00\n港南店,8:00～22:00\n",
        "hours.md": "---\ntitle: 営業時間変更のお知らせ\ndate: 2026-03-10\n---\n4月1日より、営業時間を変更します。\n\n"
                    "北浜店は、早朝のご利用が少ないため、平日の開館時刻を午前6時から午前7時に変更します。"
                    "閉館時刻(午後10時)は変わりません。\n"})
    result = ask("回答: 23:00です。[4]\n要点: 23:00", "北浜店は平日何時まで営業していますか？")  # [4]: the row
    assert result.answer.startswith(CONFLICT) and "23:00" in result.answer and "午後10時" in result.answer
    assert [c.quote for c in result.citations] == ["店舗名: 北浜店、平日営業時間: 7:00~23:00。",
                                                   "閉館時刻(午後10時)は変わりません。"]


def _guide_and_list(tmp_path: Path, settings, embedder, guide: str, listed: str):
    """An asker over two notices of two dates: 「北浜店のご案内」 saying `guide` and 「店舗一覧」 saying `listed`."""
    return asker(tmp_path, settings.replace(chunk_tokens=160), embedder, {
        "guide.md": f"---\ntitle: 北浜店のご案内\ndate: 2026-02-01\n---\n{guide}\n",
        "list.md": f"---\ntitle: 店舗一覧\ndate: 2026-03-01\n---\n{listed}\n"})


@pytest.mark.parametrize(("other", "differ"), [
    ("北浜店の平日の営業は9時から17時までです。", False),  # the same closing time, with the opening one
    ("北浜店の平日の営業は9時から18時までです。", True),
    ("北浜店は3月末で改装します。駅前本店の平日の営業は18時までです。", False),  # another branch's hours
    ("北浜店は3月末で改装します。平日の営業は18時までです。", True),  # its own, the branch named before
    ("北浜店は3月末で改装します。シャワールームの平日の利用は18時までです。", True),  # a room is no other subject
    ("4月1日より、北浜店は平日の閉店時刻を17時から18時に延長します。", True),  # the answer's value, no longer in force
])
def test_a_time_of_day_another_notice_states(tmp_path: Path, settings, embedder, other, differ):
    ask = _guide_and_list(tmp_path, settings, embedder, "北浜店の平日の営業は17時までです。", other)
    result = ask("回答: 17時までです。\n要点: 17時", "北浜店は平日何時まで営業していますか？")
    assert result.answer.startswith(CONFLICT) is differ and "17時" in result.answer


@pytest.mark.parametrize(("other", "differ"), [
    ("北浜店の改装は12月に始まります。", True),
    ("北浜店の改装は先週始まりました。", False),  # told from its own day: no date to compare
])
def test_a_date_another_notice_states(tmp_path: Path, settings, embedder, other, differ):
    ask = _guide_and_list(tmp_path, settings, embedder, "北浜店の改装は11月に始まります。", other)
    result = ask("回答: 11月です。[1]\n要点: 11月", "北浜店の改装はいつ始まりますか？")
    assert result.answer.startswith(CONFLICT) is differ and "11月" in result.answer


@pytest.mark.parametrize(("text", "values"), [
    ("旅客定員は350名", {("名", "350.0"): "旅客定員"}),
    ("締め切りは2026年3月15日", {("date", "3月15日"): ""}),
    ("閉館時刻は午後10時", {("time", "22:00"): "閉館時刻"}),
    ("平日営業時間: 7:00~23:00", {("time", "7:00"): "平日営業時間", ("time", "23:00"): ""}),
    ("始発便を午前6時40分に", {("time", "6:40"): ""}),  # the minutes of a time are no length of time
    ("所要時間は1時間30分", {("時間", "1.0"): "所要時間", ("分", "30.0"): "時間"}),
    ("夜1時まで", {}),  # 1 or 13: no time to compare
    ("24:00まで", {("time", "0:00"): ""}),  # midnight, as 午前0時
])
def test_the_values_a_sentence_states_for_a_conflict(text, values):
    assert Verifier._stated_values(text) == values


def test_a_written_out_sum_is_computed_by_code_and_its_wrong_result_replaced(ask):
    # the model picked the right figures and added them wrong: code adds them, and shows the working
    result = ask("回答: 1,320円 + 660円 = 1,890円です。[1][2]\n要点: 1,890円", "大人と子どもの料金の合計はいくら？")
    assert not result.refused and "1,890" not in result.answer
    assert result.answer == "1,980円です。(計算: 1,320円 + 660円 = 1,980円)[1][2]"
    assert [c.quote for c in result.citations] == ["区分: 大人、料金: 1,320円。", "区分: 子ども、料金: 660円。"]


def test_a_written_out_sum_over_a_figure_no_passage_states_shows_the_figures(ask):
    result = ask("回答: 1,320円 + 700円 = 2,020円です。[1]\n要点: 2,020円", "大人と子どもの料金の合計はいくら？")
    assert result.refused and result.answer.startswith(FIGURES_ONLY) and "2,020" not in result.answer


def test_paragraphs_of_one_article_are_one_source_and_no_conflict_between_them():
    from rag.chunk import Passage
    from rag.load import Document
    from rag.verify import Citation, Verifier

    documents = {"p1": Document("p1", "10.8決戦", "3回表に1点を勝ち越した。"),
                 "p2": Document("p2", "10.8決戦", "4回裏には3点をリードしていた。"),
                 "p3": Document("p3", "10.8決戦", "5回に2点。", publisher="別の新聞"),
                 "n1": Document("n1", "募集期間延長のお知らせ", "締め切りを3月22日に延長します。")}
    verifier = Verifier(documents)
    cited = Citation(1, "p2", "10.8決戦", "p2#0", "4回裏には3点をリードしていた。", "4回裏には3点をリードしていた。", 0, 15)

    def passage(doc_id: str) -> Passage:
        doc = documents[doc_id]
        return Passage(f"{doc_id}#0", doc_id, doc.title, 0, 0, len(doc.text), doc.text)

    assert verifier._same_source(passage("p2"), cited) and verifier._same_source(passage("p1"), cited)
    assert not verifier._same_source(passage("p3"), cited)  # the same title from another publisher
    assert not verifier._same_source(passage("n1"), cited)


def test_two_dates_a_question_states_may_stand_in_two_articles():
    documents = {"a": Document("a", "合同パトロール", "2020年12月、両国の爆撃機が北太平洋を飛行した。"),
                 "b": Document("b", "合同パトロール続報", "2024年7月には、ベーリング海上空で実施した。")}

    def cited(*doc_ids: str) -> Verdict:
        return Verdict("北太平洋とベーリング海です。", False, "", [
            Citation(n, d, documents[d].title, f"{d}#0", documents[d].text, documents[d].text, 0,
                     len(documents[d].text)) for n, d in enumerate(doc_ids, start=1)])

    question = "2020年12月と2024年7月の合同パトロールはそれぞれどこで行われた？"
    assert Verifier(documents).unnamed(cited("a", "b"), question) == []
    assert Verifier(documents).unnamed(cited("a"), question) == ["2024年7月"]
    # a date one of the articles retrieved holds is not said to be missing, though the answer cites another
    assert Verifier(documents).unnamed(cited("a"), question, ["a", "b"]) == []


def test_a_value_a_notice_changes_is_answered_with_the_new_one_unless_the_old_one_is_asked(ask):
    reply = "回答: 東口店は平日午後10時に閉店します。[1]\n要点: 午後10時"
    result = ask(reply, "4月から東口店は平日何時に閉店しますか？")
    assert result.answer == "東口店は平日午後11時に閉店します。[1]" and result.short_answer == "午後11時"
    assert result.citations[0].quote == "4月1日より、東口店は平日の閉店時刻を午後10時から午後11時に延長します。"
    result = ask(reply, "これまで東口店は平日何時に閉店していましたか？")
    assert result.answer == "東口店は平日午後10時に閉店します。[1]" and result.short_answer == "午後10時"
    # a sentence stating both keeps them; its short answer is the new one
    result = ask("回答: 午後10時から午後11時に延長します。[1]\n要点: 午後10時", "東口店の閉店時刻はどう変わりますか？")
    assert result.answer == "午後10時から午後11時に延長します。[1]" and result.short_answer == "午後11時"


def test_the_value_in_force_replaces_the_old_value_as_a_whole_figure_only():
    quote = "会費を1,200円から1,500円に改定します。"
    citation = Citation(1, "fees", "料金", "fees#0", quote, quote, 0, len(quote))
    verdict = Verdict("入会金は11,200円、会費は1,200円です。[1]", False, "", [citation], "1,200円")
    changed = Verifier._in_force(verdict, "会費はいくら？")
    assert changed.answer == "入会金は11,200円、会費は1,500円です。[1]" and changed.short_answer == "1,500円"
    assert Verifier._in_force(verdict, "改定前の会費はいくら？") == verdict
    for quote, answer, changed_answer in [
        ("定員を十人から十五人に拡大します。", "参加者は二十人、定員は十人です。", "参加者は二十人、定員は十五人です。"),
        ("開始を10時から9時に繰り上げます。", "10時開始で10時間営業です。", "9時開始で10時間営業です。"),
        ("休憩を30分から45分に延長します。", "開始は12時30分です。", "開始は12時30分です。"),  # minutes of a time
    ]:
        citation = Citation(1, "d", "お知らせ", "d#0", quote, quote, 0, len(quote))
        assert Verifier._in_force(Verdict(answer, False, "", [citation]), "いつ？").answer == changed_answer


REVISED_FEES = {
    "fees.md": "---\ntitle: 月会費改定のお知らせ\ndate: 2026-02-01\n---\n4月1日から月会費を改定します。\n\n"
               "| 会員種別 | 現行 | 改定後 |\n|---|---|---|\n| レギュラー会員 | 8,580円 | 9,350円 |\n"
               "| 学生会員 | 5,500円 | 5,800円 |\n\n入会金は不要です。\n",
    "parking.md": "---\ntitle: 駐車料金のお知らせ\ndate: 2026-02-01\n---\n駐車料金は4月から200円の値上げで1日1,000円になります。\n",
}


def test_asked_how_much_a_fee_rose_the_fee_after_gives_way_to_the_difference(tmp_path: Path, settings, embedder):
    ask = asker(tmp_path, settings, embedder, REVISED_FEES)
    result = ask("回答: 9,350円です。[1]\n要点: 9,350円", "レギュラー会員の月会費はいくら値上がりしますか？")
    assert not result.refused
    assert result.answer == "770円です。(計算: 9,350円 − 8,580円 = 770円)[1]"
    assert result.short_answer == "770円"
    assert result.citations[0].quote == "会員種別: レギュラー会員、現行: 8,580円、改定後: 9,350円。"
    # asked for the fee itself, or what it rises to, the fee stands
    for question in ("4月からのレギュラー会員の月会費はいくら？", "レギュラー会員の月会費は4月からいくらに値上げされますか？"):
        result = ask("回答: 9,350円です。[1]\n要点: 9,350円", question)
        assert result.answer == "9,350円です。[1]" and result.short_answer == "9,350円"
    # a difference the notice states stands as it states it
    result = ask("回答: 200円の値上げです。[1]\n要点: 200円", "駐車料金は4月からいくら値上がりしますか？")
    assert not result.refused and "計算" not in result.answer and result.short_answer == "200円"


def test_a_sentence_about_another_branch_is_no_source_that_differs(tmp_path: Path, settings, embedder):
    ask = asker(tmp_path, settings, embedder, {
        "stores.csv": "店舗名,所在地,平日営業時間,土日祝営業時間,マシン台数,会員定員,休館日\n"
                      "桜台店,あかね野市桜台3-1-7,8:00～22:00,9:00～19:00,38,900,毎週月曜日\n"
                      "港南店,あかね野市港南1-2-3,7:00～22:00,9:00～20:00,52,1200,毎週火曜日\n",
        "hours.md": "---\ntitle: 一部店舗の営業時間変更について\ndate: 2026-03-05\n---\n港南店は、平日の営業時間のうち閉館"
                    "時刻を午後10時から午後11時に延長します。\n",
    })
    result = ask("回答: 8:00～22:00です。[1]\n要点: 8:00～22:00", "桜台店の平日の営業時間は？")
    assert not result.refused and result.reason != "the sources differ"
    assert len(result.citations) == 1 and result.citations[0].quote.startswith("店舗名: 桜台店、")


@pytest.mark.parametrize("notice, differ", [
    # the sentence leaves its topic, 港南店, to the one before it: it speaks of 港南店's weekends
    ("港南店は、平日の閉館時刻を午後10時から午後11時に延長します。土日祝の営業時間（午前9時～午後8時）に変更はありません。", False),
    # a sentence speaking of every branch has a subject of its own, 桜台店 among them
    ("港南店は、平日の閉館時刻を午後10時から午後11時に延長します。なお、全店舗の平日の営業時間は午前10時～午後6時とします。",
     True),
])
def test_a_sentence_is_about_the_branch_the_one_before_it_names(notice, differ):
    from rag.chunk import Passage
    from rag.retrieve import Hit

    row = "店舗名: 桜台店、平日営業時間: 8:00～22:00、土日祝営業時間: 9:00～19:00。"
    documents = {"list": Document("list", "店舗一覧", row),
                 "hours": Document("hours", "一部店舗の営業時間変更", notice, publisher="ハヤテフィットネス")}
    hits = [Hit(Passage(f"{d}#0", d, doc.title, 0, 0, len(doc.text), doc.text), 1.0, 0.9, 1.0, 1, (0, 0))
            for d, doc in documents.items()]
    cited = Citation(1, "list", "店舗一覧", "list#0", row, row, 0, len(row))
    claim = Claim("ハヤテフィットネス桜台店の平日の営業時間は？", "8:00～22:00です。", None, hits[:1], [cited], None,
                  related=hits)
    verdict = Verifier(documents).conflicting(Verdict("8:00～22:00です。[1]", False, "", [cited], "8:00～22:00"), claim)
    assert (verdict.reason == "the sources differ") is differ


HOURS = ("港南店は、平日の閉館時刻を午後10時から午後11時に延長します。土日祝の営業時間（午前9時～午後8時）に変更はありません。\n"
         "北浜店の閉館時刻（午後10時）は変わりません。")


@pytest.mark.parametrize("sentence, question, read, another", [
    # the sentence leaves its topic, 港南店, to the one before it: the two are read together
    ("土日祝の営業時間", "桜台店の平日の営業時間は？", HOURS[:HOURS.index("\n")], "港南店"),
    ("北浜店の閉館時刻", "桜台店の閉館時刻は？", HOURS[HOURS.index("\n") + 1:], "北浜店"),  # the first of its paragraph
    ("港南店は", "港南店の閉館時刻は？", HOURS[:HOURS.index("。") + 1], ""),
])
def test_a_sentence_is_read_with_the_one_before_it_that_names_its_topic(sentence, question, read, another):
    start = HOURS.index(sentence)
    end = next(e for s, e in split_sentences(HOURS) if s <= start < e)
    assert Verifier._with_sentence_before(HOURS, start, end, question) == read
    assert names_another(read, question) == another


def test_a_person_the_sentence_names_as_another_countrys_answers_no_question_about_this_country(
        tmp_path: Path, settings, embedder):
    ask = asker(tmp_path, settings, embedder, {
        "talks.md": "---\ntitle: 外相会談\ndate: 2024-07-04\n---\nラブロフ外相は4日、アスタナで中国の王毅外相と会談した。"
                    "インドの外相は5日に到着する。\n",
    })
    result = ask("回答: 王毅外相です。[1]\n要点: 王毅外相", "ラブロフ外相がアスタナで会談したインドの外相は誰ですか？")
    assert result.refused and result.answer == "資料には「インドの外相」についての記載がありません。"
    result = ask("回答: 王毅外相です。[1]\n要点: 王毅外相", "ラブロフ外相がアスタナで会談した中国の外相は誰ですか？")
    assert not result.refused and result.short_answer == "王毅外相"


def test_asked_one_countrys_office_holder_the_person_a_cited_sentence_so_titles_answers(
        tmp_path: Path, settings, embedder):
    ask = asker(tmp_path, settings, embedder, {
        "talks.md": "---\ntitle: テヘラン会談\ndate: 2024-07-04\n---\n1943年、ルーズベルト大統領はスターリン・ソ連首相に"
                    "二人だけの会談を提案し、チャーチル英首相を外そうとした。\n",
    })
    result = ask("回答: スターリン・ソ連です。[1]\n要点: スターリン・ソ連", "ルーズベルトが外そうとしたイギリスの首相は誰？")
    assert not result.refused and (result.answer, result.short_answer) == ("チャーチルです。[1]", "チャーチル")
    assert result.citations[0].quote.startswith("1943年、ルーズベルト大統領は")
    # the person so found is checked as any answer: the article does not name ヤルタ
    result = ask("回答: スターリン・ソ連です。[1]\n要点: スターリン・ソ連", "ヤルタ会談でルーズベルトが外そうとしたイギリスの首相は誰？")
    assert result.refused and result.answer == "資料には「ヤルタ」についての記載がありません。"


@pytest.mark.parametrize("article, reply, asked, other, right, short", [
    # the article names ルビオ, but the remark is another person's
    (("ルビオ国務長官は中国への警戒を続けている。\n\n衝撃的だったのは、12月3日、ベッセント財務長官の「アメリカは中国の"
      "同盟国だ」という発言だ。\n"), "回答: 12月3日です。[1]\n要点: 12月3日",
     "{}が「アメリカは中国の同盟国だ」と発言したのはいつですか？", ("ルビオ国務長官", "ベッセント"), "ベッセント財務長官",
     "12月3日"),
    # a remark is read with the sentence before it, which names who took part; the article names ショイグ elsewhere
    (("10月24~26日、米・マイアミでウィトコフ特使とロシアの大統領特別代表ドミトリエフ氏が協議した。ロシア側は「北極圏の"
      "鉱物資源の開発」計画を提示した。\n\nショイグ安全保障会議書記は同じ週、北京を訪れた。\n"),
     "回答: 「北極圏の鉱物資源の開発」計画です。[1]\n要点: 北極圏の鉱物資源の開発",
     "ウィトコフ特使がマイアミで{}と協議した際、ロシア側は何を提案しましたか？", ("ショイグ氏", "ドミトリエフ"),
     "ドミトリエフ氏", "北極圏の鉱物資源の開発"),
])
def test_an_answer_the_cited_sentence_gives_of_another_person_than_asked_is_refused(
        tmp_path: Path, settings, embedder, article, reply, asked, other, right, short):
    # passages of the shipped size, so that a sentence and the one before it stand in one
    ask = asker(tmp_path, settings.replace(chunk_tokens=160, chunk_overlap_tokens=48), embedder,
                {"news.md": f"---\ntitle: 米ロ中の外交\ndate: 2025-12-10\n---\n{article}"})
    result = ask(reply, asked.format(other[0]))
    assert result.refused and result.answer == REFUSAL
    assert result.reason == f"the cited sentence speaks of {other[1]}, not of the person the question names"
    result = ask(reply, asked.format(right))
    assert not result.refused and result.short_answer == short


def test_a_year_the_question_states_that_no_article_found_holds_is_refused(tmp_path: Path, settings, embedder):
    ask = asker(tmp_path, settings, embedder, {
        "trade.md": "---\ntitle: 中ロ貿易\ndate: 2021-05-20\n---\n中国側の統計によると、今年の1~4月の中ロの貿易額は"
                    "前年同期比19.8%増の402億1千万ドルで過去最高だった。\n",
    })
    reply = "回答: 402億1千万ドルです。[1]\n要点: 402億1千万ドル"
    result = ask(reply, "2020年通年の中ロの貿易額はいくらでしたか？")
    assert result.refused and result.answer == "資料には「2020年」についての記載がありません。"
    # the article's date line states its year
    result = ask(reply, "2021年の1~4月の中ロの貿易額はいくらでしたか？")
    assert not result.refused and result.short_answer == "402億1千万ドル"


def test_a_short_answer_leaves_out_a_lone_bracket_a_cut_left_at_its_edge(tmp_path: Path, settings, embedder):
    ask = asker(tmp_path, settings, embedder, {
        "jar.md": "---\ntitle: 腐敗の実験\n---\nスパランツァーニは、煮沸した肉汁を入れた「フタをしたビン」と「しなかったビン」を"
                  "比べた。\n"})
    # the list item the question names goes (`asked_part`), leaving the other's opening quote mark alone
    result = ask("回答: 「フタをしたビン」と「しなかったビン」です。[1]\n要点: 「フタをしたビン」と「しなかったビン」",
                 "スパランツァーニはフタをしたビンと何を比べましたか？")
    assert not result.refused and result.short_answer == "しなかったビン"


def test_the_evidence_comes_from_the_articles_that_name_what_is_asked(tmp_path: Path, settings, embedder):
    branches = {
        "kitahama.md": "---\ntitle: 北浜店 年末年始の営業\n---\n北浜店は12月29日から1月3日まで休業します。"
                       "休業中は南町店をご利用ください。営業時間は午前10時から午後8時までです。\n",
        "minamimachi.md": "---\ntitle: 南町店 年末年始の営業\n---\n南町店は年末年始も休まず営業します。"
                          "営業時間は午前9時から午後9時までです。\n",
    }
    retriever, changed = indexed(tmp_path, settings, embedder, branches)
    answerer = Answerer(retriever, ScriptedGenerator(""), changed)
    documents = answerer.retriever.index.documents

    def titles(prepared) -> set[str]:
        return {documents[e.doc_id].title for e in prepared.evidence}
    # an answer citing 南町店's notice would be refused for not naming 北浜店: its sentences are not sent
    north = answerer.prepare("北浜店の営業時間は何時から？")
    assert len({h.passage.doc_id for h in north.hits}) == 2 and titles(north) == {"北浜店 年末年始の営業"}
    # where no article names it, every one found is read (and the answer refused for the name after)
    assert titles(answerer.prepare("東口店の営業時間は何時から？")) == {"北浜店 年末年始の営業", "南町店 年末年始の営業"}
    # options to compare are each named in their own article, though one article names both
    assert len(titles(answerer.prepare("北浜店と南町店ではどちらが早く開く？"))) == 2
    assert len(titles(answerer.prepare("どちらかといえば北浜店と南町店のどちらが早く開く？"))) == 2


ROOMS = "- 会議室 1時間300円、多目的ホール 1時間1,500円、調理実習室 1時間800円(町外の方は各2倍)"


@pytest.mark.parametrize("sentence, items", [
    (ROOMS, ["会議室", "多目的ホール"]),  # the last part says more than a figure: no item
    ("会議室 1時間300円、多目的ホール 1時間1,500円、調理実習室 1時間800円。", ["会議室", "多目的ホール", "調理実習室"]),
    ("大人 500円、小人 250円", ["大人", "小人"]),
    ("死者は2万5899人、重軽傷者は6157人、行方不明者は2529人であると発表した。", ["死者", "重軽傷者"]),
    ("会議室は300円、ホールは1,500円です。", ["会議室", "ホール"]),  # the last item closes the sentence
    ("会議室 300円、ホール 1,500円で、予約制です。", ["会議室", "ホール"]),  # or goes on
    ("水道断水約4,000戸、下水道使用制限約11,900戸", ["水道断水", "下水道使用制限"]),
    ("人口は約5万人、面積は30平方キロ。", []),  # units differ: prose, not a list
    ("会議室 1時間300円。", []),  # one item is no list
    ("この戦役を通して60,000人、翌年には2万人", []),  # hiragana names no item
])
def test_a_list_of_figures_written_in_prose(sentence, items):
    from rag.japanese import fold_width, listed_figures

    found = listed_figures(sentence)
    assert [name for name, _, _ in found] == items
    assert all(name in fold_width(sentence)[start:end] for name, start, end in found)


def _quoted(*sentences: str) -> list[Citation]:
    return [Citation(n, "c", "施設", f"c#{n}", text, text, 0, len(text)) for n, text in enumerate(sentences, start=1)]


@pytest.mark.parametrize("short, question, item", [
    ("1,500円", "コミュニティセンターの体育館って1時間いくら？", "多目的ホール"),  # an item not in the list
    ("300円", "和室を借りると1時間何円？", "会議室"),  # 和室 shares 室 alone with 会議室
    ("1,500円", "会議室は1時間いくら？", "多目的ホール"),  # the neighbouring item's figure
    ("1,500円", "多目的ホールは1時間いくら？", ""),
    ("800円", "調理室を1時間借りるといくら？", ""),  # 調理 names 調理実習室
    ("1時間1,500円", "ホールの料金は？", ""),
    ("2倍", "町外の人が会議室を借りると何倍？", ""),  # a figure of no item
    ("使えます", "会議室は使えますか？", ""),  # no figure
    ("300円", "一番安い部屋は1時間いくら？", ""),  # ranking the items asks about the whole list
    ("1,500円", "最も高い部屋はいくら？", ""),
    ("1,500円", "ホールの方が高い？", ""),
    ("1,500円", "体育館って高い？1時間いくら？", "多目的ホール"),  # an adjective said of one thing ranks nothing
    ("1時間1,500円", "体育館は1時間いくらで借りられますか？", "多目的ホール"),  # the price after its measure of one
])
def test_a_figure_of_a_listed_item_the_question_does_not_name(short, question, item):
    assert Verifier.unasked_item(short, _quoted("会議室 1時間300円、多目的ホール 1時間1,500円、調理実習室 1時間800円。"),
                                 question) == item


def test_a_figure_two_items_state_is_answered_where_the_question_names_either():
    cited = _quoted("会議室 1時間300円、和室 1時間300円、ホール 1時間1,500円。")
    assert Verifier.unasked_item("300円", cited, "和室は1時間いくら？") == ""
    assert Verifier.unasked_item("300円", cited, "体育館は1時間いくら？") == "会議室"


def test_a_price_read_from_an_item_the_question_does_not_name_is_refused(tmp_path: Path, settings, embedder):
    ask = asker(tmp_path, settings, embedder, {"center.md": (
        "---\ntitle: コミュニティセンター施設利用のご案内\ndate: 2026-03-01\n---\n"
        "コミュニティセンターの施設は町民の方ならどなたでも利用できます。\n\n"
        "利用料金は次のとおりです。\n\n" + ROOMS + "\n")})
    refused = ask("回答: 1,500円です。[2]\n要点: 1,500円", "コミュニティセンターの体育館は1時間いくらで借りられますか？")
    assert refused.refused and refused.reason == "the answer is the figure of 多目的ホール, which the question does not name"
    answered = ask("回答: 1,500円です。[2]\n要点: 1,500円", "コミュニティセンターの多目的ホールは1時間いくらで借りられますか？")
    assert not answered.refused and answered.answer == "1,500円です。[1]"


def test_a_table_row_is_no_list_written_in_prose():
    row = _quoted("項目: 月額料金、ライトプラン: 3,000円、スタンダードプラン: 9,800円。")
    assert Verifier.unasked_item("3,000円", row, "月額料金はいくら？") == ""


def test_a_figure_is_found_in_a_list_whole():
    cited = _quoted("会議室 1時間1,300円、和室 1時間300円。")
    assert Verifier.unasked_item("300円", cited, "和室は1時間いくら？") == ""  # not the end of 会議室's 1,300円
    assert Verifier.unasked_item("300円", cited, "会議室は1時間いくら？") == "和室"


def test_a_listed_price_is_named_by_a_price_class_and_stated_elsewhere_stands():
    fares = _quoted("入場料は、大人 500円、小人 250円。")
    assert Verifier.unasked_item("250円", fares, "子どものプール入場料はいくら？") == ""  # 子ども: 小人
    assert Verifier.unasked_item("250円", fares, "シニアの入場料はいくら？") == "小人"
    assert Verifier.unasked_item("250円", fares, "子ども連れの大人は入場料いくら？") == "小人"  # a class as a word
    assert Verifier.unasked_item("250円", _quoted("入場料は、大人 500円、子供 250円。"), "小学生の入場料は？") == ""
    also = _quoted("会議室 1時間300円、ホール 1時間1,500円。", "体育館も1時間300円です。")
    assert Verifier.unasked_item("300円", also, "体育館は1時間いくら？") == ""


def test_only_prices_are_read_as_a_listed_items():
    """Times and counts are named by words of a kind a question puts otherwise (土日, 死者)."""
    assert Verifier.unasked_item("9時", _quoted("開館は平日 10時、土日 9時。"), "土曜日は何時に開く？") == ""
    assert Verifier.unasked_item("2万5899人", _quoted("死者は2万5899人、重軽傷者は6157人。"), "亡くなった人は何人？") == ""
