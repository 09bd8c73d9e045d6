"""Measures the hand-written HTML text extraction and encoding detection of rag/load.py against the libraries
that could replace them (trafilatura, charset-normalizer): `python -m evals.extraction`.

HTML: each bundled article (corpus/) is put into three Japanese news-site page layouts (semantic HTML5, div soup
with ads and comments, <br> paragraphs with share buttons and a cookie banner); what each extractor keeps, once
cleaned by rag/clean.py, is scored by character bigrams against the article: recall (article kept) and precision
(kept text that is article). Encodings: each article, whole and cut to its first 40 and 200 characters, in UTF-8,
Shift_JIS (cp932), EUC-JP and ISO-2022-JP; a detection counts when the text comes back exactly.
"""

from __future__ import annotations

import html
import sys
from collections import Counter
from pathlib import Path

from rag.clean import clean_article
from rag.load import decode_bytes, html_to_text, load_corpus

REPO = Path(__file__).resolve().parent.parent


def _bigrams(text: str) -> Counter:
    text = "".join(text.split())
    return Counter(text[i:i + 2] for i in range(len(text) - 1))


def score(article: str, extracted: str) -> tuple[float, float]:
    want, got = _bigrams(article), _bigrams(extracted)
    common = sum((want & got).values())
    return common / max(1, sum(want.values())), common / max(1, sum(got.values()))


def pages(title: str, paragraphs: list[str], others: list[str]) -> dict[str, str]:
    esc = [html.escape(p) for p in paragraphs]
    related = "".join(f'<li><a href="/news/{i}">{html.escape(t)}</a></li>' for i, t in enumerate(others))
    body = "".join(f"<p>{p}</p>" for p in esc)
    half = len(esc) // 2
    return {
        "semantic": f"""<!doctype html><html lang="ja"><head><meta charset="utf-8"><title>{html.escape(title)} | 日本経済ニュース</title></head>
<body><header><a href="/">日本経済ニュース</a><nav><ul><li>政治</li><li>経済</li><li>国際</li><li>スポーツ</li></ul></nav></header>
<main><article><h1>{html.escape(title)}</h1><time datetime="2024-01-02">2024年1月2日 10:00</time>{body}</article>
<aside><h2>アクセスランキング</h2><ol>{related}</ol></aside></main>
<footer><p>Copyright 日本経済ニュース All rights reserved.</p><p>利用規約 プライバシーポリシー お問い合わせ</p></footer></body></html>""",
        "div-soup": f"""<html><head><meta http-equiv="Content-Type" content="text/html; charset=utf-8"><title>{html.escape(title)}</title></head>
<body><div id="hd"><div class="logo">毎朝ニュース</div><div class="login">ログイン 会員登録</div></div>
<div class="menu"><ul><li><a href="/">トップ</a></li><li><a href="/p">政治</a></li><li><a href="/e">経済</a></li></ul></div>
<div class="content"><div class="ttl">{html.escape(title)}</div><div class="body">{"".join(f"<p>{p}</p>" for p in esc[:half])}
<div class="ad">スポンサーリンク<br>今だけ！話題の健康食品が半額</div>{"".join(f"<p>{p}</p>" for p in esc[half:])}</div>
<div class="related">関連記事<ul>{related}</ul></div>
<div class="comments"><h3>コメント</h3><div class="c">とても参考になりました。続報を期待しています。</div>
<div class="c">この記事の見方には賛成できません。</div></div></div>
<div id="ft">(C) 毎朝ニュース社 無断転載を禁じます</div></body></html>""",
        "br-paragraphs": f"""<html><head><title>{html.escape(title)}</title></head><body>
<div class="cookie">当サイトはクッキーを使用しています。同意する</div>
<table width="100%"><tr><td class="side"><a href="/">ホーム</a><br><a href="/a">記事一覧</a><br><a href="/b">お問い合わせ</a></td>
<td class="main"><b>{html.escape(title)}</b><br><br>{"<br><br>".join(esc)}<br><br>
<span class="share">この記事をシェアする ツイート ブックマーク</span></td></tr></table>
<div>人気の記事<ul>{related}</ul></div></body></html>""",
    }


