"""Quotes located in code; unsupported answers detected."""

import pytest

from rag.chunk import Passage
from rag.cite import (
    asked_part,
    coverage,
    described_name,
    find_near_span,
    find_span,
    holds_date,
    holds_name,
    locate,
    repeated_from,
    residue,
    support,
    unbracketed,
    whole_date,
    with_bounds,
    with_counter,
)
from rag.japanese import dates_spelled, squash

PASSAGES = [
    Passage("a#0", "a", "t", 0, 0, 30, "東京タワーは1958年に完成した。高さは333メートルだ。"),
    Passage("b#0", "b", "t", 0, 0, 30, "清水寺の舞台は139本の柱で支えられている。"),
]


def test_exact_quote_is_found_ignoring_spaces_and_width():
    where = locate("高さは ３３３メートル", PASSAGES)
    assert where.passage == 0
    assert PASSAGES[0].text[where.start:where.end] == "高さは333メートル"


def test_slightly_misquoted_text_is_found_approximately():
    where = locate("清水寺の舞台は139本の柱で支えられていた", PASSAGES)
    assert where is not None and where.passage == 1


def test_invented_or_tiny_quotes_are_rejected():
    assert locate("日本の首相は安倍晋三です", PASSAGES) is None
    assert locate("高さ", PASSAGES) is None


def test_support_measures_overlap_with_sources():
    assert support("東京タワーの高さは333メートルです。", [PASSAGES[0].text]) > 0.6
    assert support("日本の首相は安倍晋三です。", [PASSAGES[0].text]) < 0.3


def test_short_spans_are_found_exactly_in_the_order_asked():
    where = find_span("１３９本", PASSAGES)
    assert where is not None and PASSAGES[where.passage].text[where.start:where.end] == "139本"
    assert find_span("は", PASSAGES).passage == 0 and find_span("は", PASSAGES, order=[1, 0]).passage == 1
    assert find_span("安倍晋三", PASSAGES) is None and find_span("", PASSAGES) is None


def test_support_leaves_out_what_the_question_already_says():
    answer = "東京タワーの建設を決めた人物の高さは333メートルです。"
    assert support(answer, [PASSAGES[0].text]) < 0.6
    assert support(answer, [PASSAGES[0].text], given="東京タワーの建設を決めた人物の高さは？") > 0.6


def test_answer_that_only_repeats_the_question_has_no_support():
    assert support("東京タワーの高さは", [PASSAGES[0].text], given="東京タワーの高さは？") == 0.0


def test_misspelt_name_is_found_as_the_passage_spells_it():
    passages = [Passage("c#0", "c", "t", 0, 0, 40, "12月2日、アメリカのウィトコフ特使は、モスクワで会談。")]
    where = find_near_span("ワトコフ特使", passages)
    assert passages[0].text[where.start:where.end] == "ウィトコフ特使"


def test_near_match_needs_enough_letters_and_identical_digits():
    assert find_near_span("東京", PASSAGES) is None  # too short to allow an edit
    assert find_near_span("1959年に完成", PASSAGES) is None  # 1958年 is another fact, not a misspelling
    assert find_near_span("大阪城の天守閣", PASSAGES) is None


def test_coverage_counts_what_is_asked_not_the_question_words():
    question = "東京タワーの高さは何メートルですか？"
    assert coverage(question, "東京タワーの高さは333メートルだ。") > 0.8
    assert coverage(question, "清水寺の舞台は139本の柱で支えられている。") < 0.2


def test_a_long_quote_with_a_word_changed_is_still_located():
    passage = Passage("d#0", "d", "t", 0, 0, 80, "前置き。戦略的曖昧性は、米国が反撃するかどうかを明確にしない政策を言う。ハース氏らは「戦略的曖昧さは、何十年もの間、賢明なアプローチであった」とした。")
    quote = "戦略的曖昧性は、米国が反撃するかどうかを明確にしない政策を言う。ハース氏らは「戦略的曖昧性は、何十年もの間、賢明なアプローチであった」とした。"
    where = locate(quote, [passage])
    assert where is not None and passage.text[where.start:where.end].startswith("戦略的曖昧性は")
    assert locate("米国が台湾の独立を支持し、中国と戦争を始めるかどうかを明確にした政策である。", [passage]) is None


