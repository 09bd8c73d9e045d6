"""Loading of corpus files (.txt, .md, .html, .csv, .pdf, .docx) into cleaned documents with metadata."""

from __future__ import annotations

import hashlib
import html
import logging
import re
from bisect import bisect_right
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path

from .clean import clean_article
from .errors import CorpusError, UnreadableDocument
from .formats import read_docx, read_pdf, split_page_markers
from .tables import csv_to_text, html_table_to_text, markdown_tables_to_text, spread_spans

log = logging.getLogger(__name__)

SUPPORTED_SUFFIXES = (".txt", ".md", ".markdown", ".html", ".htm", ".csv", ".pdf", ".docx")
MAX_FILE_BYTES = 20 * 1024 * 1024  # text formats: more is not an article
# PDF and Word files carry images and fonts besides their text; the upload limit (max_upload_mb) is the real gate.
MAX_BINARY_BYTES = 200 * 1024 * 1024
_ENCODINGS = ("utf-8-sig", "cp932", "euc_jp", "iso2022_jp")
_FRONT_MATTER = re.compile(r"\A---\n(.*?)\n---\n", re.DOTALL)


@dataclass
class Document:
    """One cleaned article: its id is the file name without suffix, stable across rebuilds."""

    doc_id: str
    title: str
    text: str
    publisher: str = ""
    date: str = ""
    source_file: str = ""
    # For paged formats (PDF): where page n starts in `text` (page n starts at pages[n-1]); empty otherwise.
    pages: list[int] = field(default_factory=list)

    def to_dict(self) -> dict:
        return {**self.__dict__, "pages": list(self.pages)}  # as asdict, without its slow recursive copy

    def page_at(self, offset: int) -> int | None:
        """The page (from 1) holding character `offset` of `text`, or None for a format without pages."""
        return bisect_right(self.pages, offset) if self.pages else None


@dataclass
class LoadProblem:
    """A file that could not be used, and why (in English, for logs and the CLI)."""

    path: str
    reason: str


class _TextExtractor(HTMLParser):
    """Visible text of an HTML page, one line per block element; scripts, styles and navigation dropped."""

    _SKIP = {"script", "style", "noscript", "nav", "header", "footer", "aside", "form", "button", "svg", "iframe"}
    _BLOCK = {"p", "div", "br", "li", "h1", "h2", "h3", "h4", "h5", "h6", "tr", "section", "article", "blockquote",
              "title", "figcaption", "dd", "dt"}

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self._skip_depth = 0

    def handle_starttag(self, tag, attrs):
        if tag in self._SKIP:
            self._skip_depth += 1
        elif tag in self._BLOCK:
            self.parts.append("\n")

    def handle_endtag(self, tag):
        if tag in self._SKIP and self._skip_depth:
            self._skip_depth -= 1
        elif tag in self._BLOCK:
            self.parts.append("\n")

    def handle_data(self, data):
        if not self._skip_depth:
            self.parts.append(data)


def html_to_text(markup: str) -> str:
    """Visible text of an HTML document, block elements on their own lines, a table one line per row
    (`tables_as_paragraphs`)."""
    parser = _TextExtractor()
    parser.feed(tables_as_paragraphs(markup))
    parser.close()
    text = "".join(parser.parts)
    return html.unescape(re.sub(r"[ \t]*\n[ \t\n]*", "\n", text))


def main_text(markup: str) -> str:
    """The article of an HTML page without menus, related links, ads and comments (trafilatura, favouring
    precision); the page's whole visible text (`html_to_text`) when trafilatura finds no article in it.

    Measured with `python -m evals.extraction` (bigram recall / precision of the bundled articles put into news-site
    layouts): semantic 1.000/0.985 -> 1.000/0.999, div soup 0.999/0.958 -> 1.000/0.995, <br> paragraphs
    1.000/0.958 -> 1.000/0.989, two-paragraph pages 1.000/0.839 -> 1.000/1.000."""
    import trafilatura

    extracted = trafilatura.extract(tables_as_paragraphs(markup), include_comments=False, include_tables=True,
                                    favor_precision=True)
    return extracted if extracted and extracted.strip() else html_to_text(markup)


