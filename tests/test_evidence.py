"""Evidence selection: the sentence ranker's features, its committed weights, fitting, and the budgeted pick."""

import json
from dataclasses import replace

import numpy as np
import pytest

from evals.evidence import (
    answer_in_evidence,
    coverage_table,
    load_jaquad,
    retrieval_ranking,
    shown,
    with_kind_second,
)
from rag.answer import evidence_coverage
from rag.answer_type import expected_answer
from rag.chunk import Passage, split_sentences
from rag.evidence import (
    FEATURE_NAMES,
    ScoredSentence,
    SentenceRanker,
    asked_kind,
    bigram_share,
    candidates,
    chars_read,
    content_bigrams,
    feature_matrix,
    fit_logistic,
    longest_common_run,
    pick,
    reading_order,
)
from rag.load import Document
from rag.prompt import Evidence, build_messages, title_heading
from rag.retrieve import Hit

TOKYO = "東京タワーは1958年に完成した。展望台からは富士山が見えることもある。年間の来場者数は約300万人にのぼる。"
KYOTO = "清水寺は778年に開かれたと伝えられる。本堂の舞台は139本の柱で支えられている。"
DOCUMENTS = {"tokyo": Document("tokyo", "東京タワーの歴史", TOKYO), "kyoto": Document("kyoto", "京都の寺院", KYOTO)}


def hit(doc_id: str, rank: int, scores: list[float] | None, start: int = 0, end: int | None = None,
        passage_score: float = 1.0) -> Hit:
    """A hit on doc[start:end] with the given sentence scores (None: no sentence scores, as an old index)."""
    text = DOCUMENTS[doc_id].text
    end = len(text) if end is None else end
    spans = [(start + s, start + e) for s, e in split_sentences(text[start:end])]
    sentences = tuple((s, e, score) for (s, e), score in zip(spans, scores)) if scores is not None else ()
    best = spans[int(np.argmax(scores))] if scores else spans[0]
    passage = Passage(f"{doc_id}#{rank}", doc_id, DOCUMENTS[doc_id].title, rank, start, end, text[start:end])
    return Hit(passage, passage_score, 0.85, 3.0, rank + 1, best, sentences)


def test_features_of_a_hand_made_case():
    question = "東京タワーは何年に完成した？"
    assert content_bigrams(question) == {"東京", "京タ", "タワ", "ワー", "何年", "完成"}  # no hiragana in them
    assert bigram_share(content_bigrams(question), "東京タワーは1958年に完成した。") == pytest.approx(5 / 6)
    assert bigram_share(content_bigrams(question), "東京駅") == pytest.approx(1 / 6)
    assert bigram_share(set(), "東京") == 0.0
    assert longest_common_run(question, "東京タワーは高い。") == 6  # 東京タワーは
    assert longest_common_run("ＡＢＣ", "abc") == 0 and longest_common_run("ＡＢ", "AB") == 2  # compared in NFKC
    wanted = expected_answer(question)
    assert asked_kind(wanted, "1958年に完成した。") == 1.0
    assert asked_kind(wanted, "富士山が見える。") == -1.0
    assert asked_kind(None, "富士山が見える。") == 0.0

    hits = [hit("tokyo", 0, [0.5, 1.5, -0.2])]
    cands = candidates(hits, DOCUMENTS)
    assert [c.text for c in cands] == ["東京タワーは1958年に完成した。", "展望台からは富士山が見えることもある。",
                                       "年間の来場者数は約300万人にのぼる。"]
    x = feature_matrix(question, cands)
    column = {name: x[:, FEATURE_NAMES.index(name)] for name in FEATURE_NAMES}
    assert column["retrieval"].tolist() == [0.5, 1.5, -0.2]
    assert column["retrieval_z"].mean() == pytest.approx(0.0) and column["retrieval_z"][1] > 0
    assert column["position"].tolist() == [0.0, 0.5, 1.0]
    assert column["best_of_passage"].tolist() == [0.0, 1.0, 0.0]
    assert column["passage_rank"].tolist() == [0.0, 0.0, 0.0]
    assert column["bigrams"].tolist() == pytest.approx([5 / 6, 0.0, 0.0])
    assert column["bigrams_with_title"][1] == pytest.approx(4 / 6)  # the title says 東京タワー, not 完成
    assert column["common_run"][0] == pytest.approx(6 / len(question))
    assert column["asked_kind"].tolist() == [1.0, -1.0, -1.0]  # 「年間」 and 「300万人」 are no year
    assert column["log_chars"][0] == pytest.approx(np.log1p(len(cands[0].text)))