def test_residue_is_what_an_answer_adds_to_its_question():
    assert residue("東京タワーの高さは333メートルです。[1]", "東京タワーの高さは？") == "333メートル"
    assert residue("開会のあいさつをしたのは山田太郎外相です。", "開会のあいさつをしたのは誰？") == "山田太郎外相"
    assert residue("マーラーの交響曲は大規模なものが多いです。", "マーラーの何が大規模なものが多いか？") == "交響曲"
    # the word after 何 belongs to the answer, and a closing copula does not
    assert residue("ナフサから作られる石油製品である。", "ナフサから作られるのは何製品？") == "石油製品"
    assert residue("東京タワーの高さは？", "東京タワーの高さは？") == ""
    # a piece of hiragana alone is grammar, unless nothing else is left
    assert residue("鼠がペストを媒介することに気付きました。", "ペストが媒介する原因が何だと気付きましたか?") == "鼠"
    assert residue("ひとつです。", "いくつある？") == "ひとつ"


def test_residue_keeps_a_katakana_word_that_shares_letters_with_the_question_whole():
    question = "ジブラルタルに寄港していたアメリカ海軍の司令官は誰でしたか?"
    # 「ブラ」 of 「ニブラック」 and 「ジブラルタル」: two letters inside other words repeat nothing
    assert residue("アルバート・パーカー・ニブラック中将です。", question) == "アルバート・パーカー・ニブラック中将"
    assert residue("アメリカンフットボールです。", "アメリカで人気のスポーツは何？") == "アメリカンフットボール"
    # a katakana word the question gives is still cut, whole
    assert residue("ミナモ勤怠のスタンダードプランは9,800円です。", "ミナモ勤怠のスタンダードプランはいくら？") == "9,800円"
    assert residue("アメリカ海軍のニブラック中将です。", question) == "ニブラック中将"
    # a repeat that runs into a katakana word is cut back to the word's edge, not dropped
    assert residue("首都はイタリアのローマです。", "首都はイギリスのどこ？") == "イタリアのローマ"


COUNTED = [  # (short answer, cited sentences, question, short answer with its counter)
    ("90", ["モンモランシー公と同じだけ、90歳まで生きると予言した。"], "何歳まで生きる？", "90歳"),
    ("90", ["1990年の調査では90人だった。"], "", "90人"),  # not the 90 of a year
    ("3", ["3.5倍に増えた。", "3か国が参加した。"], "", "3か国"),  # the first sentence that counts it
    ("3", ["3年間で3人が入れ替わった。"], "何人入れ替わった？", "3人"),  # the counter the question asks in
    ("3", ["3年間で3名が入れ替わった。"], "何人入れ替わった？", "3名"),  # 名 counts people as 人 does
    ("30", ["2007年の時点で30種に分類された。"], "何種類ありますか？", "30種"),  # 種 counts kinds as 種類 does
    ("3", ["彼は3種目に出場した。"], "何種目に出場した？", "3種目"),  # 種目 is a counter of its own
    ("333", ["高さは333メートルだ。"], "", "333メートル"),
    ("90", ["９０歳まで"], "", "９０歳"),  # found in any width, shown as the passage writes it
    ("９０", ["90歳まで"], "", "90歳"),
    ("二十", ["百二十人"], "", "二十"),  # not the end of a longer figure
    ("3", ["A3サイズの紙"], "", "3"),  # nor of a name
    ("90", ["90minの番組"], "", "90"),  # a unit symbol is not the start of a word
    ("90歳", ["90歳以上"], "", "90歳"),  # not a bare number: as it is
    ("90", ["90を超えた。"], "", "90"),  # nothing counts it
    ("山田", ["山田さん"], "", "山田"),
    ("ＡＢＣ", ["ＡＢＣ社"], "", "ＡＢＣ"),  # no number: spelt as it is
    ("3", ["ジャベリン3基を送った。"], "何基送った？", "3基"), ("2", ["米軍2基地が"], "", "2"),  # 基地 counts nothing
    # a counter the question joins to more words goes on with them
    ("110カ国", ["台湾など計110カ国・地域が招かれた。"], "何カ国・地域が招かれた？", "110カ国・地域"),
    ("110", ["台湾など計110カ国・地域が招かれた。"], "何カ国・地域が招かれた？", "110カ国・地域"),
    ("19か国", ["19ヶ国・地域の代表が集まった。"], "何か国・地域の代表か。", "19ヶ国・地域"),
    ("110カ国", ["台湾など計110カ国・地域が招かれた。"], "何カ国が招かれた？", "110カ国"),  # not asked
    ("110カ国", ["計110カ国が招かれた。"], "何カ国・地域が招かれた？", "110カ国"),  # not written
]