def tables_as_paragraphs(markup: str) -> str:
    """The page with each <table> replaced by one paragraph per row naming its cells (rag/tables.py), so that
    the main-text extractor keeps a specification or price table as sentences it can read."""
    if "<table" not in markup.lower():
        return markup
    import lxml.html
    from lxml import etree

    try:
        root = lxml.html.document_fromstring(markup)
    except (etree.ParserError, ValueError):
        return markup
    for table in reversed(root.xpath("//table")):  # innermost first: an inner table is a cell's text
        rows = [[(" ".join(cell.text_content().split()), cell.tag == "th", _span(cell, "rowspan"),
                  _span(cell, "colspan")) for cell in row.xpath("./th|./td")]
                for row in table.xpath("./tr|./thead/tr|./tbody/tr|./tfoot/tr")]
        block = lxml.html.Element("div")
        for line in html_table_to_text(spread_spans(rows)).split("\n"):
            if line:
                lxml.html.etree.SubElement(block, "p").text = line
        block.tail = table.tail
        table.getparent().replace(table, block)
    return lxml.html.tostring(root, encoding="unicode")


# A span larger than any real table's is a typo or a trap (rowspan="65534"): it is read as this many.
MAX_SPAN = 100


def _span(cell, attribute: str) -> int:
    """A cell's rowspan or colspan: 1 when absent or not a number."""
    value = (cell.get(attribute) or "").strip()
    return min(int(value), MAX_SPAN) if re.fullmatch("[0-9]+", value) and int(value) > 0 else 1


# ISO-2022-JP is 7-bit, so it also decodes as UTF-8: its escape sequences are what give it away.
_ISO2022_ESCAPES = (b"\x1b$B", b"\x1b$@", b"\x1b(J", b"\x1b(I", b"\x1b$(D")