def test_sentences_without_scores_fall_back_to_the_best_sentence():
    cands = candidates([hit("kyoto", 0, None)], DOCUMENTS)
    assert [c.retrieval for c in cands] == [1.0, 0.0]


def test_pick_keeps_to_the_budget_and_never_takes_an_overlapping_sentence():
    ranked = [ScoredSentence(0, "a", 0, 100, 0.9), ScoredSentence(1, "a", 50, 120, 0.8),  # overlaps the first
              ScoredSentence(1, "b", 0, 80, 0.7), ScoredSentence(2, "b", 100, 130, 0.6),
              ScoredSentence(2, "c", 0, 10, 0.5)]
    assert pick(ranked, 140) == [ranked[0], ranked[3], ranked[4]]  # 80 does not fit after 100; 30 and 10 do
    assert pick(ranked, 500) == [ranked[0], ranked[2], ranked[3], ranked[4]]
    assert pick(ranked, 10) == [ranked[0]]  # the best is always sent
    assert pick([], 100) == []


def test_pick_charges_a_title_line_above_each_run_of_one_articles_sentences():
    ranked = [ScoredSentence(0, "a", 0, 100, 0.9), ScoredSentence(1, "b", 0, 30, 0.8),
              ScoredSentence(0, "a", 100, 130, 0.7), ScoredSentence(2, "c", 0, 10, 0.5)]
    headings = {"a": "a" * 10, "b": "b" * 15, "c": "c" * 20}
    # a: 100 + 10; b: 30 + 15 = 155 > 150, passed over; a again: 30 (no second title) = 140; c: 10 + 20 > 150
    assert pick(ranked, 150, headings) == [ranked[0], ranked[2]]
    assert pick(ranked, 155, headings) == [ranked[0], ranked[1]]
    assert pick(ranked, 150) == [ranked[0], ranked[1], ranked[3]]  # no titles shown: nothing charged
    assert pick(ranked, 50, headings) == [ranked[0]]  # the best is sent, its title with it


def test_chars_read_counts_a_title_again_where_another_article_came_between():
    a0, b1 = ScoredSentence(0, "a", 0, 40, 0.9), ScoredSentence(1, "b", 0, 30, 0.8)
    a2 = ScoredSentence(2, "a", 90, 110, 0.7)
    headings = {"a": "【" + "a" * 8 + "】", "b": "【" + "b" * 13 + "】"}
    assert reading_order([a2, b1, a0]) == [a0, b1, a2]  # passage order, then article order
    assert chars_read([a0, a2], headings) == 40 + 20 + 10  # one run of article a: one title line
    assert chars_read([a2, b1, a0], headings) == 40 + 30 + 20 + 10 + 15 + 10  # a, b, a: a's title twice
    assert chars_read([a0, b1], {}) == 70
    assert chars_read([], headings) == 0
    # two articles under one title (paragraphs of one article) are one run, as the prompt shows them
    assert chars_read([a0, b1], {"a": "【同じ】", "b": "【同じ】"}) == 40 + 30 + 4


