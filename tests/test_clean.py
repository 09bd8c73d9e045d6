"""Cleaning of scraped articles: furniture removed, broken lines repaired, metadata found, idempotent."""

import pytest

from rag.clean import clean_article, normalize, repair_broken_lines

from .conftest import SEEDS

seeds = pytest.mark.skipif(not SEEDS.is_dir(), reason="../shared/seeds not present")


def test_normalize_makes_ascii_and_kana_half_width_consistent():
    assert normalize("ＡＢＣ１２３ｶﾀｶﾅ\r\n") == "ABC123カタカナ\n"


def test_furniture_lines_are_removed():
    raw = "本文の最初の文です。これは記事です。\nAttention Required! | Cloudflare\nスポンサーリンク\nコメント\n" \
          "タイトルとURLをコピーしました\n有料会員の方のみご利用になれます。\n記事を保存する\n"
    article = clean_article(raw)
    assert article.text == "本文の最初の文です。これは記事です。"
    assert "スポンサーリンク" in article.removed_lines


def test_line_broken_mid_word_is_joined():
    head = "ロシア大統領府の発表によると、プーチン氏は北大西洋条約機構の東方への不拡大などを保証する文書の締結を米側に求めたことを伝えると、習氏は「完全な支"
    assert repair_broken_lines([head, "持」を表明したという。"]) == [head + "持」を表明したという。"]


def test_repeated_katakana_across_a_break_is_merged():
    lines = ["緊急性が高いのは、ウクライナ情勢だろう。米紙ワシントン", "トン・ポストは12月初旬に報じた。"]
    assert repair_broken_lines(lines) == ["緊急性が高いのは、ウクライナ情勢だろう。米紙ワシントン・ポストは12月初旬に報じた。"]


def test_headings_are_not_joined_to_the_next_paragraph():
    lines = ["力の連鎖許した米国", "年末になって活発になった大国間外交だが、最初に動いたのは米国だった。"]
    assert repair_broken_lines(lines) == lines


def test_byline_dropped_into_a_sentence_moves_before_it():
    lines = ["首脳同士が常に連絡を取り合っている。ロシアと中国は、互いの問題に干渉せず、相互の利益を尊重するという原則と、共通の国境を永遠の平和と善隣の紐帯にするとい",
             "中露首脳会談の狙いは", "及川 正也", "う相互の決意に基づいて、新しい協力モデルを構築した」"]
    out = repair_broken_lines(lines)
    assert out[-1].endswith("するという相互の決意に基づいて、新しい協力モデルを構築した」")
    assert out[:2] == ["中露首脳会談の狙いは", "及川 正也"]


def test_date_line_gives_date_and_title():
    article = clean_article(" date 2025-09-11 結局、プーチンの注文通り\n\n本文です。会談が行われた。\n")
    assert (article.date, article.title) == ("2025-09-11", "結局、プーチンの注文通り")


@seeds
def test_seed_articles_are_clean():
    for path in sorted(SEEDS.iterdir()):
        article = clean_article(path.read_text(encoding="utf-8"))
        for junk in ("Cloudflare", "スポンサーリンク", "タイトルとURLをコピーしました", "新規会員登録", "記事を保存する"):
            assert junk not in article.text, (path.name, junk)
        assert article.title
    mainichi = clean_article((SEEDS / "000_e614c7549068b452.txt").read_text(encoding="utf-8"))
    assert "「完全な支持」を表明" in mainichi.text
    assert "米紙ワシントン・ポストは" in mainichi.text
    assert "紐帯にするという相互の決意" in mainichi.text
    assert mainichi.publisher == "毎日新聞"


@seeds
def test_cleaning_is_idempotent():
    for path in sorted(SEEDS.iterdir()):
        once = clean_article(path.read_text(encoding="utf-8")).text
        assert clean_article(once).text == once, path.name


def test_a_table_row_two_tables_share_is_kept_in_both():
    text = ("## 港町店\n\n曜日: 月～金、営業時間: 7:00～21:00。\n\n曜日: 土日、営業時間: 8:00～20:00。\n\n"
            "## 駅前店\n\n曜日: 月～金、営業時間: 6:30～22:00。\n\n曜日: 土日、営業時間: 8:00～20:00。\n\n"
            "続きを読む\n\n本文です。\n\n続きを読む\n")
    lines = clean_article(text).text.split("\n")
    assert lines.count("曜日: 土日、営業時間: 8:00~20:00。") == 2  # (～ is normalised)
    # a paragraph repeated is still kept once
    assert clean_article("本文です。\n\n次の段落。\n\n本文です。\n").text.split("\n").count("本文です。") == 1