@pytest.mark.parametrize("span, texts, question, counted", COUNTED)
def test_a_bare_number_takes_the_counter_a_cited_sentence_gives_it(span, texts, question, counted):
    assert with_counter(span, texts, question) == counted


BOUNDED = [  # (short answer, cited sentences, short answer with the words that bound or round it)
    ("1793年", ["墓は1793年頃に暴かれた。"], "1793年頃"),
    ("1925年", ["1925年ごろから講師を務めた。"], "1925年ごろ"),
    ("25%", ["感染率は約25%程度とされる。"], "約25%程度"),
    ("20万人", ["およそ20万人が参加した。"], "およそ20万人"),
    ("5歳", ["5歳以上の子ども"], "5歳以上"),
    ("50m", ["水深40-50m付近まで"], "40-50m"),  # the range it ends
    ("１７９３年", ["1793年頃"], "1793年頃"),  # widths folded
    ("3日", ["13日頃に着いた。", "3日前後に"], "3日前後"),  # not the end of a longer figure
    ("2月", ["1921年2月に"], "2月"),  # a date's year is no bound
    ("1793年", ["1793年に暴かれた。"], "1793年"),  # nothing bounds it
    ("ロシア", ["約ロシア"], "ロシア"),  # no figure: as it is
    ("第2次世界大戦", ["第2次世界大戦前後の日本"], "第2次世界大戦"),
    ("100件", ["契約100件を締結した。"], "100件"),  # the 約 of 契約 rounds nothing
    ("50m", ["水深40～50m付近まで"], "40～50m"),
    ("50m", ["水深40~50m付近まで"], "40~50m"),  # as written: the mark is the passage's
    ("25%", ["約２５％と、前年の約25%から"], "約２５％"),  # one figure in two widths: one spelling, the first
    ("18:00", ["営業時間は10:00-18:00です。"], "18:00"),  # not the 00 of 10:00
    ("2025年3月", ["期間は2024年4月-2025年3月です。"], "2025年3月"),  # a dash after a date is no minus sign
    ("300", ["型番SC-300"], "300"),
    ("5℃", ["最低気温は-5℃だった。"], "-5℃"),  # not 「°C」, as folding writes it
    ("300人", ["前年は約300人、今年は300人だった。"], "300人"),  # stated twice, bounded differently
    ("4月", ["運航は4月中旬に再開する。"], "4月中旬"),  # a date, with the part of its period named
    ("1975年", ["1975年初頭から運航を開始した。"], "1975年初頭"),
    ("300人", ["300人末まで"], "300人"),  # no date: no part of a period
    ("4月", ["4月末日に閉店する。"], "4月末日"),
    ("2019年", ["2019年末期の作品"], "2019年"),  # 末期 is no part of a year
]


@pytest.mark.parametrize("span, texts, bounded", BOUNDED)
def test_a_figure_takes_the_words_that_bound_it_in_a_cited_sentence(span, texts, bounded):
    assert with_bounds(span, texts) == bounded


def test_asked_part_cuts_a_short_answer_to_what_the_question_asks():
    # words that go on from the asking word are cut; the kind asked for (年) stays
    assert asked_part("天体暦の情報", "GPS衛星は何の情報を放送しているか？") == "天体暦"
    assert asked_part("2006年4月30日", "何年4月30日投票の選挙で選ばれたのは？") == "2006年"
    assert asked_part("性の解放区", "オランダは世界有数の性の何区として知られている？") == "解放区"
    assert asked_part("専守防衛」の武力行使", "他党と比べてどの武力行使に慎重？") == "専守防衛"
    assert asked_part("15種類以上の検索オプション", "何種類以上の検索オプションがある？") == "15種類以上"  # a bound stays whole
    # list items the question names are dropped
    assert asked_part("英語やロシア語", "強勢リズムは英語や何語に見られるか") == "ロシア語"
    assert asked_part("化学進化説、表面代謝説", "二つの説は化学進化説と何？") == "表面代謝説"


