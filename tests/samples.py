"""Japanese PDF and Word files made by the tests themselves (reportlab's built-in CID font, python-docx)."""

from __future__ import annotations

import io


def make_pdf(pages: list[list[str]], title: str = "", password: str = "", vertical: bool = False) -> bytes:
    """A PDF with a text layer: one list of lines per page, in the Japanese CID font HeiseiMin-W3 (not embedded,
    so no font file is needed; the text layer is what is read). An empty page list item draws only a box (a scan).
    vertical: 縦書き, lines running top to bottom, right to left."""
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    from reportlab.pdfgen import canvas

    font = UnicodeCIDFont("HeiseiMin-W3", isVertical=vertical)
    pdfmetrics.registerFont(font)
    out = io.BytesIO()
    pdf = canvas.Canvas(out, encrypt=password or None)
    if title:
        pdf.setTitle(title)
    for lines in pages:
        pdf.rect(60, 60, 400, 600)  # some drawing on every page, as a scanned page has only an image
        pdf.setFont(font.name, 12)
        for i, line in enumerate(lines):
            if vertical:
                pdf.drawString(500 - 15 * i, 780, line)
            else:
                pdf.drawString(72, 760 - 15 * i, line)  # 1.25 line spacing, as in a paragraph
        pdf.showPage()
    pdf.save()
    return out.getvalue()


def make_docx(paragraphs: list[str], title: str = "", table: list[list[str]] | None = None) -> bytes:
    import docx

    document = docx.Document()
    if title:
        document.core_properties.title = title
        document.add_heading(title, 1)
    for text in paragraphs:
        document.add_paragraph(text)
    if table:
        grid = document.add_table(rows=len(table), cols=len(table[0]))
        for r, row in enumerate(table):
            for c, text in enumerate(row):
                grid.cell(r, c).text = text
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()
