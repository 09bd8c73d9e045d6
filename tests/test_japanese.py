"""The rules of Japanese text in rag/japanese.py, pinned as tables, and what cite and answer_type make of them."""

import re

import pytest

from rag.answer_type import answer_span, expected_answer, of_another_kind
from rag.cite import asked_part, coverage, filled_part, residue
from rag.japanese import (
    ASKING_WORD,
    COPULA_END,
    COUNTERS,
    EDGE_PARTICLES,
    NOUN_END,
    Compared,
    asked_kinds,
    asked_office,
    asked_whose,
    asks_difference,
    changed_values,
    clause_around,
    clauses,
    clock_time,
    column_unit,
    compared_by,
    compared_pair,
    compared_value,
    countries_asked_of,
    countries_in,
    country_after,
    country_before,
    country_named,
    date_as_asked,
    date_as_written,
    date_in,
    dates_spelled,
    fold,
    fold_width,
    fold_width_with_offsets,
    gives_value,
    half_pair,
    holds_fiscal_year,
    label_before,
    listed_options,
    named_option,
    names_another,
    names_every_place,
    names_in,
    names_stated,
    numbers_in,
    office_holder,
    office_titling,
    one_clause,
    other_office,
    person_another,
    persons_named,
    said_once,
    spelled_as,
    squash,
    squash_with_offsets,
    stated_dates,
    times_as_written,
    unspaced,
    unvoiced,
    whole_figure,
    without_loose_marks,
    without_words,
    written_part,
)

# (question, an answer sentence, the words that answer it, whether the question asks for a kind of words)
ANSWERS = [
    ("東京タワーの高さは何メートル？", "東京タワーの高さは333メートルです。", "333メートル", True),
    ("支持率は何パーセント？", "支持率は50パーセントでした。", "50パーセント", True),
    ("1バレルは何ドルですか？", "1バレルは80.5ドルです。", "80.5ドル", True),
    ("距離は何キロ？", "距離は5キロだ。", "5キロ", True),
    ("支持率は何%？", "支持率は42%だった。", "42%", True),
    ("何種類以上の検索オプションがある？", "15種類以上の検索オプションがある。", "15種類", True),  # bound: with_bounds
    ("ヘリコバクター属は何種類ありますか？", "ヘリコバクター属は30種あります。", "30種", True),
    ("攻勢は訪問の何日前に始まりましたか？", "攻勢は訪問の6日前に始まりました。", "6日前", True),
    ("会議には何か国が参加しましたか？", "会議には20か国が参加しました。", "20か国", True),
    ("何カ国が参加した？", "20か国が参加した。", "20か国", True),
    ("戦闘は何ヶ月続いた？", "戦闘は3カ月続いた。", "3カ月", True),
    ("その話し合いは何時間続いた？", "その話し合いは5時間続いた。", "5時間", True),  # not 「時間続」
    ("和平案は何項目でしたか？", "和平案は19項目でした。", "19項目", True),
    ("会議には何人が参加した？", "会議には三百人が参加した。", "三百人", True),
    ("会談はいつ行われた？", "会談は12月7日に行われた。", "12月7日", True),
    ("いつ侵攻した？", "2022年2月24日に侵攻した。", "2022年2月24日", True),
    ("一行が到着したのは何月何日？", "一行は5月7日に到着した。", "5月7日", True),  # a date, not a count of days
    ("ナフサから作られるのは何製品？", "ナフサから作られる石油製品である。", "石油製品", False),
    ("開会のあいさつをしたのは誰？", "開会のあいさつをしたのは山田太郎外相です。", "山田太郎外相", False),
    ("首都はどこ？", "首都は北京です。", "北京", False),
]


@pytest.mark.parametrize("question, sentence, words, typed", ANSWERS)
def test_asked_part_keeps_the_words_that_answer(question, sentence, words, typed):
    assert asked_part(words, question) == words


@pytest.mark.parametrize("question, sentence, words, typed", ANSWERS)
def test_residue_is_the_words_that_answer(question, sentence, words, typed):
    assert residue(sentence, question) == words


@pytest.mark.parametrize("question, sentence, words, typed", ANSWERS)
def test_filled_part_is_the_words_that_answer(question, sentence, words, typed):
    assert filled_part(sentence, question) == words


# (question, a sentence that answers it with more than the answer, the words standing where the question asks, the
# longest piece the sentence adds): the rules of `filled_part`, in order
CLAUSES = [
    # 1. the first words of the asked kind; a phrase keeps what bounds them
    ("ピロリ菌が発見されたのはいつですか？", "ピロリ菌は1983年にオーストラリアの2人の医師により発見された。", "1983年",
     "1983年にオーストラリアの2人の医師"),
    ("除菌の対象は何歳からですか？", "除菌の対象は5歳以上です。", "5歳以上", "5歳以上"),
    # 2. the piece right before the words after the asking word (「分類」)
    ("IARCの一覧でピロリ菌はどこに分類されますか？", "IARCの一覧では長い議論の末、ピロリ菌はグループIに分類されている。",
     "グループI", "長い議論の末"),
    # ...but the end of a verb there is no name (「ある)」): rule 3 reads the piece after 「ピロリ菌」
    ("IARCの一覧で発がん性のあるピロリ菌はどこに分類されますか？", "IARCの一覧でピロリ菌はグループI(発がん性がある)に分類されている。",
     "グループI", "グループI("),
    # 3. the piece right after the words before the asking word (「効くもの」); of a clause, its first name
    ("耐性菌に効くものは何ですか？", "耐性菌に効くものはヨーグルトを併用し除菌率が上がったとの報告がある。", "ヨーグルト",
     "ヨーグルトを併用し除菌率が上がったとの報告がある"),
    ("1817年に日本で広まっていた救荒食は何ですか？",
     "1817年に日本で広まっていた救荒食はサツマイモをはじめとする救荒食の普及が各地で進んでいた事による。", "サツマイモ",
     "サツマイモをはじめとする"),
    ("ノストラダムスが医学を学んだのは何大学？", "ノストラダムスはモンペリエ大学で医学を学んだ。", "モンペリエ大学", "モンペリエ大学"),
    # 4. no asking word: the longest piece
    ("東京タワーの高さは？", "東京タワーの高さは333メートルです。", "333メートル", "333メートル"),
    # the words around the asked figure or date that belong to it, and only those
    ("ピロリ菌はいつ発見された？", "ピロリ菌は1983年に再び発見された。", "1983年", "1983年に再び"),
    ("芥川はいつ講師に就任したの？", "芥川は1925年ごろ講師に就任した。", "1925年ごろ", "1925年ごろ"),
    ("小惑星が落下したのはいつですか？", "小惑星が落下したのは紀元前3123年とされる。", "紀元前3123年",
     "紀元前3123年とされる"),
    ("自殺完遂率は何%に至るか。", "自殺完遂率は9-10%に至る。", "9-10%", "9-10%"),
    # a list of names stays whole; names joined by 「の」 stay together
    ("主な材料は何？", "主な材料は小麦粉、砂糖、卵、バターです。", "小麦粉、砂糖、卵、バター", "小麦粉、砂糖、卵、バター"),
    ("誰が発見した？", "ロビン・ウォレンとバリー・マーシャルが発見した。", "ロビン・ウォレンとバリー・マーシャル",
     "ロビン・ウォレンとバリー・マーシャル"),
    ("最初に月面を歩いたのは誰？", "最初に月面を歩いたのはアポロ11号の船長アームストロングだった。",
     "アポロ11号の船長アームストロング", "アポロ11号の船長アームストロング"),
    # kanji before a verb's hiragana ending are no name: 「ケンブリッジ」 before 「大学」, not 「彼はケンブリッジ」
    ("彼が学んだのはどこの大学ですか？", "彼はケンブリッジ大学で物理学を学んだ。", "ケンブリッジ", "彼はケンブリッジ"),
    ("その大会はどこで開かれる予定だった？", "その大会は2020年に東京で開かれる予定だったが延期された。", "東京",
     "2020年に東京"),
]


@pytest.mark.parametrize("question, sentence, filled, longest", CLAUSES)
def test_filled_part_reads_the_answer_out_of_a_clause(question, sentence, filled, longest):
    assert filled_part(sentence, question) == filled
    assert residue(sentence, question) == longest


@pytest.mark.parametrize("question, sentence, words, typed", ANSWERS)
def test_expected_answer_finds_the_words_that_answer(question, sentence, words, typed):
    wanted = expected_answer(question)
    assert (wanted is not None) == typed
    assert answer_span(sentence, wanted) == (words if typed else "")