@pytest.mark.parametrize("span, question, part", [
    # a noun or counter the answer ends in, written on without a particle, is part of it
    ("ベオグラード条約", "オルテニアが併合されたのは、どの条約の締結によることか？", "ベオグラード条約"),
    ("11か国語", "本作は何か国語に翻訳されたの？", "11か国語"),
    ("2階建て", "本館は何階建ての構造ですか？", "2階建て"),
    ("161.54km2", "アクロン市の総面積は何km2ですか。", "161.54km2"),
    ("1934年ごろ", "その工法が広まったのはいつごろなの？", "1934年ごろ"),
    # and so are the words before the asking word written on to it: an era, 紀元前, 午後, a measure's name
    ("昭和29年", "連合会が結成されたのは昭和何年？", "昭和29年"),
    ("紀元前3世紀", "ポエニ戦争とは、紀元前何世紀に起こった戦争か？", "紀元前3世紀"),
    ("午後11時以降", "深夜バスは午後何時以降から利用できますか。", "午後11時以降"),
    ("高さ118.2メートル", "計画上の石狩ダムは高さ何メートルでしたか。", "高さ118.2メートル"),
    # what a particle or a quote mark joins on goes, as does a date's other part
    ("聖職者になること", "プリーストリーは何になることを決意しましたか。", "聖職者"),
    ("高さは333メートル", "東京タワーの高さは何メートル？", "333メートル"),
    ("「自主独立」路線", "同党はどの路線を確立したか。", "「自主独立」"),
    ("人口は約5万人", "この町の人口は約何人？", "約5万人"),  # up to the particle, not beyond it
    ("1900年ごろの作品", "これは何年ごろの作品？", "1900年ごろ"),
    ("2006年4月30日", "何年4月30日投票の選挙で選ばれたのは？", "2006年"),
])
def test_asked_part_cuts_only_what_a_particle_joins_on(span, question, part):
    assert asked_part(span, question) == part


def test_asked_part_keeps_what_it_cannot_cut():
    assert asked_part("35議席", "総選挙で日本共産党は何議席獲得したか？") == "35議席"  # only the kind repeats
    assert asked_part("山田太郎外相", "開会のあいさつをしたのは誰？") == "山田太郎外相"
    assert asked_part("ひとつ", "いくつある？") == "ひとつ"  # と inside a hiragana word separates nothing
    assert asked_part("北海道、本州", "北海道、本州のどちら？") == "北海道、本州"  # nothing would be left
    long = "同じリズムの繰り返しがその舞踊や音楽を特徴づけることが多い"
    assert asked_part(long, "舞踊音楽はどんなことがその舞踊や音楽を特徴づけているか？") == long


def test_words_repeated_from_the_question_with_one_garbled_character_need_no_support():
    question = "習近平氏が国家主席になってから、中露首脳会談は何回目？"
    sources = ["12月15日の会談は、習氏が国家主席になってから37回目だ。"]
    assert support("翱近平氏が国家主席になってから37回目", sources, question) == 1.0
    assert support("翱近平氏が国家主席になってから36回目", sources, question) < 0.6  # a changed digit is no garble
    assert repeated_from("翱近平氏", "習近平氏") == [True] * 4
    assert repeated_from("37回目", "何回目") == [False] * 4  # a digit for 「何」 is the answer, not a garble
    assert repeated_from("36回目", "37回目") == [False] * 4


