"""Prompt building and parsing of the model's quote-then-answer reply."""

import itertools

from rag.prompt import Evidence, answer_part, build_messages, parse_evidence_block, parse_reply


def test_fixed_prefix_comes_first_and_evidence_last():
    a = build_messages("質問A", [Evidence(1, "資料一")])
    b = build_messages("質問B", [Evidence(1, "資料二")])
    assert a[:-1] == b[:-1]  # identical prefix: its KV cache is reused
    evidence, question = parse_evidence_block(b[-1]["content"])
    assert (evidence[0].text, question) == ("資料二", "質問B")


def test_each_article_title_stands_once_above_its_sentences():
    evidence = [Evidence(1, "1958年に完成した。", "a", title="東京タワー"), Evidence(2, "高さは333メートル。", "a", title="東京タワー"),
                Evidence(3, "清水寺がある。", "b", title="京都"), Evidence(4, "来場者は多い。", "a", title="東京タワー"),
                Evidence(5, "題名のない文。", "c")]
    block = build_messages("質問", evidence)[-1]["content"]
    assert block == ("資料:\n【東京タワー】\n[1] 1958年に完成した。\n[2] 高さは333メートル。\n【京都】\n[3] 清水寺がある。\n"
                     "【東京タワー】\n[4] 来場者は多い。\n[5] 題名のない文。\n\n質問: 質問")
    parsed, question = parse_evidence_block(block)
    assert [e.text for e in parsed] == [e.text for e in evidence] and question == "質問"


def test_reply_is_parsed_into_quotes_and_answer():
    reply = "根拠: 「高さは333メートル」[2]\n回答: 333メートルです。"
    parsed = parse_reply(reply)
    assert parsed.quotes == [("高さは333メートル", 2)] and parsed.answer == "333メートルです。"
    assert not parsed.says_unknown
    assert answer_part("根拠: 「x」[1]\n回答: 33") == "33"
    assert answer_part("根拠: 「x") == ""


def test_refusal_reply_is_recognised():
    assert parse_reply("根拠: なし\n回答: 資料には記載がありません。").says_unknown


def test_short_answer_line_is_parsed_and_kept_out_of_the_quotes():
    parsed = parse_reply("根拠: 「高さは333メートル」[2]\n要点: 「333メートル」\n回答: 333メートルです。")
    assert parsed.quotes == [("高さは333メートル", 2)] and parsed.key == "333メートル"
    assert parse_reply("根拠: なし\n要点: なし\n回答: 資料には記載がありません。").key == ""
    assert parse_reply("根拠: 「高さは333メートル」[1]\n回答: 333メートルです。").key == ""


def test_a_quote_that_itself_quotes_someone_is_kept_whole():
    reply = "根拠: 「ハース氏は「限界に達している」とした。」[1]「抑止力を強化し」[2]\n要点: 限界\n回答: 限界です。"
    assert parse_reply(reply).quotes == [("ハース氏は「限界に達している」とした。", 1), ("抑止力を強化し", 2)]
    gap = parse_reply("根拠: 「8月15日に会談した。…衝撃を確認したい。」[1]\n要点: 8月15日\n回答: 8月15日です。")
    assert gap.quotes == [("8月15日に会談した。", 1), ("衝撃を確認したい。", 1)]


def test_answer_first_reply_is_parsed_with_the_sentences_it_cites():
    parsed = parse_reply("回答: 東京タワーの高さは333メートルです。[2][3]\n要点: 333メートル")
    assert (parsed.answer, parsed.cited, parsed.key, parsed.quotes) == ("東京タワーの高さは333メートルです。", [2, 3],
                                                                        "333メートル", [])
    assert not parsed.says_unknown
    refusal = parse_reply("回答: 資料には記載がありません。\n要点: なし")
    assert refusal.says_unknown and refusal.key == "" and refusal.cited == []
    assert parse_reply("回答: 5時間です。［1］").cited == [1]  # full-width brackets too


def test_streamed_answer_ends_at_its_line_and_leaves_out_the_markers():
    reply = "回答: 5時間です。[12]\n要点: 5時間"
    shown = [answer_part(reply[:n]) for n in range(len(reply) + 1)]
    assert shown[-1] == "5時間です。"
    assert all(later.startswith(earlier) for earlier, later in zip(shown, shown[1:]))  # it only grows
    assert answer_part("回答: 配列a[i]") == "配列a[i]"  # a bracket that is no marker is shown once it is clear


def test_a_written_out_calculation_streams_without_the_models_result():
    reply = "回答: 1,200円 × 2 + 500円 = 3,100円です。[1]\n要点: 3,100円"
    shown = [answer_part(reply[:n]) for n in range(len(reply) + 1)]
    assert shown[-1] == "1,200円 × 2 + 500円" and "3,100" not in "".join(shown)
    assert all(later.startswith(earlier) for earlier, later in zip(shown, shown[1:]))


def test_a_range_of_cited_sentences_cites_each_and_leaves_no_mark_in_the_answer():
    parsed = parse_reply("回答: 合計は30,850人です。[3]～[6]\n要点: 30,850人")
    assert parsed.answer == "合計は30,850人です。" and parsed.cited == [3, 4, 5, 6]
    assert parse_reply("回答: 2つです。[2]～[40]").cited == [2, 40]  # too long a range: its ends only
    reply, shown = "回答: 30,850人です。[3]～[6]\n要点", []
    for end in range(len(reply) + 1):
        shown.append(answer_part(reply[:end]))
    assert shown[-1] == "30,850人です。" and all(b.startswith(a) for a, b in itertools.pairwise(shown))
    assert answer_part("回答: 10:00-18:00です。[1]") == "10:00-18:00です。"  # a hyphen between figures stays


def test_a_short_answer_that_is_only_the_cited_sentence_number_is_no_answer():
    parsed = parse_reply("回答: [4]\n要点: 4")
    assert (parsed.answer, parsed.key, parsed.cited) == ("", "", [4])
    assert parse_reply("回答: 4回です。[2]\n要点: 4").key == "4"  # a number the answer states, not the one it cites


def test_words_the_model_looped_on_are_said_once():
    loop = "配備されたのは西安H-6爆撃機だ"
    parsed = parse_reply(f"回答: 例として、{loop}、{loop}、{loop}、配備されたのは西安[3]\n要点: なし")
    assert parsed.answer == f"例として、{loop}"
    assert parse_reply(f"回答: {loop}、{loop}。次に東京。[1]").answer == f"{loop}。次に東京。"
    assert parse_reply("回答: 東京、大阪、東京です。[1]").answer == "東京、大阪、東京です。"  # a short word twice is a list
    assert parse_reply("回答: 東京、東京です。[1]").answer == "東京、東京です。"
    assert parse_reply("回答: イタリア、中国、日本、中国、中国、中国、中国、中国、中国、中国、").answer == "イタリア、中国、日本、中国"
