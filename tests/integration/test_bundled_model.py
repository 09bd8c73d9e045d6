"""The real bundled Qwen2.5 model over the real corpus: grounded answers, citations and refusals."""

import pytest

pytestmark = pytest.mark.integration


def test_answers_with_a_verified_citation(answerer):
    result = answerer.answer("ウィトコフ特使とプーチン大統領の話し合いは何時間に及びましたか？")
    assert not result.refused, result.reason
    assert "5時間" in result.answer and "[1]" in result.answer
    assert result.citations[0].doc_id == "003_34a507dc91d936b2"
    assert result.timings["first_token_s"] > 0


def test_refuses_what_the_articles_do_not_say(answerer):
    result = answerer.answer("日本の首相は誰ですか？")
    assert result.refused and "記載がありません" in result.answer and not result.citations


def test_follow_up_question_uses_the_conversation(answerer):
    history = [{"role": "user", "content": "ブダペスト覚書とは何ですか？"},
               {"role": "assistant", "content": "核拡散防止条約に加盟したウクライナの安全を保障する協定書です。[1]"}]
    result = answerer.answer("それはいつ署名された？", history=history)
    assert not result.refused and "1994年" in result.answer


def test_follow_up_retrieval_finds_what_the_conversation_points_to(answerer):
    history = [{"role": "user", "content": "ブリンケン国務長官はどこでラブロフ外相と会談しましたか？"},
               {"role": "assistant", "content": "アイスランドです。[1]"}]
    result = answerer.answer("その会談について、ラブロフ氏はどう評価した？", history=history)
    assert any("建設的" in p["text"] for p in result.passages[:3])


@pytest.mark.parametrize("runtime", ["openvino", "llama-cpp"])
def test_the_bundled_model_continues_the_reply_written_for_it(runtime):
    # The reply's first words are written for the model (rag.prompt.REPLY_START): it goes on from them, in the
    # reply format, without writing them again.
    pytest.importorskip("openvino_genai" if runtime == "openvino" else "xllamacpp")
    from rag.config import Settings
    from rag.generate import create_generator
    from rag.prompt import REPLY_START, Evidence, build_messages, parse_reply

    generator = create_generator(Settings(generator=runtime, reader_first=False))  # the model itself
    assert generator.continues_reply
    evidence = [Evidence(1, "米国のウィトコフ特使は12月2日、モスクワでプーチン大統領と会談した。"),
                Evidence(2, "話し合いは5時間に及んだ。")]
    try:
        text = "".join(generator.stream(build_messages("話し合いは何時間続いた？", evidence, REPLY_START), max_tokens=48))
    finally:
        generator.close()
    assert not text.lstrip().startswith("回答")
    parsed = parse_reply(REPLY_START + text)
    assert "5時間" in parsed.answer and parsed.cited == [2]