@pytest.mark.parametrize("span, question, part", [
    ("3人目の受賞者", "彼は何人目の受賞者か？", "3人目"),  # the longest reading of the kind: 人目, not 人
    ("5時間後に", "停戦は何時間後に発効する？", "5時間後"),
    ("2006年4月30日", "何年4月30日投票の選挙で選ばれたのは？", "2006年"),  # what goes on from the kind is cut
    ("333メートルの高さ", "東京タワーは何メートルの高さ？", "333メートル"),
    ("天体暦の情報", "GPS衛星は何の情報を放送しているか？", "天体暦"),  # no kind after 何の
    ("真の同盟関係", "中国とのどのような関係の構築に前向きか？", "真の同盟関係"),  # どの + ような names no kind
    ("英語やロシア語", "強勢リズムは英語や何語に見られるか", "ロシア語"),
    ("北京", "中国の首都は北京です。", "北京"),  # no asking word: nothing to cut
])
def test_asked_part_cuts_what_goes_on_from_the_asking_word(span, question, part):
    assert asked_part(span, question) == part


@pytest.mark.parametrize("question", [
    "誰ですか？", "どこの国ですか？", "なぜですか？", "何と呼びましたか？", "何の情報を放送しているか？",
    "何カ所で起きた？",  # 「カ所」 is no known counter, and a lone カ is no unit word
    "東京タワーの高さは？",
])
def test_questions_that_ask_for_no_kind(question):
    assert expected_answer(question) is None


@pytest.mark.parametrize("question, kinds", [
    ("何メートル？", ["メートル"]),
    ("何キロメートル以内？", ["キロメートル以内"]),
    ("何か国？", ["か国"]),
    ("何人目？", ["人目", "人"]),
    ("何時間続いた？", ["時間続", "時間"]),
    ("何種類以上？", ["種類以上"]),
    ("何製品？", ["製品"]),
    ("何の情報？", []),
    ("誰？", []),
    ("それは何？彼は何人？", ["人"]),  # the first 何 that names a kind
])
def test_asked_kinds(question, kinds):
    assert asked_kinds(question) == kinds


def test_counters_are_longest_first():
    assert list(COUNTERS) == sorted(COUNTERS, key=len, reverse=True)
    assert COUNTERS.index("日前") < COUNTERS.index("日") and COUNTERS.index("年間") < COUNTERS.index("年")


@pytest.mark.parametrize("question, word", [
    ("東京タワーの高さは何メートル？", "何"), ("誰が開会のあいさつをした？", "誰"), ("それはいつ？", "いつ"),
    ("どこで開かれた？", "どこ"), ("どんな言葉で呼んだ？", "どんな"), ("どのような関係？", "どの"),
    ("いくつある？", "いくつ"), ("総工費はいくら？", "いくら"), ("なぜ反対した？", "なぜ"), ("なにがある？", "なに"),
    ("東京タワーの高さは333メートルだ。", None),
])
def test_asking_word(question, word):
    match = ASKING_WORD.search(question)
    assert (match[0] if match else None) == word


def test_coverage_leaves_asking_words_and_endings_out():
    # everything but the asking word and its ending is what is asked about
    assert coverage("誰が東京タワーを建てたのですか？", "東京タワーを建てた") == 1.0
    assert coverage("東京タワーの高さはいくらですか？", "東京タワーの高さ") == 1.0
    assert coverage("何ですか？", "なんでも") == 1.0  # nothing asked about: any sentence speaks about it


@pytest.mark.parametrize("text, squashed", [
    ("高さは ３３３メートル。", "高さは333メートル"),  # width folded, spaces and punctuation gone
    ("「ＡＢＣ」・(ｄｅｆ)", "abcdef"),
    ("ﾒｰﾄﾙ", "メートル"),  # half-width katakana
    ("…、。！？", ""),
])
def test_squash(text, squashed):
    assert squash(text) == squashed


def test_squash_keeps_the_offset_of_each_character():
    text = "高さは ３３３、メートル"
    squashed, offsets = squash_with_offsets(text)
    assert squashed == "高さは333メートル"
    assert [text[i] for i in offsets] == list("高さは３３３メートル")


@pytest.mark.parametrize("text, expected", [
    ("ＡＢＣ ｄｅｆ", "abc def"),
    ("ﾒｰﾄﾙ", "メートル"),
    ("㍍", "メートル"),
])
def test_fold(text, expected):
    assert fold(text) == expected


@pytest.mark.parametrize("text, expected", [
    ("東京 タワー\n高さ", "東京タワー高さ"),  # whitespace gone, punctuation kept: the form scores compare
    ("１２月７日、会談", "12月7日、会談"),
    ("ABC", "abc"),
])
def test_unspaced(text, expected):
    assert unspaced(text) == expected


@pytest.mark.parametrize("text, stripped", [
    ("333メートルです。", "333メートル"), ("人殺しだ", "人殺し"), ("42%だった。", "42%"), ("専守防衛である", "専守防衛"),
    ("東京タワーと呼ばれています。", "東京タワー"), ("増えました", "増え"), ("北京", "北京"),
])
def test_copula_end(text, stripped):
    assert COPULA_END.sub("", text) == stripped


@pytest.mark.parametrize("text, stripped", [
    ("の天体暦が", "天体暦"), ("からロシアまで", "ロシア"), ("、英語や", "英語"), ("ひとつ", "ひとつ"),
])
def test_edge_particles(text, stripped):
    assert EDGE_PARTICLES.sub("", text) == stripped


@pytest.mark.parametrize("span, noun", [
    ("333メートル", True), ("石油製品", True), ("人々", True), ("「古き良き友」", True), ("42%", True), ("H-6", True),
    ("増えた", False), ("専守防衛の", False),
])
def test_noun_end(span, noun):
    assert bool(NOUN_END.search(span)) == noun


@pytest.mark.parametrize("name, unit", [
    ("売上(千円)", "千円"), ("料金（円）", "円"), ("重さ(kg)", "kg"), ("面積（km2）", "km2"), ("席数", "席"),
    ("マシン台数", "台"), ("人数", "人"), ("価格(税込)", ""), ("定員", ""), ("利用者数", ""), ("店舗名", ""),
])
def test_a_column_name_gives_the_unit_of_its_figures(name, unit):
    assert column_unit(name) == unit


@pytest.mark.parametrize("question, names", [
    ("ハヤテフィットネスの西口店って平日は何時までやってる？", ["ハヤテフィットネス", "西口店"]),
    ("ミナモ勤怠のプレミアムプランの月額はいくらですか？", ["ミナモ", "プレミアムプラン"]),
    ("みずなぎ町の中地区は、燃やすごみの日は何曜日ですか？", ["みずなぎ町", "中地区"]),
    ("潮見港からうみねこ島までの運賃は？", ["潮見港", "うみねこ島"]),  # a hiragana place name after a particle
    ("潮見港からさくら島までは？", ["潮見港", "さくら島"]), ("つばき島からかもめ島まで", ["つばき島", "かもめ島"]),
    ("ここから島までは？", []), ("それら島の面積は？", []),  # ending as から or ら of a plural does
    ("こちら市役所の電話番号は？", []), ("どちら町ですか", []), ("いくら市場で", []),  # or as こちら, いくら
    ("いわき市の人口は？", ["いわき市"]), ("のとやま駅の隣は？", ["とやま駅"]),
    ("1つだけ村があります、村名は何ですか?", []), ("私立図書館として県から許可をもらった", []),  # endings, not names
    ("ゆっくり安らげるお店を何と言いますか?", []), ("この町の人口は？", []),
    ("SC-300の重さは？", ["SC-300"]),
    ("レギュラー会員の値上げ率は何パーセントくらい？", ["レギュラー"]),  # a unit after 何 names nothing
    ("吉田航路の運航がスタートしたのは何年ですか?", []),  # a katakana verb
    ("オティリーのニックネームは何ですか?", ["オティリー"]),  # the word asked for is not a name
    ("どの都市で生まれたの?", []),
    ("図書館の特別整理休館はいつまで？", []),  # 休館 is no name of a place
    ("放送対象地域は何府県？", []), ("国際労働条約何号で要求している", []),  # these ask for the name
    ("港町店の電話番号は？", ["港町店"]), ("地図記号は何を表す？", []), ("創刊号の特集は？", []),  # no names
    ("梅山号の乗客数は？", ["梅山号"]),
    ("沿岸警備隊が初めて南極海に入ったのはいつ？", ["南極海"]), ("利根川の長さは？", ["利根川"]),
    ("国防総省が発表したのは？", []), ("欧州の首脳は？", []),  # a ministry or a region is often named otherwise
    ("太平洋を渡ったのは？", ["太平洋"]),
    ("東シナ海で漁獲する方法は？", ["東シナ海"]),  # a sea's name around a short katakana word
    ("一旦レヒ川から分かれて、再び合流するのはノイバッハと何ですか?", ["ノイバッハ"]),  # one kanji before it only
    ("おおきな川の名前は？", []),  # no hiragana name before a river
    ("ミナモシステムズの「ミナモ経費」の月額料金は？", ["ミナモシステムズ", "ミナモ", "ミナモ経費"]),  # words quoted
    ("『老年』の作者は誰？", ["老年"]), ("「か」は何？", []),  # one letter quoted is no name
])
def test_names_a_question_gives(question, names):
    assert names_in(question) == names


