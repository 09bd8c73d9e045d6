"""Text out of binary document formats: PDF with a text layer (pdfminer.six) and Word .docx (python-docx).

Each reader returns the raw text (cleaned later with every other format by rag/clean.py) and the metadata the
file itself holds. PDF pages are separated by PAGE_MARKER lines, which survive cleaning, so that the cleaned text
can still say where each page starts (`split_page_markers`).
"""

from __future__ import annotations

import logging
import re
import zipfile
from pathlib import Path

from .errors import UnreadableDocument
from .tables import render_rows

log = logging.getLogger(__name__)

# ASCII letters and digits only: NFKC keeps them, and the furniture rules of rag/clean.py (which drop lines of a few
# symbols) do not match them. A marker that cleaning joins into a neighbouring line is still found and removed.
_MARKER = "QXPAGEBREAK{:05d}QX"
_MARKER_RE = re.compile(r"\n*QXPAGEBREAK(\d{5})QX\n*")
# A .docx is a zip; its parts are read whole into memory by python-docx, so their declared sizes are checked first.
MAX_DOCX_UNCOMPRESSED = 200 * 1024 * 1024
MAX_DOCX_RATIO = 200  # real documents compress 2-20x; a zip bomb far more
_CJK = re.compile(r"[\u3000-\u30ff\u3400-\u9fff\uf900-\ufaff\uff00-\uffef]")


def _block_text(block) -> str:
    """A PDF text block as paragraphs. A line that reaches the block's far edge was wrapped by the layout and
    goes on in the next line (joined directly in Japanese, with a space otherwise); a shorter one (a heading, the
    last line of a paragraph) ends its paragraph."""
    lines = [line for line in block if hasattr(line, "get_text")] or [block]
    out = ""
    for i, line in enumerate(lines):
        text = " ".join(line.get_text().split())
        if not text:
            continue
        if out and not out.endswith("\n") and not (_CJK.match(out[-1]) or _CJK.match(text[0])):
            out += " "
        out += text
        if type(line).__name__ == "LTTextLineVertical":  # 縦書き: lines run down, the block's edge is its bottom
            wrapped = i + 1 < len(lines) and line.y0 <= block.y0 + (getattr(line, "width", 0) or 10)
        else:
            wrapped = i + 1 < len(lines) and line.x1 >= block.x1 - (getattr(line, "height", 0) or 10)
        if not wrapped:
            out += "\n"
    return out.strip()


def read_pdf(path: Path) -> tuple[str, dict[str, str]]:
    """Text of a PDF in reading order, pages separated by markers, and its title metadata.

    Raises UnreadableDocument for an encrypted PDF, a damaged file, or one with no text layer (scans)."""
    from pdfminer.high_level import extract_pages
    from pdfminer.layout import LAParams, LTTextContainer
    from pdfminer.pdfdocument import PDFDocument, PDFEncryptionError, PDFPasswordIncorrect
    from pdfminer.pdfparser import PDFParser, PDFSyntaxError
    from pdfminer.psparser import PSException

    with path.open("rb") as handle:
        head = handle.read(1024)
        handle.seek(max(0, path.stat().st_size - 2048))
        tail = handle.read()
    if b"%PDF-" not in head:
        raise UnreadableDocument("not a PDF file", "PDFファイルとして読み込めませんでした(ファイルが壊れているか、PDFではありません)。")
    if b"%%EOF" not in tail:  # pdfminer reads what it can of a cut file; a silently partial article is worse
        raise UnreadableDocument("the PDF is truncated (no %%EOF at its end)",
                                 "PDFファイルが途中で切れています(アップロードやダウンロードが最後まで終わっていない可能性があります)。")
    meta: dict[str, str] = {}
    pages: list[str] = []
    try:
        with path.open("rb") as handle:
            document = PDFDocument(PDFParser(handle))  # empty user password: many "protected" PDFs open with it
            for info in document.info:
                title = info.get("Title")
                if isinstance(title, bytes):
                    meta["title"] = _pdf_string(title)
        for page in extract_pages(str(path), laparams=LAParams(detect_vertical=True)):  # 縦書き too
            blocks = [_block_text(element) for element in page if isinstance(element, LTTextContainer)]
            pages.append("\n".join(b for b in blocks if b))
    except (PDFPasswordIncorrect, PDFEncryptionError) as exc:
        raise UnreadableDocument(f"the PDF is encrypted ({exc.__class__.__name__})",
                                 "パスワードで保護(暗号化)されたPDFは読み込めません。保護を外してからアップロードしてください。") \
            from exc
    except (PDFSyntaxError, PSException, ValueError, KeyError, TypeError, AttributeError, IndexError,
            AssertionError, OSError) as exc:  # pdfminer raises many types for a damaged file
        raise UnreadableDocument(f"the PDF is damaged or truncated ({exc.__class__.__name__}: {exc})",
                                 "PDFファイルが壊れているか、途中で切れているため読み込めませんでした。") from exc
    if not pages:
        raise UnreadableDocument("the PDF has no pages", "PDFファイルにページがありません。")
    if not any(p.strip() for p in pages):
        raise UnreadableDocument("the PDF has no text layer (a scan?); OCR is not supported",
                                 "このPDFには文字情報がありません(スキャンした画像のPDFなど)。文字認識(OCR)には対応していません。")
    text = pages[0] + "".join(f"\n{_MARKER.format(n)}\n{p}" for n, p in enumerate(pages[1:], start=2))
    return text, meta