def test_the_words_an_answer_puts_in_the_questions_frame_are_no_garble():
    # 「球審」 in place of 「何の役割」: each of its characters is one change in some window, but two side by side are
    # another word, which the sources must back
    answer, question = "小林氏は決戦において球審を務めました", "小林氏は決戦において何の役割を務めましたか"
    assert repeated_from(answer, question) == [True] * 10 + [False] * 2 + [True] * 6
    assert support(answer, ["球審を務めた小林氏も述べている。"], question) >= 0.6
    assert support(answer, ["警備は厳重だった。"], question) == 0.0
    assert repeated_from("バラは赤色です", "バラは何色ですか") == [True] * 3 + [False] + [True] * 3  # 赤 answers 何


def test_a_name_is_held_as_spelt_or_written_shorter_but_not_as_another_name():
    assert holds_name("西口店", squash("店舗名: 西口店、席数: 20席。"))
    assert not holds_name("西口店", squash("店舗名: 東口店、席数: 20席。"))
    assert holds_name("コミュニティセンター", squash("コミュニテイセンターの利用案内"))
    assert not holds_name("プレミアムプラン", squash("ライトプラン、スタンダードプラン、プロプラン"))
    assert holds_name("ＳＣ－３００", squash("SC-300の重さ"))
    assert holds_name("ペンタゴン", squash("米ペンダゴンが文書を発表した"))  # a loanword voiced otherwise
    assert not holds_name("パリ協定", squash("バリ協定に署名した"))  # not a name holding kanji
    assert not holds_name("ペンタゴン", squash("ヘンダコンの発表"))  # nor two letters voiced otherwise
    assert not holds_name("ペット", squash("ベッドの枠"))  # too short to tell a slip from another word
    assert holds_name("イギリス", squash("チャーチル英首相を呼ばずに"))  # a country by its letter
    assert not holds_name("イギリス", squash("英語の授業"))
    # a remark quoted is read in one place: one word changed is another remark, wherever else the article holds it
    article = squash("ロシアの動きが続く。ベッセント財務長官の「アメリカは中国の同盟国だ」という発言だ。")
    assert holds_name("アメリカは中国の同盟国だ", article)
    assert not holds_name("アメリカはロシアの同盟国だ", article)
    assert holds_name("アメリカは中国の同盟国です", article)  # one ending otherwise is the same remark
    longer = squash("アメリカは中国との関係を重視していく。ロシアとも話す。")
    assert not holds_name("アメリカはロシアとの関係を重視していく", longer)  # in a longer remark too


@pytest.mark.parametrize("date, text, held", [
    ("2025年3月", "2025年3月時点で約4,200社", True),
    ("1948年6月19日", "1948年、…6月19日に遺体が発見された", True),  # the year named once, the day after
    ("2025年3月", "2026年3月時点で約4,200社", False),
    ("4月23日", "23日の夜", False),
    ("2020年12月", "中ロ両軍は20年12月、合同パトロールを実施し", True),  # a year by its last two digits
    ("2020年12月", "2120年12月", False),
    ("2020年12月", "創業20年を迎え、12月に記念式典を開く", False),
    ("2025年3月31日", "令和7年3月31日まで", True),  # an era's year
    ("2025年12月30日", "2025年の休館日: 12月29日～1月3日", True),  # the day is not checked: ranges hold it
    ("3月", "13月", False),
    # a month within a range of months, across the new year too
    ("2026年5月", "緑ヶ丘店は、2026年4月から6月までの3か月間、毎週木曜日を休館日とします", True),
    ("2026年7月", "緑ヶ丘店は、2026年4月から6月までの3か月間、毎週木曜日を休館日とします", False),
    ("1月", "11月～2月は休業します", True),
    ("3月", "11月～2月は休業します", False),
    ("2026年5月", "2026年4～6月の休館日", True),
    # a range stating its years runs from its first month to its last, not over the months of one year
    ("2026年1月", "2025年11月～2026年2月は休業", True), ("2025年1月", "2025年11月～2026年2月は休業", False),
    ("2026年5月", "2025年4月～2026年3月の売上", False),
    ("2026年2月", "2026年の申込は10日～3月末", False),  # days before a month are no range of months
    # a fiscal year: as such, by its year alone, or by a month from its April to the March after
    ("2026年度", "令和8年度 会計年度任用職員", True),
    ("2003年度", "2003年、…同年度の蔵書数は101,176冊", True),
    ("2026年度", "2027年3月の売上", True),
    ("2027年度", "令和8年度の任用期間は令和8年4月1日から令和9年3月31日まで", False),
    ("2026年度", "2026年3月の売上", False),
])
def test_a_text_holds_a_date_when_it_holds_its_year_month_and_day(date, text, held):
    assert holds_date(date, dates_spelled(text)) == held