@pytest.mark.parametrize("question, dates", [
    ("ミナモ勤怠って2025年3月の時点では何社くらい？", ["2025年3月"]),
    ("12月2日に王毅外相が会ったのは誰？", ["12月2日"]),
    ("２０２６年０４月１日から何が変わる？", ["2026年4月1日"]),  # widths folded, leading zeros dropped
    ("2026年1月から3月までの乗船者数は？", ["2026年1月"]),  # a month alone pins too little
    ("1994年のリーグ公式戦は？", ["1994年"]), ("2020年通年の貿易額は？", ["2020年"]),  # a year of four digits
    # a year ending a range or setting a point in time is read from the years around it
    ("1721年から1722年にかけて何が流行した？", ["1721年"]), ("1721年から翌1722年は？", ["1721年"]),
    ("1722年にかけて何が流行した？", []), ("1986年まで何があった？", []), ("2019年～2020年の売上は？", ["2019年"]),
    ("1865年の時点で誰が統治していた？", []), ("1865年時点の首相は？", []),
    ("平成2年の出来事は？", ["1990年"]),  # an era's year as the calendar's
    ("2020年代の人口は？", []), ("1000年間で何が変わった？", []),
    ("4月からの営業時間は？", []), ("7日に何があった？", []),
    ("平成24年1月27日時点の首相は誰？", ["2012年1月27日"]),  # an era's year as the calendar's
    ("西暦2025年3月の売上は？", ["2025年3月"]),
    ("昨年12月7日の会談は？", ["12月7日"]),  # the year is relative: the month and day are stated
    ("何年何月に完成した？", []),
    ("令和9年度の時給はいくら？", ["2027年度"]), ("2025年度の売上は？", ["2025年度"]),  # a fiscal year
    ("26年度の予算は？", []), ("R9年度の予算は？", []),  # of two digits: from an era not named
])
def test_dates_a_question_states(question, dates):
    assert stated_dates(question) == dates


@pytest.mark.parametrize("date, question, written", [
    ("2027年度", "令和9年度の時給はいくら？", "令和9年度"),
    ("2019年5月", "令和元年5月に何があった？", "令和元年5月"),
    ("2025年3月", "2025年3月の時点では？", "2025年3月"),
    ("2025年3月", "３月の売上は？", "2025年3月"),  # not written in the question: as it is
])
def test_a_date_as_the_question_writes_it(date, question, written):
    assert date_as_written(date, question) == written


@pytest.mark.parametrize("value, name, question, given", [
    ("L", "サイズ", "抹茶ラテのLサイズは？", True), ("L", "サイズ", "サイズLはいくら？", True),
    ("L", "サイズ", "LEDサイズは？", False),  # letters stand apart from letters
    ("L", "サイズ", "Lとサイズ", False),  # away from the column's name: not given for it
    ("港町店", "", "港町店の席数は？", True),  # the first cell names the row wherever the question says it
    ("ＬＬ", "サイズ", "LLサイズは？", True),  # widths folded
    ("あり", "", "駐車場はありますか？", False), ("不要", "", "予約不要ですか？", False),  # words of the question's own
    ("有", "", "有料ですか？", False),  # one character in another script than letters and digits
    ("会員", "", "非会員の料金は？", False), ("会員", "", "会員以外の料金は？", False),  # inside a longer word
    ("一般", "", "一般的にいくら？", False), ("一般", "", "一般の料金は？", True),
])
def test_a_question_gives_a_cell_value(value, name, question, given):
    assert gives_value(value, name, question) == given


@pytest.mark.parametrize("date, text, held", [
    ("2026年度", "2026年度の予算", True), ("2003年度", "2003年、…同年度の蔵書数", True),
    ("2026年度", "2027年3月の売上", True), ("2026年度", "2026年3月の売上", False),
    ("2027年度", "2026年4月1日から2027年3月31日まで", False),
])
def test_a_text_holds_a_fiscal_year(date, text, held):
    assert holds_fiscal_year(date, dates_spelled(text)) == held


@pytest.mark.parametrize("span, bracket, half", [
    ("梅山」号", "「", True), ("「梅山」号", "「", False), ("「梅山", "」", True), ("梅山号", "「", False),
    ("(税込", ")", True),
])
def test_a_span_holding_half_a_bracket_pair(span, bracket, half):
    assert half_pair(span, bracket) == half


@pytest.mark.parametrize("text, kept", [
    ("「公式Webサイト", "公式Webサイト"), ("ノルドストリーム2)", "ノルドストリーム2"), ("、1837年", "1837年"),
    ("(6月6日~8日", "6月6日~8日"), ("人種差別主義者」", "人種差別主義者"), ("「人」、「", "「人」"),
    ("『論語』", "『論語』"), ("タイ＋１（プラスワン）", "タイ＋１（プラスワン）"), ("「梅山」号", "「梅山」号"),
    ("-32°C", "-32°C"), ("「-」", "「-」"), ("」「", ""), ("", ""),
    ("タイ＋１（プラスワン)", "タイ＋１（プラスワン)"),  # a pair in two widths
])
def test_an_answer_without_what_a_cut_left_at_its_edges(text, kept):
    assert without_loose_marks(text) == kept


@pytest.mark.parametrize("text, spelled", [
    ("2026-03-10", "2026年3月10日"), ("2026/3/1に", "2026年3月1日に"), ("2025年04月", "2025年4月"),
    ("1952年(昭和27年)4月", "1952年4月"), ("7日(月)に", "7日に"), ("1.5倍", "1.5倍"), ("03-1234-5678", "03-1234-5678"),
    ("令和7年3月31日まで", "2025年3月31日まで"), ("令和元年5月", "2019年5月"),
    ("本日(3月10日)より", "本日(3月10日)より"),  # a date in brackets is no aside
    ("2026.4.1", "2026年4月1日"), ("標高3776.24m", "標高3776.24m"), ("1234.5円", "1234.5円"),  # decimals
])
def test_dates_are_spelled_as_questions_spell_them(text, spelled):
    assert dates_spelled(text) == spelled


@pytest.mark.parametrize("text, figure, label", [
    ("主力フェリーは旅客定員350名で", "350名", "旅客定員"), ("(旅客定員320名)", "320名", "旅客定員"),
    ("旅客定員: 350名。", "350名", "旅客定員"), ("申込期間は4月15日から5月15日まで", "5月15日", ""),
    ("重さは50キログラム", "50キログラム", ""),
])
def test_the_word_naming_a_figure(text, figure, label):
    assert label_before(text, text.index(figure)) == label


@pytest.mark.parametrize("question, sentence, words", [
    ("ケベックでは何cmの雪が積もりましたか？", "ケベックでは30cmの雪が積もった。", "30cm"),
    ("ニューヨークでは何°Cまで下がった？", "ニューヨークでは-32°Cまで下がった。", "-32°C"),
    ("容量は何GB？", "容量は128GBです。", "128GB"),
])
def test_a_unit_in_latin_letters_is_counted_whole(question, sentence, words):
    assert filled_part(sentence, question) == words
    assert answer_span(sentence, expected_answer(question)) == words.lstrip("-")


@pytest.mark.parametrize("question, kind", [
    ("このイベントにはいつも何人くらい集まりますか？", "人"),  # いつも is no いつ: the count is asked
    ("一行が到着したのは何月何日？", "date"),
    ("彼女が出演したのは何CMですか？", None),  # Latin letters after 何 that are no unit symbol
])
def test_what_kind_a_question_asks_for(question, kind):
    wanted = expected_answer(question)
    if kind is None:
        assert wanted is None
    elif kind == "date":
        assert answer_span("5月7日に着いた", wanted) == "5月7日"
    else:
        assert answer_span(f"300{kind}が集まる", wanted) == f"300{kind}"


@pytest.mark.parametrize("span, question", [("3M", "どこの会社が開発した？"), ("5G", "どこの規格？"), ("2PM", "誰が歌った？")])
def test_a_name_with_digits_is_not_a_figure(span, question):
    assert not of_another_kind(span, question)


@pytest.mark.parametrize("answer, question, option", [
    ("洞穴です。", "入ってくる光量が少ないのは洞穴と深海のどっちか?", "洞穴"),
    ("深海の方です。", "入ってくる光量が少ないのは洞穴と深海のどっちか?", "深海"),
    ("村", "豊田市に編入合併した数が多かったのは町と村のどちらですか?", "村"),
    ("巨瀬川の堤防", "筑後川堤防、巨瀬川の堤防で時間的に後に破壊されたのはどれ?", "巨瀬川の堤防"),
    ("1951年です。", "蔵書数が多かったのは1950年と1951年のどちらですか?", "1951年"),
    ("ロシアまたはウクライナ", "どちらに近い立場ですか？", ""),
    ("光量です。", "入ってくる光量が少ないのは洞穴と深海のどっちか?", ""),  # no option: the question's topic
    ("1950年と1951年の両方です。", "蔵書数が多かったのは1950年と1951年のどちらですか?", ""),
    ("尾部です。", "機体のどちらに損傷があったか?", ""),  # 「どちら」 without options asks for a place
    ("町です。", "町と村ではどれくらい差があった?", ""),  # 「どれくらい」 asks for an amount
    # a sentence naming one option names it; naming both, neither
    ("ラカタ島は1883年の噴火が先です。", "ラカタ島とピナトゥボ山はどちらが先に噴火しましたか?", "ラカタ島"),
    ("ラカタ島とピナトゥボ山は同じ年です。", "ラカタ島とピナトゥボ山はどちらが先に噴火しましたか?", ""),
    ("深海では光量が少ない。", "入ってくる光量が少ないのは洞穴と深海のどっちか?", "深海"),
    # the options' brackets do not count
    ("老年", "『羅生門』と『老年』と、どっちの方が先に発表されたの?", "老年"),
    ("『老年』の方が先に発表された。", "『羅生門』と『老年』と、どっちの方が先に発表されたの?", "『老年』"),
])
def test_the_option_a_choice_question_lists_that_an_answer_names(answer, question, option):
    assert named_option(answer, question) == option