def test_committed_weights_rank_the_answer_bearing_sentence_first():
    ranker = SentenceRanker()
    assert set(ranker.names) <= set(FEATURE_NAMES) and len(ranker.coef) == len(ranker.names)
    question = "清水寺の本堂の舞台は何本の柱で支えられていますか？"
    hits = [hit("kyoto", 0, [0.3, 0.3]), hit("tokyo", 1, [0.3, 0.3, 0.3])]
    ranked = ranker.rank(question, hits, DOCUMENTS)
    best = ranked[0]
    assert DOCUMENTS[best.doc_id].text[best.start:best.end] == "本堂の舞台は139本の柱で支えられている。"
    assert best.rank == 0 and 0.0 <= best.score <= 1.0
    assert [s.score for s in ranked] == sorted((s.score for s in ranked), reverse=True)


def test_a_sentence_shared_by_overlapping_passages_is_ranked_once():
    first = TOKYO.index("展")
    hits = [hit("tokyo", 0, [0.2, 0.9], 0, TOKYO.index("年間")), hit("tokyo", 1, [0.8, 0.1], first)]
    ranked = SentenceRanker().rank("展望台から見える山は？", hits, DOCUMENTS)
    spans = [(s.start, s.end) for s in ranked]
    assert len(spans) == len(set(spans)) == 3


def test_fitting_recovers_the_sign_of_a_feature():
    rng = np.random.default_rng(0)
    x = rng.normal(size=(400, 2))
    y = (x[:, 0] - 0.5 * x[:, 1] + rng.normal(scale=0.5, size=400) > 0).astype(float)
    weights = fit_logistic(x * 3 + 1, y, ["retrieval", "bigrams"], l2=1.0)
    assert weights["coef"][0] > 0 > weights["coef"][1]
    ranker = SentenceRanker(weights)
    assert ranker.probabilities(np.array([[4.0, 1.0]]))[0] > 0.5 > ranker.probabilities(np.array([[-2.0, 1.0]]))[0]
    with pytest.raises(ValueError):
        SentenceRanker({**weights, "features": ["no_such_feature", "bigrams"]})


def test_baseline_orders_by_retrieval_score_and_can_move_a_sentence_of_the_asked_kind_second():
    hits = [hit("tokyo", 0, [0.1, 0.9, 0.5])]
    ranked = retrieval_ranking(hits, DOCUMENTS)
    assert [s.score for s in ranked] == [0.9, 0.5, 0.1]
    typed = with_kind_second(ranked, expected_answer("何年に完成した？"), DOCUMENTS)
    assert [s.score for s in typed] == [0.9, 0.1, 0.5]  # the sentence with 「1958年」 comes second
    # Close retrieval scores: the ranker puts the sentence holding a year first, the baseline the other one.
    hits = [hit("tokyo", 0, [0.8, 0.9, 0.1])]
    result = answer_in_evidence(["東京タワーは何年に完成した？"], [["1958年"]], [hits], DOCUMENTS, SentenceRanker(),
                                budgets=(20, 200), spans=[("tokyo", 6, 11)])
    assert result["answer_in_evidence"]["baseline"] == {"20": 0.0, "200": 1.0}
    assert result["answer_sentence_picked"]["ranker"] == {"20": 1.0, "200": 1.0}
    # what the model reads: the sentence and, above it, its article's title line
    assert result["mean_chars"]["ranker"]["20"] == len("【東京タワーの歴史】東京タワーは1958年に完成した。")


def test_answer_in_evidence_reads_the_passages_the_answerer_reads(settings):
    # the first `answer_passages` distinct hits, of the articles that name what is asked where any does
    hits = [hit("kyoto", 0, [0.9, 0.1]), hit("tokyo", 1, [0.5, 0.5, 0.5])]
    assert shown(["富士山が見えるのはどこから？", "清水寺の柱は何本？"], [hits, hits], DOCUMENTS,
                 settings.replace(answer_passages=2)) == [hits[1:], hits]
    assert shown(["富士山が見えるのはどこから？"], [hits], DOCUMENTS, settings.replace(answer_passages=1)) == [hits[:1]]


