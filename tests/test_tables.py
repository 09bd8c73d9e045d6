"""Tables as evidence: every row one line naming its cells, so that no row is read without its header or cut."""

from pathlib import Path

from rag.chunk import Chunker, split_sentences
from rag.load import html_to_text, load_document
from rag.tables import csv_to_text, html_table_to_text, markdown_tables_to_text, render_rows, row_cells, spread_spans


def test_rows_name_their_cells_and_skip_empty_ones():
    assert render_rows(["区分", "料金"], [["大人", "1,320円"], ["子ども", ""], ["", ""]]) == [
        "区分: 大人、料金: 1,320円。", "区分: 子ども。"]
    # a sentence end inside a cell would cut the row: it becomes a plain stop
    assert render_rows(["色"], [["白。黒"]]) == ["色: 白.黒。"]
    assert render_rows([], [["a", "b"]]) == ["a、b。"]


def test_a_row_line_reads_back_as_its_cells():
    line = render_rows(["項目", "ライト", "大人(高速船)", "時間"], [["月額料金", "3,000円", "駅前、徒歩5分", "10:00~18:00"]])[0]
    assert row_cells(line) == [("項目", "月額料金"), ("ライト", "3,000円"), ("大人(高速船)", "駅前、徒歩5分"),
                               ("時間", "10:00~18:00")]
    # a sentence, a row of one cell and a row without a header are no cells a question could name
    assert row_cells("料金は次のとおり: 大人1,320円です。") == []
    assert row_cells("区分: 子ども。") == [] and row_cells("a、b。") == []
    assert row_cells("注意、店舗名: 空港店、席数: 52席。") == []
    assert row_cells("店舗名: 空港店、席数: 52席。 次の文") == []


def test_markdown_table_becomes_one_line_a_row_and_the_rest_stays():
    text = "料金は次のとおり。\n\n| 区分 | 料金 |\n|---|---:|\n| 大人 | 1,320円 |\n| 子ども | 660円 |\n\n以上。"
    assert markdown_tables_to_text(text) == "料金は次のとおり。\n\n区分: 大人、料金: 1,320円。\n区分: 子ども、料金: 660円。\n\n以上。"
    assert markdown_tables_to_text("a | b は表ではない\n次の行") == "a | b は表ではない\n次の行"


def test_csv_with_commas_or_tabs():
    assert csv_to_text("店舗名,席数\n渋谷店,48\n\n梅田店,\"1,200\"\n") == "店舗名: 渋谷店、席数: 48席。\n店舗名: 梅田店、席数: 1,200席。"
    assert csv_to_text("月\t売上\n4月\t350\n") == "月: 4月、売上: 350。"
    assert csv_to_text("") == ""


def test_html_tables_with_a_header_row_or_a_header_column():
    grid = [[("項目", True), ("値", True)], [("重さ", False), ("1.2kg", False)]]
    assert html_table_to_text(grid) == "項目: 重さ、値: 1.2kg。"
    sheet = [[("重さ", True), ("1.2kg", False)], [("保証", True), ("1年", False)]]
    assert html_table_to_text(sheet) == "重さ: 1.2kg。\n保証: 1年。"
    assert html_table_to_text([[("重さ(kg)", True), ("1.2", False)]]) == "重さ(kg): 1.2kg。"
    plain = [[("月", False), ("人数", False)], [("4月", False), ("30", False)]]
    assert html_table_to_text(plain) == "月: 4月、人数: 30人。"


def test_html_page_table_is_read_row_by_row_between_its_paragraphs():
    page = ("<html><body><p>仕様です。</p><table><tr><th>項目</th><th>値</th></tr>"
            "<tr><td>重さ</td><td><p>1.2</p>kg</td></tr></table><p>以上。</p></body></html>")
    assert html_to_text(page).split("\n") == ["", "仕様です。", "項目: 重さ、値: 1.2kg。", "以上。", ""]