@pytest.mark.parametrize("question, options", [
    ("スフリエール山と諏訪之瀬島はどちらが先に噴火しましたか?", ["スフリエール山", "諏訪之瀬島"]),
    ("アウ火山、諏訪之瀬島、マヨン山の中で真っ先に噴火したのはどれですか?", ["アウ火山", "諏訪之瀬島", "マヨン山"]),
    ("『羅生門』と『老年』と、どっちの方が先に発表されたの?", ["羅生門", "老年"]),  # without their brackets
    ("ＳＣ－３００とSC-500はどちらが安いですか？", ["SC-300", "SC-500"]),  # width folded
    ("電気機関車と蒸気機関車を比べると、どっちの方が速い?", ["電気機関車", "蒸気機関車"]),
    ("ベスパと「タクト」では、価格はどちらが高いですか?", ["ベスパ", "タクト"]),
    ("乗員数の中で人数が少ないのは士官と水兵のどちら?", ["士官", "水兵"]),  # the words before the choice word
    # joiners that differ: a 「、」 may end a clause, and which words are options is unknown
    ("2019年、A社とB社ではどちらの売上が多かった?", []),
    ("2019年と2020年、A社はどちらの売上が多かった?", []),
    ("2019年、A社、B社、C社のうち最も多いのはどれ?", []),  # a date among names
    ("東京、大阪、名古屋の中で人口が最も多いのは?", []),  # no choice word
    ("調査では、入院していた患者の率はうつ病とBPDとどちらの方が高い", []),  # 「うつ病」 is no word run
    ("東京の面積と大阪の面積はどちらが広いですか?", []),  # described words
    ("ソ連崩壊とバルト三国の独立のうち、先に起きたのは?", []),
    ("AとBはどちらが先?", []),  # single letters
    ("機体のどちらに損傷があったか?", []),  # no options listed
    ("町と村ではどれくらい差があった?", []),  # 「どれくらい」 asks for an amount
])
def test_the_options_a_choice_question_lists(question, options):
    assert listed_options(question) == options


@pytest.mark.parametrize("question, order", [
    ("スフリエール山と諏訪之瀬島はどちらが先に噴火しましたか?", ("date", -1)),
    ("アウ火山とマヨン山はどちらが後で噴火しましたか?", ("date", 1)),
    ("『羅生門』と『老年』と、より早い時期に書かれたのはどっち?", ("date", -1)),
    ("SC-300とSC-500はどちらが安いですか？", ("amount", -1)),
    ("1980年の販売台数がより多かったのは、ヤマハ発動機とホンダのどちら?", ("amount", 1)),
    ("年平均気温が低いのはボストーク基地と南極点のどちらですか?", ("amount", -1)),
    ("電気機関車と蒸気機関車ではどちらが速い?", None),  # said of a speed and of a time alike
    ("A社とB社ではどちらの売上が多く、その差は何円?", None),  # asks for something else too
    ("独立の後に首都となったのは北市と南市のどちら?", None),  # 「の後に」 is no comparison
    ("SC-300とSC-500はどちらが高くないですか？", None),  # negated
    ("寝覚発電所、須原発電所、桃山発電所の中で2番目に早く竣工したのはどれ?", None),  # an ordinal
    ("先に発売されて売上が多いのは甲社と乙社のどちら?", None),  # two kinds at once
    ("洞穴と深海のどっちが好き?", None),  # compared by nothing code reads
    ("先に噴火した山はどれ?", None),  # no options listed
])
def test_what_a_choice_question_compares_its_options_by(question, order):
    assert compared_by(question) == order


def test_a_clause_ends_at_a_comma_outside_brackets_and_figures():
    assert clauses("ボストンは1868年にロックスベリー、1879年にドーチェスター(現在の、A地区)を併合、人口は2,500人") == [
        "ボストンは1868年にロックスベリー", "1879年にドーチェスター(現在の、A地区)を併合", "人口は2,500人"]


@pytest.mark.parametrize("clause, kind, value", [
    ("1812年にアウ火山が噴火した", "date", Compared((1812, 0, 0), "年", "1812年")),
    ("1920年(大正9年)1月大正土地株式会社を合併", "date", Compared((1920, 0, 0), "年", "1920年")),  # era aside
    ("紀元前356年に生まれた", "date", Compared((-356, 0, 0), "年", "紀元前356年")),
    ("昭和30年に開館", "date", None),  # an era's year alone
    ("1848年から1852年まで", "date", None),  # two dates
    ("1811〜1815年に噴火", "date", None),  # the end of a range
    ("A寺は1200年の歴史を持つ", "date", None),  # lengths of time
    ("創建から1200年続く古刹", "date", None),
    ("300年以上続く", "date", None),
    ("1810年代に流行", "date", None),
    ("3月3日に出発", "date", None),  # no year
    ("ボストーク基地では−55.3°C", "amount", Compared((-55.3,), "°C", "−55.3°C")),
    ("氷点下55.3℃を記録", "amount", Compared((-55.3,), "°C", "氷点下55.3°C")),
    ("最低気温はマイナス約5℃", "amount", Compared((-5.0,), "°C", "マイナス約5°C")),
    ("30分以内に届く", "amount", None),
    ("価格は12,800円(税込)", "amount", Compared((12800.0,), "円", "12,800円")),
    ("オスで1.5-4.9平方キロメートル", "amount", None),  # a range
    ("国内150万台、輸出220万台", "amount", None),  # two figures
    ("前モデルより3,000円高い", "amount", None),  # a difference
    ("5,000円分のポイント", "amount", None),  # a part
    ("社員は1,000人以上", "amount", None),  # a bound
    ("人口は増えた", "amount", None),
])
def test_the_one_figure_a_clause_states_for_a_comparison(clause, kind, value):
    assert compared_value(clause, kind) == value


@pytest.mark.parametrize("a, b, smaller", [
    (Compared((1812, 0, 0), "年", ""), Compared((1813, 0, 0), "年", ""), True),
    (Compared((1813, 5, 0), "年", ""), Compared((1813, 4, 30), "年", ""), False),
    (Compared((1812, 0, 0), "年", ""), Compared((1812, 5, 0), "年", ""), None),  # the year alone does not tell
    (Compared((1812, 5, 0), "年", ""), Compared((1812, 5, 0), "年", ""), None),  # a tie
    (Compared((-55.3,), "°C", ""), Compared((-49.5,), "°C", ""), True),
    (Compared((0.0,), "円", ""), Compared((5.0,), "円", ""), True),  # zero is a value, not a missing part
])
def test_which_of_two_compared_values_is_the_smaller(a, b, smaller):
    assert a.precedes(b) is smaller


def test_words_taken_out_of_a_text_in_any_width_and_case():
    assert without_words("ＳＣ－３００の価格は12,800円", "sc-300") == " の価格は12,800円"
    assert without_words("『老年』は1915年", "『老年』") == "『 』は1915年"


@pytest.mark.parametrize("text, names", [
    ("作者はジェフ・スミス・ジュニアです。", ["ジェフ", "スミス", "ジュニア"]),
    ("SC-300は西口店で買えます。", ["SC-300"]),  # a kanji word ending as a place name may be a common word
    ("関連都市の項目につけられるラベルです。", ["ラベル"]),
    ("重さは5kgです。", []),  # a figure, checked as a number
    ("延床面積は1,200m2、費用は3万ユーロです。", []),  # units after a figure
    ("対応機種はSC-300,SC-900です。", ["SC-300", "SC-900"]),
    ("メニューを確認してください。", ["メニュー"]),
    ("会談は北京で開かれた。", []),
])
def test_the_names_a_text_states(text, names):
    assert names_stated(text) == names