def decode_bytes(data: bytes) -> str:
    """UTF-8, or a Japanese legacy encoding; a few stray bytes in UTF-8 text are dropped, never an error.

    Kept rather than charset-normalizer, which `python -m evals.extraction` found no better: of 10 articles,
    it read 8 whole ones in Shift_JIS (〜 for ～) and 8 in ISO-2022-JP right, this code all 10; both read UTF-8 and
    EUC-JP, this one 9 of 10 EUC-JP 40-character snippets."""
    if b"\x1b" in data and any(escape in data for escape in _ISO2022_ESCAPES):
        try:
            return data.decode("iso2022_jp")
        except UnicodeDecodeError:
            pass
    text = data.decode("utf-8-sig", errors="replace")
    bad = text.count("\ufffd")
    if bad <= max(2, len(text) // 100):  # UTF-8 with a little damage
        return text.replace("\ufffd", "")
    for encoding in _ENCODINGS[1:]:
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    return text.replace("\ufffd", "")


def _parse_front_matter(text: str) -> tuple[dict[str, str], str]:
    match = _FRONT_MATTER.match(text)
    if not match:
        return {}, text
    meta = {}
    for line in match[1].splitlines():
        key, sep, value = line.partition(":")
        if sep:
            meta[key.strip()] = value.strip().strip('"')
    return meta, text[match.end():]


def load_document(path: Path) -> Document:
    """Read and clean one file. Raises UnreadableDocument (a ValueError) with the reason when it is unusable."""
    suffix = path.suffix.lower()
    if suffix not in SUPPORTED_SUFFIXES:
        raise UnreadableDocument(f"unsupported file type {suffix or '(none)'}",
                                 "この形式のファイルには対応していません(対応形式: " +
                                 "、".join(s.lstrip(".") for s in SUPPORTED_SUFFIXES) + ")。")
    size = path.stat().st_size
    if size == 0:
        raise UnreadableDocument("file is empty", "ファイルが空です。")
    limit = MAX_BINARY_BYTES if suffix in (".pdf", ".docx") else MAX_FILE_BYTES
    if size > limit:
        raise UnreadableDocument(f"file is larger than {limit // (1024 * 1024)} MiB",
                                 f"ファイルが大きすぎます(上限 {limit // (1024 * 1024)} MB)。")
    if suffix == ".pdf":
        body, meta = read_pdf(path)
    elif suffix == ".docx":
        body, meta = read_docx(path)
    else:
        raw = decode_bytes(path.read_bytes())
        if "\x00" in raw[:4096]:
            raise UnreadableDocument("file looks binary, not text", "テキストではなくバイナリのファイルのようです。")
        meta, body = _parse_front_matter(raw.replace("\r\n", "\n"))
        if suffix == ".csv":  # a header row, not a title: the file is named for what it lists
            body = csv_to_text(body)
            meta.setdefault("title", path.stem)
        elif suffix in (".md", ".markdown", ".txt"):
            body = markdown_tables_to_text(body)
        elif suffix in (".html", ".htm"):
            title = re.search(r"<title[^>]*>(.*?)</title>", body, re.IGNORECASE | re.DOTALL)
            meta.setdefault("title", html.unescape(title[1]).strip() if title else "")
            body = main_text(body)
    cleaned = clean_article(body)
    text, pages = split_page_markers(cleaned.text)
    if not text.strip():
        raise UnreadableDocument("no article text left after cleaning",
                                 "整形すると本文が残りませんでした(広告やメニューだけのファイルなど)。")
    return Document(
        doc_id=path.stem,
        title=meta.get("title") or split_page_markers(cleaned.title)[0].strip() or path.stem,
        text=text,
        publisher=meta.get("publisher") or cleaned.publisher,
        date=meta.get("date") or cleaned.date,
        source_file=meta.get("source_file") or path.name,
        pages=pages,
    )


def corpus_files(corpus_dir: Path) -> list[Path]:
    """Supported files under a corpus folder, sorted, hidden files skipped."""
    if not corpus_dir.is_dir():
        raise CorpusError(f"corpus folder not found: {corpus_dir}")
    return sorted(
        p for p in corpus_dir.rglob("*")
        if p.is_file() and p.suffix.lower() in SUPPORTED_SUFFIXES and p.name.lower() != "readme.md"
        and not any(part.startswith(".") for part in p.relative_to(corpus_dir).parts)
    )


def load_corpus(corpus_dir: Path) -> tuple[list[Document], list[LoadProblem]]:
    """All usable documents of a folder, and the files that were skipped with the reason."""
    documents, problems = [], []
    seen_ids: set[str] = set()
    for path in corpus_files(corpus_dir):
        try:
            doc = load_document(path)
        except (OSError, ValueError) as exc:
            problems.append(LoadProblem(str(path), str(exc)))
            log.warning("skipping %s: %s", path, exc)
            continue
        if doc.doc_id in seen_ids:  # same stem, other suffix: keep both, apart
            doc.doc_id = f"{doc.doc_id}{path.suffix.lower().replace('.', '_')}"
        seen_ids.add(doc.doc_id)
        documents.append(doc)
    if not documents:
        detail = "; ".join(f"{Path(p.path).name}: {p.reason}" for p in problems) \
            or f"no {', '.join(SUPPORTED_SUFFIXES)} files"
        raise CorpusError(f"no usable article in {corpus_dir} ({detail})")
    return documents, problems


def fingerprint(corpus_dir: Path) -> str:
    """Hash of the corpus files' names and bytes: it changes whenever an article is added, edited or removed."""
    digest = hashlib.sha256()
    for path in corpus_files(corpus_dir):
        digest.update(str(path.relative_to(corpus_dir)).encode())
        digest.update(hashlib.sha256(path.read_bytes()).digest())
    return digest.hexdigest()


def to_markdown(doc: Document) -> str:
    """A cleaned document as Markdown with front matter: the readable form committed under corpus/."""
    fields = {"title": doc.title, "publisher": doc.publisher, "date": doc.date, "source_file": doc.source_file}
    head = "\n".join(f"{key}: {value}" for key, value in fields.items() if value)
    return f"---\n{head}\n---\n{doc.text}\n"
