"""PDF and Word files: Japanese text, reading order, page numbers, and every kind of unusable file."""

from __future__ import annotations

import io
import zipfile

import pytest

from rag.errors import UnreadableDocument
from rag.formats import split_page_markers
from rag.load import load_corpus, load_document

from .samples import make_docx, make_pdf

PAGES = [["社内報 第12号", "桜まつりは毎年四月の第一土曜日に本社の中庭で", "開かれる。"],
         ["社員食堂のカレーは一皿450円である。", "毎週金曜日に提供される。"],
         ["保養所は長野県の蓼科にある。"]]


def write(tmp_path, name: str, data: bytes):
    path = tmp_path / name
    path.write_bytes(data)
    return path


def test_pdf_text_keeps_reading_order_and_pages(tmp_path):
    doc = load_document(write(tmp_path, "shanaiho.pdf", make_pdf(PAGES, title="社内報 第12号")))
    assert doc.title == "社内報 第12号" and doc.doc_id == "shanaiho" and doc.source_file == "shanaiho.pdf"
    # a line broken by the layout is one sentence again; pages follow each other in order
    assert "桜まつりは毎年四月の第一土曜日に本社の中庭で開かれる。" in doc.text
    assert doc.text.index("桜まつり") < doc.text.index("社員食堂") < doc.text.index("保養所")
    assert "QXPAGEBREAK" not in doc.text and len(doc.pages) == 3
    assert [doc.page_at(doc.text.index(w)) for w in ("桜まつり", "社員食堂", "毎週金曜日", "蓼科")] == [1, 2, 2, 3]


def test_vertical_pdf_text_reads_top_to_bottom_right_to_left(tmp_path):
    lines = ["縦書きの社内報では、桜まつりは毎年四月の", "第一土曜日に開かれる。", "食堂は三階にある。"]
    doc = load_document(write(tmp_path, "tate.pdf", make_pdf([lines], vertical=True)))
    assert doc.text == "縦書きの社内報では、桜まつりは毎年四月の第一土曜日に開かれる。\n\n食堂は三階にある。"


def test_page_markers_joined_into_a_line_still_split_pages():
    text, starts = split_page_markers("一ページ目の文が途中でQXPAGEBREAK00002QX二ページ目に続く。\n\nQXPAGEBREAK00003QX\n\n三")
    assert text == "一ページ目の文が途中で二ページ目に続く。\n\n三" and starts == [0, 11, text.index("三")]
    assert split_page_markers("ページのない文。") == ("ページのない文。", [])


def test_docx_paragraphs_tables_and_title(tmp_path):
    data = make_docx(["保養所は長野県の蓼科にあり、一泊二千円で利用できる。"], title="福利厚生のお知らせ",
                     table=[["項目", "料金"], ["保養所", "二千円"]])
    doc = load_document(write(tmp_path, "fukuri.docx", data))
    assert doc.title == "福利厚生のお知らせ" and doc.pages == [] and doc.page_at(5) is None
    # a table row names its cells by the header row
    assert doc.text.endswith("保養所は長野県の蓼科にあり、一泊二千円で利用できる。\n\n項目: 保養所、料金: 二千円。")


def reason(path) -> str:
    with pytest.raises(UnreadableDocument) as caught:
        load_document(path)
    assert str(caught.value)  # English, for the CLI and logs
    return caught.value.message_ja


def test_unusable_pdfs_say_why_in_japanese(tmp_path):
    good = make_pdf(PAGES)
    assert "OCR" in reason(write(tmp_path, "scan.pdf", make_pdf([[], []])))
    assert "暗号化" in reason(write(tmp_path, "secret.pdf", make_pdf(PAGES, password="himitsu")))
    assert "途中で切れて" in reason(write(tmp_path, "cut.pdf", good[: len(good) // 2]))
    assert "壊れて" in reason(write(tmp_path, "junk.pdf", b"%PDF-1.4\n" + bytes(range(256)) * 40 + b"\n%%EOF\n"))
    assert "PDFではありません" in reason(write(tmp_path, "fake.pdf", "ただのテキスト".encode()))


def test_unusable_docx_files_say_why_in_japanese(tmp_path):
    bomb = io.BytesIO()
    with zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", b"\0" * (30 * 1024 * 1024))  # 30 MB of zeros packs to ~30 KB
    assert "圧縮爆弾" in reason(write(tmp_path, "bomb.docx", bomb.getvalue()))
    assert "壊れて" in reason(write(tmp_path, "junk.docx", b"PK\x03\x04" + bytes(range(256)) * 10))
    not_word = io.BytesIO()
    with zipfile.ZipFile(not_word, "w") as archive:
        archive.writestr("hello.txt", "zip but not Word")
    assert "読み込めません" in reason(write(tmp_path, "other.docx", not_word.getvalue()))
    assert "対応していません" in reason(write(tmp_path, "tool.exe", b"MZ"))


def test_corpus_reads_pdf_and_docx_beside_text(corpus_dir):
    (corpus_dir / "shanaiho.pdf").write_bytes(make_pdf(PAGES))
    (corpus_dir / "fukuri.docx").write_bytes(make_docx(["保養所は一泊二千円で利用できる。"], title="福利厚生"))
    (corpus_dir / "scan.pdf").write_bytes(make_pdf([[]]))
    docs, problems = load_corpus(corpus_dir)
    assert {d.doc_id for d in docs} == {"tokyo", "kyoto", "space", "shanaiho", "fukuri"}
    assert [p.path.rsplit("/", 1)[1] for p in problems] == ["scan.pdf"] and "OCR" in problems[0].reason