@pytest.mark.parametrize(("text", "written", "spelled"), [
    ("习氏はプーチン氏を「古き良き友」と呼んだ。", "習氏はプーチン氏を呼んだ", "習氏はプーチン氏を「古き良き友」と呼んだ。"),
    ("韩国(大韓帝国)", "韓国(大韓帝国)に併合", "韓国(大韓帝国)"),
    ("长嶋茂雄", "監督の長嶋茂雄", "長嶋茂雄"),
    ("脏器の粘液層", "臓器の粘液層に", "臓器の粘液層"),  # read with its phrase: 臓, not 髒
    ("强権的体制", "強権的体制の維持", "強権的体制"),
    ("芥川龍之介", "芥川龍之介の作品", "芥川龍之介"),  # written 龍: stays, though t2jp writes 竜
    ("月額料金は据え置き", "全プランとも据え置き", "月額料金は据え置き"),  # 据 is Japanese too
    ("夢が叶う", "言葉で伝える", "夢が叶う"),  # 叶 is Japanese, though OpenCC writes it 葉
    ("机の上に置いた", "機械を置いた", "机の上に置いた"),
    ("长嶋茂雄", "監督の中嶋", "长嶋茂雄"),  # the passages never write 長: nothing to spell it as
    ("東京タワー", "", "東京タワー"),
])
def test_chinese_forms_of_kanji_are_spelled_as_the_passages_spell_them(text, written, spelled):
    assert spelled_as(text, written) == spelled


@pytest.mark.parametrize(("text", "changes"), [
    ("潮見港発の始発便を午前7時10分から午前6時40分に繰り上げます。", [("午前7時10分", "午前6時40分")]),
    ("コーヒーチケットは、4,200円から4,600円に改定いたします。", [("4,200円", "4,600円")]),
    ("料金を１，２００円から１，５００円に値上げします。", [("１，２００円", "１，５００円")]),  # as written
    ("2026年4月1日より開館時刻を午前6時から午前7時に変更します。", [("午前6時", "午前7時")]),  # no particle in a value
    ("1月から3月にかけて工事を行います。", []),  # a span of time
    ("警戒レベルを1から3に引き上げました。", []),  # bare numbers: no unit to tell them from others
    ("受付を2024年4月から5月に延長します。", []),  # a date and a month are not one unit
    ("7月1日から午前9時～午後8時に変更します。", []),  # a date, then a range: no change of one value
    ("運賃を10ﾄﾞﾙから12ﾄﾞﾙに変更します。", [("10ﾄﾞﾙ", "12ﾄﾞﾙ")]),  # half-width katakana with voicing marks
    ("営業時間は10時から20時までです。", []),  # a range, no change
    ("北京から「中心議題はウクライナ危機になる」と伝えた。", []),
])
def test_values_changed_to_others_are_read_old_then_new(text, changes):
    assert changed_values(text) == changes


@pytest.mark.parametrize("text", ["原油は10ｶﾞﾛﾝ", "1925年こ\u3099ろ", "高さ333㍍", "①と②", "ＡＢＣ１２３", "東京タワー"])
def test_folded_words_are_shown_as_the_text_writes_them(text):
    folded, spans = fold_width_with_offsets(text)
    assert folded == fold_width(text)  # a letter and its voicing mark fold together, as NFKC folds them
    for start in range(len(folded)):
        for end in range(start + 1, len(folded) + 1):
            assert fold_width(written_part(text, spans, start, end)).find(folded[start:end]) >= 0


@pytest.mark.parametrize(("text", "written", "said"), [
    ("村田村田です。", "捕手の村田が救った。", "村田です。"),
    ("セザールセザール", "息子セザールが見つけた。", "セザール"),
    ("BPDBPDの患者", "BPDの患者の自殺企図率", "BPDの患者"),
    ("村田村田村田です。", "捕手の村田が救った。", "村田です。"),
    ("ワンワンと鳴いた。", "犬がワンワンと鳴いた。", "ワンワンと鳴いた。"),  # the passage doubles it too
    ("村田村田です。", "捕手の田中が救った。", "村田村田です。"),  # nothing written to say it as
    ("ほどほどに", "ほどに", "ほどほどに"),  # hiragana doubles are words (ほどほど, まだまだ)
    ("キラキラ光る", "キラと光る", "キラキラ光る"),  # two katakana doubled are a word
    ("東京都京都", "東京都と京都", "東京都京都"),  # 「京都京都」 inside a longer kanji run is no stutter
    ("Honolulu", "Honolu", "Honolulu"),  # nor 「lulu」 inside a longer word
])
def test_a_word_the_model_wrote_twice_is_said_once_as_the_passages_write_it(text, written, said):
    assert said_once(text, squash(written)) == said


@pytest.mark.parametrize(("time", "value"), [
    ("午前7時", (7, 0)), ("7時", (7, 0)), ("7:00", (7, 0)), ("０７：３０", (7, 30)), ("午後11時", (23, 0)),
    ("23:00", (23, 0)), ("午後5時半", (17, 30)), ("午前6時40分", (6, 40)), ("午前0時", (0, 0)), ("24:00", (24, 0)),
    ("午後12時", None), ("午前12時", None),  # noon to some, midnight to others
    ("24:30", None), ("25:00", None), ("7時61分", None), ("10時間", None), ("7月", None),
])
def test_clock_time_reads_a_time_of_day_on_the_24_hour_clock(time, value):
    assert clock_time(time) == value


CITED = ["北浜店は、平日の開館時刻を午前6時から午前7時に変更します。", "閉館時刻(午後10時)は変わりません。"]


@pytest.mark.parametrize(("text", "sources", "written"), [
    ("7:00です。", CITED, "午前7時です。"),
    ("7:00時です。", CITED, "午前7時です。"),  # the 時 the model added to a 24-hour time goes with it
    ("７：００です。", CITED, "午前7時です。"),
    ("7:00～22:00", CITED, "午前7時～午後10時"),
    ("午前7時です。", CITED, "午前7時です。"),  # spelled as the sources do: as it is
    ("19:00です。", CITED, "19:00です。"),  # a time the sources do not state
    ("7時です。", ["開館は7:00です。"], "7:00です。"),
    ("19時です。", ["開館は午前7時です。"], "19時です。"),  # 19 is not 7 in the morning
    ("7:00です。", [], "7:00です。"),
    ("10時間です。", ["10:00開始"], "10時間です。"),  # a length of time is no time of day
    ("午後7:00に閉館", ["午前7時に開館し、午後7時に閉館します。"], "午後7時に閉館"),  # its 午後 says the hour
    ("7:00 PMに閉館", ["午前7時に開館し、午後7時に閉館します。"], "午後7時に閉館"),
    ("夜7時に閉館", ["午前7時に開館し、午後7時に閉館します。"], "夜7時に閉館"),  # 夜 leaves the hour unknown
    ("7:00です。", ["閉館は夜7時です。"], "7:00です。"),
    ("7:00です。", ["朝7時に開門します。"], "朝7時です。"),  # 朝 says what the bare hour does
    ("7時です。", ["開館は7:00 pmです。"], "7時です。"),  # 7 pm is not 7 o'clock
    ("12:00です。", ["受付は午後12時まで"], "12:00です。"),  # 午後12時 is no one hour
])
def test_times_of_day_are_written_as_the_sources_write_them(text, sources, written):
    assert times_as_written(text, sources) == written


# (text, figure, whether the text states the figure whole)
WHOLE_FIGURES = [
    ("料金は300円です", "300", True),
    ("料金は1,300円です", "300", False),  # the end of a longer figure
    ("3000円", "300", False),  # the start of one
    ("12:30に開始", "30", False),  # the minutes of a time
    ("A3サイズ", "3", False),  # a model number
    ("百二十人", "二十", False),  # a longer kanji figure
    ("約25%", "25", True),
    ("(7日)", "7", True),
    ("約3.5%", "3", False),  # the whole part of a decimal
    ("１１，２００円", "１１", False),  # full width, as a model may write it
    ("午前7時10分", "午前7時", False),  # a time of day with its minutes
]


@pytest.mark.parametrize(("text", "figure", "whole"), WHOLE_FIGURES)
def test_whole_figure(text, figure, whole):
    assert (re.search(whole_figure(figure), text) is not None) is whole


@pytest.mark.parametrize(("text", "numbers"), [
    ("料金は2,500円", ["2500"]),  # a thousands comma joins the figure
    ("１１，２００円", ["11200"]),  # in full width too
    ("12:30に開始", ["12", "30"]),  # each part of a time stands on its own
    ("09:00から", ["9", "0"]),  # without leading zeros: 「9時」 states the same hour
    ("約3.5%", ["3.5"]),  # a decimal is one number
    ("0.05%", ["0.05"]),
    ("年1.50%", ["1.5"]),  # without the zeros a decimal ends with
    ("Ver.2.5", ["2.5"]),
    ("2026/4/1", ["2026", "4", "1"]),
    ("2026.4.1", ["2026", "4", "1"]),  # two points make no decimal
    ("①9時~12時", ["1", "9", "12"]),  # an enclosed number stands apart from the digits after it
    ("1,2,3番", ["1", "2", "3"]),  # a comma before fewer than three digits lists numbers
    ("百二十人", []),  # kanji numerals are words here
])
def test_numbers_in(text, numbers):
    assert numbers_in(text) == numbers


