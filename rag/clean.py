"""Cleaning of scraped Japanese articles: site furniture out, broken lines repaired, metadata found."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field

from .tables import row_cells

# Whole lines that are site furniture (paywalls, cookie banners, share buttons, anti-bot pages).
_FURNITURE_LINES = [
    r"Attention Required! \| Cloudflare",
    r"Just a moment\.\.\.",
    r"Please enable cookies\.?",
    r"(Cloudflare )?Ray ID:?.*",
    r"Why have I been blocked\?",
    r"Performance & security by Cloudflare",
    r"スポンサーリンク",
    r"コメント(を(書く|読む|する))?",
    r"タイトルとURLをコピーしました",
    r"この記事の画像一覧",
    r"関連(トピック|記事|リンク|ニュース)",
    r"セレクション|トレンドウオッチ|新着|注目|ビジネス|ライフスタイル|ランキング",
    r"フォロー(する|中)?",
    r"記事を保存する",
    r"新規会員登録.*ログイン|ログイン|会員登録",
    r"すべての記事が読み放題",
    r"有料会員.*",
    r"Think! の投稿を読む",
    r"記事と併せて、.*会員の方のみご利用になれます。",
    r"トピックをフォローすると.*",
    r".*に関する最新ニュースを紹介します。.*",
    r"(この記事を)?(シェア|ツイート|ブックマーク|印刷)(する)?",
    r"続きを読む|もっと見る|次のページ|前のページ",
    r"【(画像|写真|動画|併せて読む|あわせて読む|つづきを読む|続きを読む|関連記事)】.*",
    r".*(Cookie|クッキー)を(使用|利用)しています.*",
    r"(同意する|同意して閉じる|閉じる|Accept( all)?( cookies)?)",
    r".*Continue reading.*",
    r"[\W_]{1,3}",
]
_FURNITURE = re.compile("|".join(f"(?:{p})" for p in _FURNITURE_LINES))

# Lines after which the rest of a page is usually navigation and widgets, not article.
_FOOTER_MARKERS = re.compile(
    r"^(?:すべての記事が読み放題|スポンサーリンク|コメント|関連トピック|この記事の画像一覧|タイトルとURLをコピーしました)$"
)
# Link text glued to the end of a paragraph.
_TRAILING_LINK = re.compile(r"(?:[^。！？]{0,20}はこちら|詳しくはこちら)$")

_SENTENCE_END = "。！？!?」』）)】\"”"
_CJK = r"\u3000-\u30ff\u3400-\u9fff\uf900-\ufaff\uff00-\uffef"
_SPACE_NEAR_CJK = re.compile(rf"(?<=[{_CJK}])[ \t\u3000]+(?=[{_CJK}0-9])|(?<=[{_CJK}0-9])[ \t\u3000]+(?=[{_CJK}])")
_CONJUNCTION_START = re.compile(
    r"^(しかし|しかも|ただ|ただし|そして|また|さらに|なお|つまり|一方|だが|だから|だからといって|とはいえ|ところが|それでも|そこで|もっとも|むしろ|いずれ|この|その|あの|こうした|そうした|こ|そ)"
)
_HEADING_MAX = 60
_BROKEN_MIN = 40
_LOOKAHEAD = 6

_DATE_LINE = re.compile(r"^date\s+(\d{4})-(\d{1,2})-(\d{1,2})\s*(.*)$", re.IGNORECASE)
_DATE_CREDIT = re.compile(r"(\d{4})年(\d{1,2})月(\d{1,2})日(?:放送|配信|公開|掲載|更新|付)")
_PUBLISHERS = [
    "毎日新聞", "朝日新聞", "読売新聞", "日本経済新聞", "日経新聞", "産経新聞", "東京新聞", "中日新聞",
    "北海道新聞", "西日本新聞", "共同通信", "時事通信", "NHK", "BS朝日", "テレビ朝日", "TBS", "フジテレビ",
    "日本テレビ", "テレビ東京", "東洋経済", "ダイヤモンド", "プレジデント", "現代ビジネス", "Wedge", "WEDGE",
    "ニューズウィーク", "Newsweek", "ロイター", "Reuters", "ブルームバーグ", "Bloomberg", "AFP", "CNN", "BBC",
    "Indian Punchline", "NewsClick",
]


@dataclass
class CleanedArticle:
    """An article after cleaning: body text plus what the page itself says about it."""

    text: str
    title: str = ""
    publisher: str = ""
    date: str = ""
    removed_lines: list[str] = field(default_factory=list)


def normalize(text: str) -> str:
    """NFKC (full-width ASCII and half-width kana), unified newlines, tabs as spaces, no control characters."""
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\t", " ")
    text = unicodedata.normalize("NFKC", text)
    return "".join(ch for ch in text if ch == "\n" or unicodedata.category(ch)[0] != "C")


def _is_heading(line: str) -> bool:
    return len(line) <= _HEADING_MAX and not line.endswith(tuple("。！？!?"))


def _is_broken(line: str) -> bool:
    """A body line (long, or holding a full sentence) that stops mid-sentence was cut by the page layout."""
    is_body = len(line) > _HEADING_MAX or "。" in line[:-1]
    return is_body and not line.endswith(tuple(_SENTENCE_END))


def _continues(head: str, tail: str) -> bool:
    """True when `tail` reads as the rest of a sentence or word that `head` left open."""
    if not tail or _is_heading(tail) and not tail.endswith(tuple(_SENTENCE_END)):
        return False
    if _overlap(head, tail):
        return True
    first = tail[0]
    if first in "、。，．」』）)ー・っゃゅょぁぃぅぇぉ":
        return True
    is_hiragana = "\u3041" <= first <= "\u309f"
    return is_hiragana and not _CONJUNCTION_START.match(tail)


def _overlap(head: str, tail: str) -> int:
    """Length of katakana repeated across a break ("ワシントン" + "トン・ポスト"), else 0."""
    for size in range(min(4, len(head), len(tail)), 1, -1):
        piece = head[-size:]
        if piece == tail[:size] and all("\u30a0" <= c <= "\u30ff" for c in piece):
            return size
    return 0


def _join(head: str, tail: str) -> str:
    return head + tail[_overlap(head, tail):]


def repair_broken_lines(lines: list[str]) -> list[str]:
    """Join paragraphs that the page split mid-sentence, also across interleaved headings and bylines."""
    lines = list(lines)
    out: list[str] = []
    i = 0
    while i < len(lines):
        line = lines[i]
        while _is_broken(line):
            window = lines[i + 1 : i + 1 + _LOOKAHEAD]
            match = next((j for j, cand in enumerate(window) if _continues(line, cand)), None)
            if match is None and len(line) >= _BROKEN_MIN:
                # No obvious continuation: the next line that is not a heading or caption is the best guess.
                match = next((j for j, cand in enumerate(window) if not _is_heading(cand)), None)
            if match is None:
                break
            between = window[:match]
            # Headings and bylines that the layout dropped into the sentence go before it.
            out.extend(between)
            line = _join(line, window[match])
            del lines[i + 1 : i + 2 + match]
        out.append(line)
        i += 1
    return out


def _strip_spaces(line: str) -> str:
    if _is_heading(line):
        return line.strip()
    return _SPACE_NEAR_CJK.sub("", line).strip()


def _drop_duplicates(lines: list[str]) -> list[str]:
    """Pages repeat teasers and titles: keep the first copy of a heading, the last copy of a paragraph. A table row
    (「曜日: 土日、営業時間: 8:00～20:00。」) is kept however often it stands: two branches' tables may share one."""
    last = {line: i for i, line in enumerate(lines)}
    seen: set[str] = set()
    kept = []
    for i, line in enumerate(lines):
        if _is_heading(line):
            if line in seen:
                continue
            seen.add(line)
        elif last[line] != i and not row_cells(line):
            continue
        kept.append(line)
    return kept