def _pdf_string(raw: bytes) -> str:
    """A PDF text string: UTF-16 with a byte-order mark, or PDFDocEncoding (close to Latin-1)."""
    if raw.startswith((b"\xfe\xff", b"\xff\xfe")):
        return raw.decode("utf-16", errors="replace").strip()
    return raw.decode("latin-1", errors="replace").strip()


def split_page_markers(text: str) -> tuple[str, list[int]]:
    """Cleaned text without page markers, and where each page starts in it (page n starts at starts[n-1]).

    A page whose marker cleaning dropped starts where the next found page does; starts never decrease."""
    if "QXPAGEBREAK" not in text:
        return text, []
    out: list[str] = []
    found: dict[int, int] = {}
    length = pos = 0
    for match in _MARKER_RE.finditer(text):
        out.append(text[pos:match.start()])
        length += match.start() - pos
        # A marker on its own line stood between paragraphs; one inside a line joined a sentence cut by the page.
        glue = "\n\n" if "\n" in match[0] and length and match.end() < len(text) else ""
        out.append(glue)
        length += len(glue)
        found[int(match[1])] = length
        pos = match.end()
    out.append(text[pos:])
    clean = "".join(out)
    n_pages = max(found, default=1)
    starts = [0] * n_pages
    nxt = len(clean)
    for page in range(n_pages, 1, -1):
        nxt = min(found.get(page, nxt), nxt)
        starts[page - 1] = nxt
    return clean, starts


def read_docx(path: Path) -> tuple[str, dict[str, str]]:
    """Paragraphs and table rows of a Word document in order, and its title from the document properties.

    The zip's declared sizes are checked before python-docx reads any part (a zip bomb is refused)."""
    try:
        with zipfile.ZipFile(path) as archive:
            infos = archive.infolist()
    except (zipfile.BadZipFile, OSError, ValueError) as exc:
        raise UnreadableDocument(f"not a .docx (zip) file: {exc}",
                                 "Word(.docx)ファイルとして読み込めませんでした(ファイルが壊れているか、形式が違います)。") from exc
    total = sum(i.file_size for i in infos)
    packed = sum(i.compress_size for i in infos) or 1
    if total > MAX_DOCX_UNCOMPRESSED or total / packed > MAX_DOCX_RATIO:
        raise UnreadableDocument(f"the .docx would unpack to {total} bytes ({total // packed}x): refused as a zip bomb",
                                 "Word(.docx)ファイルの展開後の大きさが異常です(圧縮爆弾の疑い)。読み込みを中止しました。")
    import docx
    from docx.opc.exceptions import PackageNotFoundError
    from docx.table import Table

    try:
        document = docx.Document(str(path))
        lines = []
        for block in document.iter_inner_content():
            if isinstance(block, Table):
                rows = [[c.text.strip() for c in row.cells] for row in block.rows]
                # a merged cell repeats in every column it spans: once is enough
                rows = [[c for i, c in enumerate(r) if i == 0 or c != r[i - 1]] for r in rows]
                lines.extend(render_rows(rows[0], rows[1:]) if len(rows) > 1 else render_rows([], rows))
            else:
                lines.append(block.text)
        title = (document.core_properties.title or "").strip()
    except (PackageNotFoundError, KeyError, ValueError, zipfile.BadZipFile, OSError) as exc:
        raise UnreadableDocument(f"the .docx is damaged ({exc.__class__.__name__}: {exc})",
                                 "Word(.docx)ファイルが壊れているため読み込めませんでした。") from exc
    except Exception as exc:  # lxml and python-docx raise many types for a malformed part
        raise UnreadableDocument(f"the .docx could not be read ({exc.__class__.__name__}: {exc})",
                                 "Word(.docx)ファイルを読み込めませんでした。") from exc
    return "\n".join(lines), {"title": title} if title else {}