@pytest.mark.parametrize(("date", "text", "stated"), [
    ("4月1日", "2026年4月1日から", True),
    ("1月5日", "11月5日まで", False),  # inside a longer date
    ("4月", "4月1日から", True),
    ("4月1日", "施行日:2026/4/1", True),  # in figures and marks
    ("4月1日", "令和8年04月01日", True),
    ("2026年4月1日", "令和8年4月1日", True),  # an era's year
    ("令和8年4月1日", "施行日は2026年4月1日", True),
    ("2026年4月1日", "2026年は、4月1日から", True),  # the year stated apart
    ("2026年4月1日", "2025年は、4月1日から", False),
    ("2026年4月1日", "2026年は、4月10日から", False),
    ("2026年3月31日", "2026年度の受付は、3月31日まで", False),  # the March of fiscal 2026 is in 2027
    ("2026年4月1日", "2026年度の改定は、4月1日から", True),
    ("2026年4月15日", "期間：2026年3月1日～4月15日", True),  # the year of the range's first date
    ("2026年5月6日", "2026年4月1日から5月6日まで", True),
    ("2026年4月1日", "2025年4月1日に開始し、2026年3月31日に終了", False),  # the year of another date
    ("6月17日", "5月17日に", False),
])
def test_date_in(date, text, stated):
    assert date_in(date, dates_spelled(text)) is stated


# (a short answer, the question, the part of it the question asks for)
DATES_AS_ASKED = [
    ("1932年5月30日", "パーペンが首相に推薦されたのは、何年のことですか", "1932年"),
    ("１９５５年７月１７日", "正式オープンは何年ですか", "１９５５年"),  # as the passage writes it
    ("1921年3月3日", "ヨーロッパ訪問は何月何日からでしたか", "3月3日"),
    ("1921年3月3日", "何年何月何日に出発しましたか", "1921年3月3日"),  # asked for all of it
    ("1921年3月3日", "出発はいつですか", "1921年3月3日"),  # asked for no part
    ("1921年3月", "何年前のことですか", "1921年3月"),  # 何年前 counts years
    ("1921年", "何月何日でしたか", "1921年"),  # no part to take
    ("1932年5月30日", "何年前後のことですか", "1932年"),  # about a year
    ("1932年5月30日", "何年かけて完成しましたか", "1932年5月30日"),  # a length of time
    ("⑲32年5月30日", "何年ですか", "⑲32年"),  # a character folded into two
    ("1941年12月8日", "太平洋戦争の開戦の年はいつですか", "1941年"),
    ("1901年12月5日", "ウォルト・ディズニーが生まれた月はいつですか", "12月"),
    ("7月17日", "正式オープンは1955年の何月ですか", "7月"),
    ("1921年3月", "何年何月に出発しましたか", "1921年3月"),  # asked for both
    ("3月3日", "何年のことですか", "3月3日"),  # no year to take
    ("1921年3月3日", "3か月はいつまででしたか", "1921年3月3日"),  # a count of months, not one asked for
    ("1921年3月3日", "何か月後でしたか", "1921年3月3日"),
    ("2021年2月12日", "旧正月はいつですか", "2021年2月12日"),  # a day, not a month
    ("2021年1月1日", "新年はいつ始まる？", "2021年1月1日"),  # a word of its own ending in 年
    ("1936年", "刊行年はいつですか", "1936年"),
    ("1936年5月", "刊行年はいつですか", "1936年"),
]


@pytest.mark.parametrize(("span", "question", "part"), DATES_AS_ASKED)
def test_date_as_asked(span, question, part):
    assert date_as_asked(span, question) == part


@pytest.mark.parametrize("name, text, named", [
    ("アメリカ", "米国の特使", True),
    ("アメリカ", "米露首脳会談", True),
    ("アメリカ", "訪米した", True),
    ("アメリカ", "米軍の基地", True),
    ("ロシア", "米ロ首脳会談", True),
    ("ロシア", "露外相と会談", True),
    ("ロシア", "対露制裁", True),
    ("ドイツ", "英仏独伊の首脳", True),
    ("ロシア", "新製品を披露した", False),
    ("イギリス", "英語で話した", False),
    ("カナダ", "会議に参加した", False),
    ("ドイツ", "独自の政策", False),
    ("フランス", "仏教の寺", False),
    ("ウクライナ", "ウ首相", False),  # no letter of its own
    ("アメリカ", "中露の協力", False),
    ("アメリカ", "日米関係", True), ("ロシア", "ロ外相", True),
    ("カナダ", "参加国の数", False), ("インド", "収入印紙", False), ("オーストラリア", "強豪国", False),
    ("ロシア", "テロ国家", False), ("ロシア", "披露日", False), ("イギリス", "毎日英語を学ぶ", False),  # no word's start
    ("アメリカ", "在日米軍の基地", True), ("アメリカ", "日中米の首脳", True), ("アメリカ", "在米日本大使館", True),
    ("イギリス", "現在英語を学ぶ", False), ("インド", "印紙税", False),
])
def test_a_country_is_named_by_its_letter_beside_another_or_a_word_news_joins_it_to(name, text, named):
    assert country_named(name, text) is named


@pytest.mark.parametrize("text, plain", [
    ("ペンダゴン", "ヘンタコン"), ("バッグ", "ハック"), ("ぱぴぷ", "はひふ"), ("東京タワー", "東京タワー"), ("café", "café"),
])
def test_voicing_marks_are_left_out(text, plain):
    assert unvoiced(text) == plain


@pytest.mark.parametrize("question, asked", [
    ("レギュラー会員の月会費は今回いくら値上がりするんですか？", True),
    ("4月の改定で何円高くなりますか？", True),
    ("参加者は前年より何人増えた？", True),
    ("SC-500はSC-300より何円安い？", True),
    ("月会費は4月からいくらに値上げされますか？", False), ("参加者は何人に増えましたか？", False),  # the value after
    ("何歳以上が対象ですか？", False), ("何円上がる？", True),  # 以上が is a bound, not a rise
    ("何%高くなる？", False),  # a rate of change
    ("値上げ率は？", False),
    ("月会費はいくらですか？", False),
    ("どちらが安い？", False),
])
def test_a_question_asking_by_how_much_a_figure_differs(question, asked):
    assert asks_difference(question) is asked


@pytest.mark.parametrize("text, unit, pair", [
    ("会員種別: レギュラー会員、現行: 8,580円、改定後: 9,350円。", "円", (8580.0, 9350.0)),
    ("月会費を8,580円から9,350円に改定します。", "円", (8580.0, 9350.0)),
    ("大人1,870円、小人940円。", "円", None),  # two prices side by side are no change
    ("改定後の料金は、大人1,000円、高校生以下500円です。", "円", None),  # before and after not between them
    ("昨年は2万人、今年は3万人だった。", "人", (20000.0, 30000.0)),
    ("入場料を現行から300円引き上げ、800円とします。", "円", None),
    ("料金は現行から300円も値上がりし、800円になる。", "円", None),  # one of them is the difference
    ("差額は300円で、改定後は800円。", "円", None),
    ("参加者は350人で、前年より50人多かった。", "人", None),
    ("770円の値上げで、改定後は9,350円になります。", "円", None),
    ("現行: 5,500円、改定後: 5,500円。", "円", None),  # unchanged
    ("現行: 1,870円、改定後: 1,940円。", "人", None),  # none in that unit
    ("現行: 100円、改定後: 200円、割引後: 300円。", "円", None),  # three: which two is unknown
])
def test_the_two_figures_a_text_compares(text, unit, pair):
    found = compared_pair(fold_width(text), unit)
    assert (found and (found[0].value, found[1].value)) == pair


@pytest.mark.parametrize("text, question, another", [
    ("港南店は、平日の閉館時刻を午後11時に延長します。", "桜台店の平日の営業時間は？", "港南店"),
    ("桜台店と港南店は午後11時まで営業します。", "桜台店の平日の営業時間は？", ""),  # names the one asked about
    ("港南店は午後11時まで営業します。", "平日の営業時間は？", ""),  # the question names no branch
    ("北地区は水曜日です。", "浜地区の燃やすごみは何曜日？", "北地区"),
    ("市内の全地区で午前8時までに出してください。", "浜地区の燃やすごみは何時まで？", ""),  # no one district
    ("同地区は水曜日です。", "浜地区の燃やすごみは何曜日？", ""),
    ("しおかぜ丸は午前7時に出ます。", "桜台店の営業時間は？", ""),  # no name of the kind asked about
    ("平日は10時開店、21時閉店です。", "桜台店の平日の営業時間は？", ""),  # words after a figure
    ("本郷店は午後11時まで営業します。", "桜台店の営業時間は？", "本郷店"),  # 本 starts a name here
    ("全店舗で午後10時までです。", "桜台店の営業時間は？", ""),
    # a sea named in kanji around a short katakana word is a name too
    ("露中海軍は日本海で共同パトロールを実施した。", "露中の海軍が東シナ海でパトロールをしたのは？", "日本海"),
    ("露中海軍は東シナ海と日本海で共同パトロールを実施した。", "東シナ海でパトロールをしたのは？", ""),
    # a name written longer is the same one; a shorter name inside another is another place
    ("経済特別区が10カ所設置された。", "設置された経済特区の数は？", ""),
    ("北浜地区は水曜日です。", "北地区の燃やすごみは何曜日？", "北浜地区"),
])
def test_a_text_naming_another_branch_or_district_than_the_question(text, question, another):
    assert names_another(text, question) == another