def ours(markup: str) -> str:
    return clean_article(html_to_text(markup)).text


def trafilatura_text(markup: str) -> str:
    import trafilatura

    return clean_article(trafilatura.extract(markup, include_comments=False, include_tables=True) or "").text


def trafilatura_precise(markup: str) -> str:
    import trafilatura

    return clean_article(trafilatura.extract(markup, include_comments=False, include_tables=True,
                                             favor_precision=True) or "").text


SMALL_PAGES = {  # the tests' own pages: a menu before one or two paragraphs
    "日本初の人工衛星「おおすみ」は1970年に打ち上げられた。\n\nはやぶさは小惑星イトカワから試料を持ち帰った。":
        "<html><head><title>宇宙開発</title><script>alert('x')</script></head><body><nav>メニュー</nav>"
        "<p>日本初の人工衛星「おおすみ」は1970年に打ち上げられた。</p><p>はやぶさは小惑星イトカワから試料を持ち帰った。</p>"
        "</body></html>",
    "本文の文です。": "<html><head><title>題名</title></head><body><nav>メニュー</nav><p>本文の文です。</p></body></html>",
}
EXTRACTORS = (("hand-written", ours), ("trafilatura", trafilatura_text), ("trafilatura precision", trafilatura_precise))


def measure_html(documents) -> dict[str, dict[str, tuple[float, float]]]:
    results: dict[str, dict[str, list[tuple[float, float]]]] = {}
    titles = [d.title for d in documents]
    for doc in documents:
        others = [t for t in titles if t != doc.title]
        for layout, markup in pages(doc.title, doc.text.split("\n\n"), others).items():
            for name, extract in EXTRACTORS:
                results.setdefault(layout, {}).setdefault(name, []).append(score(doc.text, extract(markup)))
    for text, markup in SMALL_PAGES.items():
        for name, extract in EXTRACTORS:
            results.setdefault("small page", {}).setdefault(name, []).append(score(text, extract(markup)))
    return {layout: {name: (sum(r for r, _ in rows) / len(rows), sum(p for _, p in rows) / len(rows))
                     for name, rows in by_name.items()} for layout, by_name in results.items()}


def charset_normalizer_text(data: bytes) -> str:
    from charset_normalizer import from_bytes

    best = from_bytes(data).best()
    return str(best) if best else ""


def measure_encodings(texts: list[str]) -> dict[str, dict[str, str]]:
    table: dict[str, dict[str, str]] = {}
    for encoding in ("utf-8", "cp932", "euc_jp", "iso2022_jp"):
        for length in (40, 200, None):
            samples = [t[:length] for t in texts]
            row = {}
            for name, decode in (("hand-written", decode_bytes), ("charset-normalizer", charset_normalizer_text)):
                # characters the encoding lacks (a no-break space in Shift_JIS) are left out of that sample
                data = [x.encode(encoding, errors="ignore") for x in samples]
                right = sum(decode(d) == d.decode(encoding) for d in data)
                row[name] = f"{right}/{len(samples)}"
            table[f"{encoding} {length or 'whole'}"] = row
    return table


def main() -> int:
    documents, _ = load_corpus(REPO / "corpus")
    seeds = REPO.parent / "shared" / "seeds"
    texts = [d.text for d in documents]
    if seeds.is_dir():
        texts += [p.read_text(encoding="utf-8") for p in sorted(seeds.glob("*.txt"))]
    print("HTML extraction, then rag/clean.py: bigram recall / precision, mean over", len(documents), "articles")
    for layout, by_name in measure_html(documents).items():
        print(f"  {layout:14}" + "".join(f"  {n}: {r:.3f} / {p:.3f}" for n, (r, p) in by_name.items()))
    print("  (small page: the mean over", len(SMALL_PAGES), "two-paragraph test pages)")
    print("Encoding detection: texts decoded exactly, of", len(texts))
    for case, row in measure_encodings(texts).items():
        print(f"  {case:18}" + "".join(f"  {n}: {v}" for n, v in row.items()))
    return 0


if __name__ == "__main__":
    sys.exit(main())