def _cut_footer(lines: list[str]) -> tuple[list[str], list[str]]:
    """Drop everything after a footer marker that comes once most of the text is behind us."""
    total = sum(map(len, lines)) or 1
    seen = 0
    for i, line in enumerate(lines):
        if seen / total >= 0.6 and _FOOTER_MARKERS.match(line):
            return lines[:i], lines[i:]
        seen += len(line)
    return lines, []


def _find_title(lines: list[str], explicit: str) -> str:
    if explicit:
        return explicit
    headings = [line for line in lines[:8] if _is_heading(line) and len(line) >= 6]
    if headings:
        return re.sub(r"^\d+\)\s*", "", max(headings, key=len))
    return lines[0][:40] if lines else ""


def _find_publisher(lines: list[str]) -> str:
    credit_lines = [line for line in lines if len(line) <= 120]
    for line in credit_lines:
        for name in _PUBLISHERS:
            if name in line and (re.search(r"[（(「].*" + re.escape(name), line) or line.endswith(name)
                                 or f"- {name}" in line):
                return name
    return ""


def clean_article(raw: str) -> CleanedArticle:
    """Turn one scraped page into clean paragraphs, with title, publisher and date where the page shows them."""
    lines = [line.strip() for line in normalize(raw).split("\n")]
    lines = [line for line in lines if line]
    title = date = ""
    if lines and (m := _DATE_LINE.match(lines[0])):
        date = f"{int(m[1]):04d}-{int(m[2]):02d}-{int(m[3]):02d}"
        title = m[4].strip()
        lines = lines[1:] if not title else [title, *lines[1:]]
    lines, removed = _cut_footer(lines)
    kept = []
    for line in lines:
        (removed if _FURNITURE.fullmatch(line) else kept).append(line)
    kept = repair_broken_lines(kept)
    kept = [_TRAILING_LINK.sub("", _strip_spaces(line)) for line in kept]
    kept = _drop_duplicates([line for line in kept if line])
    if not date:
        for line in kept:
            if m := _DATE_CREDIT.search(line):
                date = f"{int(m[1]):04d}-{int(m[2]):02d}-{int(m[3]):02d}"
                break
    return CleanedArticle(
        text="\n\n".join(kept),
        title=_find_title(kept, title),
        publisher=_find_publisher(kept),
        date=date,
        removed_lines=removed,
    )