@pytest.mark.parametrize("text, names", [
    ("ルビオ国務長官が「アメリカは中国の同盟国だ」と発言したのはいつ？", ["ルビオ"]),
    # the country or body between the name and the office is the title's
    ("ブリンケン米国務長官は19日、ラブロフ外相と会談した。", ["ブリンケン", "ラブロフ"]),
    ("パトルシェフ・ロシア安全保障会議書記とサリバン米大統領補佐官", ["パトルシェフ", "サリバン"]),
    ("ウィトコフ特使がマイアミでショイグ氏と協議した際", ["ウィトコフ", "ショイグ"]),
    ("習氏は王毅外相を伴った。", ["習"]),  # kanji before an office is not read: 次期, 歴代 or a name
    ("鍋島氏の前に肥前を治めていたのは何氏？", ["鍋島"]),  # an asking word names no one
    ("当時のアメリカ大統領は誰？", []),  # a country
    ("マリアのお父さんは誰？", []),  # kin
    ("両氏の会談は37回目で、同氏は満足した。", []),  # words pointing at persons named before
    ("クレムリン大統領府は発表した。", []),  # no title: 大統領府 is an office's building
    ("ゼレンスキー大統領府長官が訪れた。", []),  # the 長官 of his office is another person
    ("ブラジル大統領は訪ロした。", []),  # a country CLDR names
    ("トヨタ自動車社長", []), ("プロ野球選手", []),  # titles other than offices of state take the name right before
    ("皆さん、彼氏、摂氏30度、お客さん、ママさん", []),  # words that name no one
    ("ドナルド・トランプ大統領", ["ドナルド・トランプ"]),
])
def test_the_persons_a_text_names_with_a_title(text, names):
    assert persons_named(text) == names


@pytest.mark.parametrize("text, question, leave_out, another", [
    # another person's remark, though the article names the one asked about elsewhere
    ("12月3日、ベッセント財務長官の「アメリカは中国の同盟国だ」という発言だ。",
     "ルビオ国務長官が「アメリカは中国の同盟国だ」と発言したのはいつ？", "12月3日", "ベッセント"),
    ("12月3日、ルビオ国務長官の「…」という発言だ。", "ルビオ国務長官が発言したのはいつ？", "12月3日", ""),
    # every person asked about must stand: ブリンケン met ラブロフ, not パトルシェフ
    ("ブリンケン米国務長官は19日、アイスランドでラブロフ外相と会談した。",
     "ブリンケン国務長官とパトルシェフ書記の会談はどこで？", "アイスランド", "ラブロフ"),
    # a full name in the question stands by its family name in the text
    ("トランプ大統領は習氏と会談した。", "ドナルド・トランプ大統領はいつ訪中した？", "", ""),
    ("岸田首相は習氏と会談した。", "岸田文雄氏はいつ訪中した？", "", ""),
    # the answer itself is no other person
    ("ヒトラー首相は、就任するやただちに反対派の始末に乗り出した。",
     "ヒンデンブルク大統領に大統領令を出させたのは誰ですか。", "ヒトラー", ""),
    # a sentence that names no one leaves its actor unsaid: no other person
    ("会談は約90分に及んだ。", "プーチン大統領と習氏の会談はどれくらい続いた？", "約90分", ""),
    ("会談は約90分に及んだ。", "会談はどれくらい続いた？", "約90分", ""),  # the question names no one
])
def test_a_text_naming_another_person_than_the_question(text, question, leave_out, another):
    assert person_another(text, question, leave_out) == another


@pytest.mark.parametrize("before, question, another", [
    # a sentence before naming only others may tell of the asked persons' deeds
    ("ベッセント財務長官も同席した。", "プーチン大統領と習氏の会談はどれくらい？", ""),
    # where it names someone asked about, it names who took part: one of them another
    ("ウィトコフ特使とドミトリエフ氏が協議した。", "ウィトコフ特使がショイグ氏と協議した際、ロシア側は何を提案した？",
     "ドミトリエフ"),
])
def test_a_person_the_sentence_before_names_is_another_where_it_names_someone_asked_about(before, question, another):
    own = "会談は約90分に及んだ。"
    assert person_another(before + own, question, "約90分", own) == another


@pytest.mark.parametrize("text, every", [
    ("なお、全店舗の土日祝の営業時間は午前10時～午後6時に短縮します。", True), ("その他の店舗の営業時間に変更はございません。", True),
    ("各地区の収集日", True), ("同店の営業時間", False),  # the same one as named before
    ("残りの店舗の平日の営業時間", True), ("それ以外の店舗", True),
    ("安全区域", False), ("各駅停車", False), ("全区間", False), ("他店と異なり", False),  # words of their own
    ("土日祝の営業時間に変更はありません。", False), ("桜台店の営業時間", False),
])
def test_a_text_speaking_of_every_place_of_a_kind(text, every):
    assert names_every_place(text) is every


@pytest.mark.parametrize("question, whose", [
    ("アイスランドで会談した中国の外相は誰？", ("中国", "中国の外相")),
    ("アスタナで会談したインドの外相は誰ですか？", ("インド", "インドの外相")),
    ("米国の特使って誰？", ("アメリカ", "米国の特使")),  # one country by either name
    ("新中国の指導者は誰？", None),  # 中国 inside another word
    ("中国の首都はどこ？", None),  # no person asked for
    ("近代オリンピックの提唱者は誰？", None),  # no country
    ("中国の外相は誰と会談しましたか？", None),  # another person
    ("日本の代表監督は誰？", None),  # no office of state: another country's citizen may hold it
])
def test_the_country_a_question_asks_a_person_of(question, whose):
    assert asked_whose(question) == whose


@pytest.mark.parametrize("text, words, country", [
    ("アイスランドで開いたロシアのラブロフ外相との会談", "ラブロフ", "ロシア"),
    ("アスタナで中国の王毅外相と会談した", "王毅外相", "中国"),
    ("英国のチャーチル首相", "チャーチル", "イギリス"),
    ("ブリンケン米国務長官は19日", "ブリンケン", None),  # named by no country before it
    ("新中国の毛沢東主席", "毛沢東", None),  # 中国 inside another word
    ("ロシアのラブロフ外相", "ロシアのラブロフ外相", "ロシア"),  # at the start of the words
])
def test_the_country_a_text_names_a_person_of(text, words, country):
    assert country_before(text, text.index(words)) == country


@pytest.mark.parametrize("text, words, country", [
    ("チャーチル英首相を外そうとした", "チャーチル", "イギリス"),
    ("スターリン・ソ連首相に提案した", "スターリン", "ソ連"),
    ("スターリン・ソ連首相に提案した", "スターリン・ソ連", "ソ連"),  # the name's own words end with it
    ("スターリン・ソ連首相に提案した", "スターリン・ソ連首相", "ソ連"),  # and with its office
    ("ラブロフ・ロシア外相", "ラブロフ", "ロシア"), ("王毅中国外相", "王毅", "中国"), ("ラブロフ露外相", "ラブロフ", "ロシア"),
    ("ラブロフ露外相は", "ラブロフ露外相", "ロシア"), ("バンス米副大統領", "バンス", "アメリカ"),
    ("ブリンケン米国務長官は19日", "ブリンケン", "アメリカ"),
    ("ブリンケン国務長官は19日", "ブリンケン", None),  # no country between name and office
    ("ブリンケン氏は英首相と会談した", "ブリンケン", None),  # another person's office
    ("ブレア中東特使", "ブレア", None), ("東條英機首相", "東條", None),  # a letter starting another word
    ("習近平中央軍事委員会主席", "習近平", None), ("中国", "中国", None),
    ("ケロッグ・ウクライナ担当特使", "ケロッグ", None), ("ファーウェイ米国相手に", "ファーウェイ", None),  # a brief; no office
    ("習近平中国国家主席", "習近平", "中国"), ("チャーチル･英首相", "チャーチル", None),  # a half-width dot: folded by the caller
])
def test_the_country_a_text_names_between_a_person_and_the_office(text, words, country):
    start = text.index(words)
    assert country_after(text, start, start + len(words)) == country


@pytest.mark.parametrize("text, country, office, holder", [
    ("スターリン・ソ連首相に提案し、チャーチル英首相を外そうとした", "イギリス", "首相", "チャーチル"),
    ("スターリン・ソ連首相に提案し、チャーチル英首相を外そうとした", "ソ連", "首相", "スターリン"),
    ("イギリスのチャーチル首相が", "イギリス", "首相", "チャーチル"),
    ("米国のブリンケン国務長官", "アメリカ", "国務長官", "ブリンケン"),
    ("ブリンケン米国務長官", "アメリカ", "国務長官", "ブリンケン"),
    ("ラブロフ・ロシア外相は述べた", "中国", "外相", None), ("チャーチル英首相", "イギリス", "外相", None),
    # a kanji word before an office is as often none of a person's: only names in katakana are read
    ("次期英首相の就任", "イギリス", "首相", None), ("イギリスの女性首相", "イギリス", "首相", None),
    ("新任米大統領", "アメリカ", "大統領", None), ("王毅中国外相と会談", "中国", "外相", None),
    ("米国のウクライナ大使館", "アメリカ", "大使", None), ("ロンドン英首相官邸", "イギリス", "首相", None),  # no office
])
def test_the_person_a_text_titles_with_a_countrys_office(text, country, office, holder):
    assert office_holder(text, country, office) == holder