def test_an_answer_the_title_of_a_picked_sentences_article_gives_is_in_the_evidence():
    # the prompt shows each article's title above its sentences: 「京都の寺院」 is read with 「清水寺は…」
    hits = [hit("kyoto", 0, [0.9, 0.1])]
    result = answer_in_evidence(["清水寺は何？"], [["寺院"]], [hits], DOCUMENTS, SentenceRanker(), budgets=(30,))
    assert result["answer_in_evidence"]["ranker"] == {"30": 1.0}
    result = answer_in_evidence(["清水寺は何？"], [["大阪"]], [hits], DOCUMENTS, SentenceRanker(), budgets=(30,))
    assert result["answer_in_evidence"]["ranker"] == {"30": 0.0}


def test_jaquad_answer_offsets_map_into_the_indexed_text(tmp_path):
    context = "  東京タワーは1958年に完成した。\n高さは333メートル。"
    data = {"data": [{"title": "東京タワー", "paragraphs": [{"context": context, "qas": [
        {"id": "q1", "question": "高さは？", "answers": [{"text": "333メートル", "answer_start": context.index("333")}]}]}]}]}
    (tmp_path / "jaquad_train_0000.json").write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    documents, questions = load_jaquad(tmp_path, paragraphs=5)
    q = questions[0]
    assert documents[0].text[q.start:q.end] == "333メートル" and documents[0].title == "東京タワー"


def test_the_budget_counts_the_title_lines_the_prompt_shows():
    titles = {"a": "記事A", "b": "記事B", "c": "記事A"}  # c: another paragraph under a's title
    picked = [ScoredSentence(0, "a", 0, 40, 0.9), ScoredSentence(1, "b", 0, 30, 0.8),
              ScoredSentence(2, "c", 0, 20, 0.7), ScoredSentence(3, "a", 50, 60, 0.6)]
    ordered = reading_order(picked)
    evidence = [Evidence(n, "x" * (s.end - s.start), s.doc_id, title=titles[s.doc_id])
                for n, s in enumerate(ordered, start=1)]
    block = build_messages("質問", evidence)[-1]["content"]
    shown_titles = sum(len(line) for line in block.splitlines() if line.startswith("【"))
    headings = {d: title_heading(t) for d, t in titles.items()}
    assert chars_read(picked, headings) == sum(s.end - s.start for s in picked) + shown_titles


def test_evidence_coverage_counts_the_title_lines_with_the_sentences():
    evidence = [Evidence(1, "高さは333メートルで、当時は世界一高い鉄塔だった。", "tokyo", 0, 26, 0, "東京タワーの歴史")]
    # the question's bigrams 東京 京タ タワ ワー ーの の高 高さ (さは, all kana, left out): the title holds five, the
    # sentence 高さ, and no line 「の高」
    assert evidence_coverage("東京タワーの高さは？", evidence) == pytest.approx(6 / 7)
    assert evidence_coverage("東京タワーの高さは？", [replace(evidence[0], title="")]) == pytest.approx(1 / 7)
    assert evidence_coverage("清水寺の駐車場は？", evidence) == 0.0


def test_coverage_table_gives_each_percentile_and_the_shares_below_it():
    answered = [0.1] + [0.5] * 98 + [0.9]  # the first percentile falls between 0.1 and 0.5
    table = coverage_table({"answered": answered, "missed": [0.0, 0.2, 0.4, 0.6]})
    assert table["p1"] == {"coverage": pytest.approx(0.496), "answered_below": 0.01, "missed_below": 0.75}
    assert table["p10"] == {"coverage": 0.5, "answered_below": 0.01, "missed_below": 0.75}
    assert "setting" not in table
    assert coverage_table({"answered": answered, "missed": []}, 0.6)["setting"] == {
        "coverage": 0.6, "answered_below": 0.99, "missed_below": 0.0}