@pytest.mark.parametrize("span, texts, whole", [
    ("1915年", ["1915年10月、代表作の1つとなる『羅生門』を発表した。"], "1915年10月"),
    ("2月", ["1921年2月に退職した。"], "1921年2月"),
    ("2月", ["1921年12月に着任し、翌年2月に退職した。"], "2月"),  # not the 2月 of 12月
    ("１９１５年", ["1915年10月"], "1915年10月"),  # widths folded
    ("1915年", ["1915年に"], "1915年"),
    ("10月", ["2019年10月に入社し、2020年10月に退社した。"], "10月"),  # two dates hold it: which is unknown
    ("10.8決戦", ["10.8決戦"], "10.8決戦"),  # no date: as it is
])
def test_a_date_asked_when_of_is_taken_as_its_sentence_writes_it_whole(span, texts, whole):
    assert whole_date(span, texts) == whole


@pytest.mark.parametrize("span, name", [
    ("漫画家の手塚治虫", "手塚治虫"),
    ("ウェストミンスターのチェスターフィールドハウス", "チェスターフィールドハウス"),
    ("『リボンの騎士』", "『リボンの騎士』"),  # a title in quote marks is one name
    ("王毅外相", "王毅外相"),
    ("マルセイユの医師ルイ・セール", "医師ルイ・セール"),
    ("井の頭公園", "井の頭公園"), ("道の駅富士", "道の駅富士"), ("東京駅の丸の内北口", "東京駅の丸の内北口"),  # の in a name
    ("トヨタの社長", "トヨタの社長"),  # a common noun of two letters names nothing alone
    ("AのB", "AのB"),  # a letter is no name
    ("ロシアと中国", "ロシアと中国"),
])
def test_a_name_is_read_without_the_words_that_describe_it(span, name):
    assert described_name(span) == name


@pytest.mark.parametrize("span, question, name", [
    ("マルセイユの医師ルイ・セール", "ノストラダムスが師事した医師は誰ですか?", "ルイ・セール"),
    ("カリフォルニア州アナハイム", "土地を購入したのはカリフォルニア州のどこですか?", "アナハイム"),
    ("総統アドルフ・ヒトラー", "そう称したドイツ国総統とは誰か?", "アドルフ・ヒトラー"),  # the end of its words
    ("フランクフルト", "フランクはどこのギムナジウムで学びましたか。", "フランクフルト"),  # one katakana word
    ("篠島城", "義良親王は篠島のどこに住んでいましたか?", "篠島城"),  # one letter left names nothing
    ("スタジオぬえ", "彼を誘ったスタジオはどこですか?", "スタジオぬえ"),  # a hiragana name goes on
    ("医師ルイ・セール", "ノストラダムスが師事したのは誰ですか?", "医師ルイ・セール"),  # not said in the question
    ("ハリー・ポッター", "ハリーって誰?", "ハリー・ポッター"),  # katakana words go on after 「・」
    ("徳川家康", "徳川は誰?", "徳川家康"),  # kanji after kanji may be one name
    ("東京タワー", "東京のどこにある?", "東京タワー"),  # a bare name before のどこ is no region
    ("中国地方", "中国のどこ?", "中国地方"),
])
def test_a_name_is_read_without_the_words_the_question_describes_it_with(span, question, name):
    assert described_name(span, question) == name


@pytest.mark.parametrize("span, answer", [
    ("(Observer Group)", "Observer Group"),
    ("（1793年）", "1793年"),
    ("監視団(Observer Group)", "監視団(Observer Group)"),  # an aside after a name stays
    ("(甲)と(乙)", "(甲)と(乙)"),  # two asides are no one answer in brackets
    ("『リボンの騎士』", "『リボンの騎士』"),  # quote marks stay
])
def test_an_answer_wholly_in_round_brackets_goes_without_them(span, answer):
    assert unbracketed(span) == answer