@pytest.mark.parametrize("question, office", [
    ("その訪問に同行したロシアの国防相は誰？", "国防相"), ("会談に同席した大統領補佐官は誰ですか？", "大統領補佐官"),
    ("中国の外相って誰？", "外相"), ("当時の社長はだれ？", "社長"),
    ("会談したのは誰？", None), ("大統領は何と述べた？", None),  # no office's holder asked for
    ("石破首相は誰と会談した？", None), ("大統領が誰を任命した？", None),  # another person
    ("当時の大阪市長は誰か？", "大阪市長"), ("市長は誰かと会談した", None),  # 誰か asking, or someone
])
def test_the_office_whose_holder_a_question_asks_for(question, office):
    assert asked_office(question) == office


@pytest.mark.parametrize("text, words, office", [
    ("ロシアのラブロフ外相との会談", "ラブロフ", "外相"),  # right after the name
    ("スターリン・ソ連首相に提案", "スターリン", "首相"), ("ブリンケン米国務長官", "ブリンケン", "米国務長官"),
    ("ロシアの大統領特別代表ドミトリエフ氏が協議した", "ドミトリエフ氏", "大統領特別代表"),  # right before it
    ("ロシアのセルゲイ・ラブロフ外相(中央)", "セルゲイ・ラブロフ外相(中央)", "外相"),  # the words end with it
    ("ドミトリエフ氏が協議した", "ドミトリエフ氏", None), ("会談後に記者団に語った", "記者団", None),
])
def test_the_office_a_text_titles_words_with(text, words, office):
    start = text.index(words)
    assert office_titling(text, start, start + len(words)) == office


@pytest.mark.parametrize("asked, titled, other", [
    ("国防相", "外相", True), ("大統領補佐官", "大統領特別代表", True), ("国務長官", "財務長官", True),
    ("外相", "外務大臣", False), ("国防相", "国防相", False), ("補佐官", "大統領補佐官", False),
    ("国王", "女王", False),  # a monarch under another name
    ("経産相", "経済産業相", False), ("総理大臣", "首相", False), ("国防相", "国防長官", False),  # written otherwise
    ("国防相", "米国防長官", False), ("会長", "会長兼社長", False), ("国防相", "首相兼国防相", False),  # two offices
    ("首相", "外相兼国防相", True),
    ("共産党委員長", "志位委員長", False),  # a kanji name before the office is no ministry
])
def test_an_office_is_another_by_its_last_word_or_a_ministers_ministry(asked, titled, other):
    assert other_office(asked, titled) is other


@pytest.mark.parametrize(("text", "countries"), [
    ("ロシアのTU-95MS", {"ロシア"}), ("米国とアメリカ合衆国", {"アメリカ"}), ("米露首脳会談", {"アメリカ", "ロシア"}),
    ("ブリンケン米国務長官", {"アメリカ"}), ("アイスランドのレイキャビク", {"アイスランド"}), ("北朝鮮", {"北朝鮮"}),
    ("親ウクライナ派", {"ウクライナ"}), ("現在英語で", set()), ("国務長官ルビオ氏が率いる", set()),
    # a katakana name stands alone: no タイ in タイトル, マリ in サマリー, ロシア in ロシアン
    ("タイトルとサマリー、ロシアンティー", set()), ("タイとチリ", {"タイ", "チリ"}),
])
def test_countries_in(text, countries):
    assert countries_in(text) == countries


@pytest.mark.parametrize(("question", "countries"), [
    ("配備されたロシアの機体は何ですか？", {"ロシア"}),
    ("トランプ政権内で親ウクライナ派の中心にいるのは誰ですか？", {"ウクライナ"}),
    ("親ウクライナ派を率いてるのって誰なの？", {"ウクライナ"}),
    ("日本の首相が会談した相手は誰ですか", set()),  # the subject's country, not the asked one's
    ("ロシアは中国とどこで会談した？", {"中国"}),  # ロシア is the subject; 中国 stands in the asked words
    ("会談はいつ？", set()),
])
def test_countries_asked_of(question, countries):
    assert countries_asked_of(question) == countries


@pytest.mark.parametrize(("text", "words", "around"), [
    ("ロシアのTU-95MSと中国空軍の西安H-6が配備された。", "西安H-6", ("中国空軍の", "が配備された")),
    ("ロシアのTU-95MSと中国空軍の西安H-6が配備された。", "TU-95MS", ("ロシアの", "")),
    ("政権内で、ウィトコフ氏が率いる親ロシア派と、ルビオ氏が率いる親ウクライナ派の間で", "ウィトコフ氏", ("", "が率いる親ロシア派")),
    ("ロシアとの国境に近いアスタナで開いた", "アスタナ", ("ロシアとの国境に近い", "で開いた")),  # と before hiragana
    ("フランスや英国を訪れた", "英国", ("", "を訪れた")),
    ("中国の兵士500人とロシアの兵士1,200人が参加した", "1,200人", ("ロシアの兵士", "が参加した")),  # a figure's comma
    ("「ロシア、中国」の声明で合意した", "合意", ("「ロシア、中国」の声明で", "した")),  # no break inside a quote
    # a list in parentheses is read item by item
    ("爆撃機(ロシアのTU-95MSと中国空軍の西安H-6)が確認された", "西安H-6", ("中国空軍の", ")が確認された")),
])
def test_clause_around(text, words, around):
    start = text.index(words)
    assert clause_around(text, start, start + len(words)) == around


def test_clauses_for_comparisons_cut_at_commas_only_outside_brackets():
    assert clauses("A，B、C") == ["A，B", "C"] and clauses("(A、B)とC、D") == ["(A、B)とC", "D"]
    assert clauses("1,200人と3,000人") == ["1,200人と3,000人"]


def test_one_clause():
    assert one_clause("西安H-6戦略爆撃機") and one_clause("ロシアとの協力") and one_clause("1,200人")
    assert not one_clause("TU-95MSと中国空軍の西安H-6") and not one_clause("親ロシア派と、国務長官ルビオ氏")


@pytest.mark.parametrize("text, pair", [
    ("会員種別: レギュラー会員、現行月額: 8,580円、改定後月額: 9,350円。", ("8,580円", "9,350円")),
    ("会員種別: レギュラー会員、改定後月額: 9,350円、現行月額: 8,580円。", ("8,580円", "9,350円")),  # the later first
    ("月会費を8,580円から9,350円に改定します。", ("8,580円", "9,350円")),
    ("今年: 120人、前年: 100人。", ("100人", "120人")),
    ("大人1,000円、子ども500円。", None),  # two prices side by side are no change
])
def test_the_values_before_and_after_a_change_in_order(text, pair):
    from rag.japanese import before_and_after

    found = before_and_after(fold_width(text), pair[0][-1] if pair else "円")
    assert (found and (found[0].written(fold_width(text)), found[1].written(fold_width(text)))) == (pair or None)


@pytest.mark.parametrize("question, counter", [
    ("はじめての水彩画の受講料は1回あたりにするといくら？", "回"), ("1日当たりの料金は？", "日"), ("1泊につきいくら？", "泊"),
    ("受講料は1人あたりいくら？", ""),  # persons: a row's count of them is as often a capacity
    ("半年コースは1ヶ月あたりいくら？", "か月"), ("1カ月あたりの料金は？", "か月"), ("1ケ月あたりは？", "か月"),
    ("11回あたりいくら？", ""), ("2回あたりいくら？", ""), ("受講料はいくら？", ""),
])
def test_the_one_a_question_asks_a_share_of_a_price_for(question, counter):
    from rag.japanese import per_one

    assert per_one(question) == counter


@pytest.mark.parametrize("words, counter, one", [
    ("手数料(1回)", "回", True), ("回あたり料金", "回", True), ("1回500円", "回", True), ("受講料(全回分)", "回", False),
    ("11回分", "回", False), ("受講料(月額)", "か月", True), ("月謝 3,000円", "か月", True), ("受講料(全期間)", "か月", False),
])
def test_a_price_said_to_be_for_one(words, counter, one):
    from rag.japanese import for_one

    assert for_one(words, counter) is one


@pytest.mark.parametrize("text, same", [
    ("燃えるゴミの日", "可燃ごみの日"), ("燃やすごみ: 火・金", "可燃ごみ: 火・金"), ("燃えないごみ", "不燃ごみ"),
    ("燃やさないごみ", "不燃ごみ"), ("粗大ゴミ", "粗大ごみ"), ("燃料", "燃料"), ("燃やせるごみ", "可燃ごみ"),
    ("もえないごみ", "不燃ごみ"),
])
def test_words_asked_one_way_and_written_another_in_one_form(text, same):
    from rag.japanese import same_words

    assert same_words(text) == same