def test_loaded_table_rows_are_sentences_and_stay_whole_in_passages(tmp_path: Path):
    rows = "\n".join(f"支店{i},さくら川市{i}丁目,{i * 10}" for i in range(1, 30))
    (tmp_path / "支店一覧.csv").write_text(f"支店名,所在地,職員数\n{rows}\n", encoding="utf-8")
    doc = load_document(tmp_path / "支店一覧.csv")
    assert doc.title == "支店一覧"
    sentences = [doc.text[s:e] for s, e in split_sentences(doc.text)]
    assert sentences[0] == "支店名: 支店1、所在地: さくら川市1丁目、職員数: 10。" and len(sentences) == 29
    passages = Chunker(len, max_tokens=100, overlap_tokens=20).chunk(doc)
    assert len(passages) > 1
    for passage in passages:  # every passage starts and ends at a row's edge
        assert passage.text.startswith("支店名: ") and passage.text.endswith("。")


def test_product_page_table_survives_main_text_extraction(tmp_path: Path):
    page = ("<html><head><title>ケトル KT-1</title></head><body><nav>ホーム</nav><article><h1>ケトル KT-1</h1>"
            "<p>お湯を早く沸かせる電気ケトルです。毎日のコーヒーやお茶に向いています。</p>"
            "<table><tr><th>容量</th><td>1.0L</td></tr><tr><th>価格</th><td>5,980円</td></tr></table>"
            "<p>保証期間はお買い上げから1年です。</p></article><footer>会社概要</footer></body></html>")
    (tmp_path / "kt1.html").write_text(page, encoding="utf-8")
    sentences = load_document(tmp_path / "kt1.html").text.split("\n\n")
    assert "容量: 1.0L。" in sentences and "価格: 5,980円。" in sentences


def test_a_bare_figure_gets_the_unit_its_column_names():
    rows = render_rows(["店舗名", "席数", "売上(千円)", "価格(税込)", "定員"], [["空港店", "52", "24,310", "1,320", "40"]])
    assert rows == ["店舗名: 空港店、席数: 52席、売上(千円): 24,310千円、価格(税込): 1,320、定員: 40。"]
    assert render_rows(["店舗名", "席数"], [["本店", "なし"]]) == ["店舗名: 本店、席数: なし。"]


def test_cells_spanning_rows_or_columns_stand_at_their_columns():
    rows = [[("メニュー", True, 1, 1), ("サイズ", True, 1, 1), ("価格", True, 1, 1)],
            [("カフェラテ", False, 2, 1), ("R", False, 1, 1), ("520円", False, 1, 1)],
            [("L", False, 1, 1), ("610円", False, 1, 1)],
            [("セット割引", False, 1, 2), ("100円", False, 1, 1)]]
    assert html_table_to_text(spread_spans(rows)) == (
        "メニュー: カフェラテ、サイズ: R、価格: 520円。\nメニュー: カフェラテ、サイズ: L、価格: 610円。\n"
        "メニュー: セット割引、価格: 100円。")  # a data cell over two columns is one value


def test_a_cell_spanning_columns_names_no_column_twice():
    rows = [[("品名", True, 1, 1), ("価格", True, 1, 1)], [("ドリンク", True, 1, 2)],
            [("コーヒー", False, 1, 1), ("400円", False, 1, 1)]]
    assert html_table_to_text(spread_spans(rows)) == "品名: ドリンク。\n品名: コーヒー、価格: 400円。"


def test_an_html_page_with_spanning_cells_reads_row_by_row():
    from rag.load import html_to_text

    page = ("<table><tr><th>メニュー</th><th>サイズ</th><th>価格</th></tr><tr><td rowspan='2'>抹茶ラテ</td>"
            "<td>R</td><td>580円</td></tr><tr><td>L</td><td>640円</td></tr></table>")
    assert html_to_text(page).strip().split("\n") == ["メニュー: 抹茶ラテ、サイズ: R、価格: 580円。", "メニュー: 抹茶ラテ、サイズ: L、価格: 640円。"]
    # a span that is no number, or one far larger than any table, is read as 1 and as MAX_SPAN
    odd = ("<table><tr><th>a</th><th>b</th></tr><tr><td rowspan='x'>1</td><td rowspan='99999'>2</td></tr>"
           "<tr><td rowspan='²'>3</td></tr></table>")
    assert html_to_text(odd).strip().split("\n") == ["a: 1、b: 2。", "a: 3、b: 2。"]
