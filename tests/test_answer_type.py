"""The kind of words a question asks for, and whether a text holds them."""

import pytest

from rag.answer_type import answer_span, asks_who_or_where, expected_answer, holds_answer, of_another_kind, range_end


def test_counter_questions_want_a_number_with_that_counter():
    days = expected_answer("攻勢は訪問の何日前に始まりましたか？")
    assert answer_span("わずか6日前の5月10日に始まった", days) == "6日前"
    assert not holds_answer("5月10日に始まった", days)
    assert answer_span("20か国が参加した", expected_answer("何カ国が参加した？")) == "20か国"
    assert answer_span("話し合いは5時間に及んだ", expected_answer("何時間続いた？")) == "5時間"
    assert answer_span("「19項目の和平案」を示した", expected_answer("和平案は何項目でしたか？")) == "19項目"


@pytest.mark.parametrize(("question", "counted"), [
    ("何回かの戦闘を経て、どの国の勢力下に置かれた？", False), ("作品を何点か制作した人は誰？", False),
    ("何メートルかの高さがある？", False), ("何人かいる？", False),  # "several": the unit is taken whole
    ("何日かかる？", True), ("何時間かけて登った？", True), ("何年から始まった？", True), ("何回か？", True),
    ("和暦で何年か答えてください。", True), ("引退した年は何年かな？", True), ("何か月続いた？", True),
])
def test_several_asks_for_no_count(question, counted):
    assert (expected_answer(question) is not None) is counted


@pytest.mark.parametrize("text, question, near, words", [
    ("28項目からなる和平案は、実は30項目ある", "28項目とされた和平案は、実は何項目？", "", "30項目"),
    ("28項目からなる和平案は、実は30項目ある", "和平案は何項目？", "", "28項目"),
    ("28項目からなる和平案は、実は30項目ある", "和平案は何項目？", "30", "30項目"),
    ("28項目からなる和平案", "28項目とされた和平案は、実は何項目？", "", ""),
    ("5日に始まり、15日に終わった", "5日に始まった会議は何日に終わった？", "", "15日"),
    ("15日に始まり、5日後に終わった", "15日に始まった会議は何日後に終わった？", "", "5日後"),
    ("2021年に会談し、2022年に再会した", "2021年に会談した二人が再会したのはいつ？", "", "2022年"),
    ("8月は12便が欠航し、乗船者は5万人だった", "8月は何便欠航した？", "", "12便"),  # 便 counts sailings
    ("8月の乗船者は5万人だった", "8月は何便欠航した？", "", ""),
])
def test_the_asked_words_are_not_those_the_question_states(text, question, near, words):
    wanted = expected_answer(question)
    assert answer_span(text, wanted, question, near) == words
    assert holds_answer(text, wanted, question) == bool(words)


def test_when_questions_want_a_date_in_digits():
    when = expected_answer("合同パトロールはいつ実施された？")
    assert answer_span("その直後の7月25日、ロシアと中国は", when) == "7月25日"
    assert answer_span("2022年2月24日に侵攻した", when) == "2022年2月24日"
    assert not holds_answer("二人は木曜日丸一日を一緒に過ごした", when)


@pytest.mark.parametrize("text, question, words", [
    ("収集は毎月第2・第4水曜日に行います。", "粗大ごみはいつ収集してもらえますか？", "毎月第2・第4水曜日"),
    ("休館日: 毎週月曜日(祝日にあたる場合はその翌日)", "休館日はいつ？", "毎週月曜日"),
    ("可燃ごみ: 火・金曜日、不燃ごみ: 第2金曜", "可燃ごみはいつ出せる？", "火・金曜日"),
    ("休館日: 第2火曜日。", "北浜店の休みはいつ？", "第2火曜日"),
    ("二人は木曜日丸一日を一緒に過ごした", "二人が会ったのはいつ？", ""),  # one day: news dating an event
    ("その日、木曜日に両氏は会談した", "両氏が会談したのはいつ？", ""),  # 「日、木曜日」 lists no days
    ("休館日: 第2・4土曜日", "休館日はいつ？", "第2・4土曜日"),
    ("営業日: 月~金曜日、祝日を除く", "営業日はいつ？", "月~金曜日"),
    ("5月7日、火曜日に開かれた", "会議は何曜日？", "火曜日"),  # not 「日、火曜日」
    ("会議は5月7日水曜日に開かれた。", "会議は何曜日？", "水曜日"),
    ("営業: 月〜金曜日", "営業日はいつ？", "月〜金曜日"),  # the wave dash, which width folding keeps
    ("12月2日の木曜日に会談した", "会談はいつ？", "12月2日"),
    ("可燃ごみ: 火・金曜日、不燃ごみ: 第2金曜", "可燃ごみって何曜日？", "火・金曜日"),
    ("会談は木曜日に開かれた。", "会談は何曜日？", "木曜日"),  # asked the day: one day answers
    ("毎月15日に開かれる。", "何曜日に開かれる？", ""),
])
def test_when_a_service_recurs_its_days_of_the_week_answer(text, question, words):
    assert answer_span(text, expected_answer(question), question) == words


@pytest.mark.parametrize("text, question, words", [
    ("始発便は午前6時40分に出ます。", "一番早い船は何時発ですか？", "午前6時40分"),
    ("4月1日から、始発便は午前6時40分に出ます。", "4月から一番早い船は何時発？", "午前6時40分"),  # not the date
    ("受付は18:00までです。", "受付は何時まで？", "18:00"),
    ("閉館は午後5時半です。", "閉館は何時？", "午後5時半"),
    ("開館時間を1時間延長し、午前9時～午後8時とします。", "開館は何時から？", "午前9時"),  # 1時間 is no time of day
    ("話し合いは5時間に及んだ", "話し合いは何時間続いた？", "5時間"),  # 何時間: hours, not a time of day
    ("奈良時代のものとされる。", "何時代のものですか？", ""),  # 何時代: an era, no kind of words
    ("数学は3時限目です。", "数学は何時限目？", ""),  # a period of the school day, no time
    ("受付は本日17時限りで終了します。", "受付は何時まで？", "17時"),  # 時限り: until then
    ("記録は1:23:45でした。", "記録は何時？", ""),  # a duration, no time of day
])
def test_what_time_questions_want_a_time_of_day(text, question, words):
    assert answer_span(text, expected_answer(question), question) == words


@pytest.mark.parametrize("text, question, words", [
    ("開館時間を1時間延長し、午前9時～午後8時とします。", "平日は何時まで開いてるの？", "午後8時"),
    ("1972年から1991年に製造され、2011年(平成23年)まで運用された。", "何年まで運用されましたか？", "2011年"),
    ("会議は2006年11月16-18日に開かれた。", "11月16日からいつまで開かれた？", "18日"),
    ("1701年から1714年までの戦争", "何年から何年までの戦争？", "1701年"),  # a whole range asked: its first word
    ("開館は午前9時です。", "何時まで開いてる？", "午前9時"),  # no range: the word of the asked kind there is
])
def test_until_when_questions_want_the_end_of_a_range(text, question, words):
    assert answer_span(text, expected_answer(question), question) == words


@pytest.mark.parametrize("span, question, end", [
    ("9時から20時", "図書館は平日何時まで開いているの?", "20時"),
    ("1193-1215年", "アイユーブ朝を統治していたのは1193年からいつまででしたか。", "1215年"),
    ("午前９時～午後８時", "何時まで開いてる？", "午後８時"),
    ("2024年4月-2025年3月", "キャンペーンはいつまで？", "2025年3月"),
    ("9時から20時", "何時から何時まで開いてる？", "9時から20時"),  # the whole range asked
    ("9時から20時", "何時に開く？", "9時から20時"),  # no end asked
    ("SC-300", "いつまで販売？", "SC-300"),  # no range of figures
    ("9時から20時まで", "何時まで？", "20時"),
    ("平日9時から20時、土日10時から18時", "何時まで？", "平日9時から20時、土日10時から18時"),  # two ranges
    ("03-1234-5678", "いつまで受付？", "03-1234-5678"),  # no range: two marks
    ("5月5日(月)から12日(日)", "いつまで？", "5月5日(月)から12日(日)"),  # an aside after its end
])
def test_a_short_answer_to_until_when_is_the_end_of_its_range(span, question, end):
    assert range_end(span, question) == end


def test_other_questions_accept_any_words():
    for question in ("誰ですか？", "どこの国ですか？", "なぜですか？", "何と呼びましたか？"):
        assert expected_answer(question) is None and holds_answer("何でも", expected_answer(question))


@pytest.mark.parametrize("span, question, other", [
    ("11月15日", "バイデン大統領が生まれた州はどこですか？", True),
    ("1945年", "会談を提案したのは誰？", True),
    ("333メートルです。", "東京タワーはどこにある？", True),
    ("ペンシルベニア州", "バイデン大統領が生まれた州はどこですか？", False),
    ("11月15日", "バイデン大統領が生まれたのはいつですか？", False),
    ("2人", "会談に出たのは何人？", False),
    ("マニング氏", "指摘したのは誰ですか？", False),
    ("", "どこで開かれた？", False),
    ("ベーリング海を挟んだどちらかでの開催を模索したことがある", "日本の首相の名前を答えてください。", True),
    ("アラスカで行われました。", "会談はどこで？", True),
    ("チャーチル外しと呼ばれる前例だった", "その前例の名称は？", True),
    ("ラブロフ外相です。", "アスタナで会談した外相の名前は？", False),
    ("梅山号", "船の名称は？", False),
    ("2023年にそう述べた。", "なぜですか？", False),
    ("薄い黄色の夕焼けが描かれている", "この絵の見どころは何ですか？", False),  # the どころ of 見どころ asks no place
    ("1767年", "この絵の見どころは何ですか？", False),
    ("1767年", "この絵の見どころはどこですか？", True),
    ("1767年", "雪崩(なだれ)の原因は何？", False),  # the だれ of なだれ
    # a person answers no 「どこ」
    ("パトルシェフ・ロシア安全保障会議書記", "サリバン補佐官とパトルシェフ書記の会談って、どこで開かれることになってるの？", True),
    ("ラブロフ外相", "会談はどこで開かれた？", True), ("マニング氏", "どこの誰が言った？", False),  # asks who too
    ("ジュネーブ", "会談はどこで開かれた？", False), ("国連本部", "会談はどこで開かれた？", False),
    ("ブラジル代表", "日本代表は決勝でどこと対戦した？", False),  # a team
    ("東京都知事", "どこの知事を務めている？", False), ("横浜市長", "どこの市長？", False),  # the title asked about
    # a length of time answers 「どのくらいの時間」, and alone it answers no 「いくら」
    ("37回目", "会談はどれくらいの時間続きましたか？", True), ("約90分", "会談はどれくらいの時間続きましたか？", False),
    ("30万年ほど", "火山活動はどれくらいの期間続いたの？", False), ("3営業日", "どのくらい要しましたか？", False),
    ("数か月", "交渉はどのくらい続いた？", False), ("5億円", "どれくらいかかりましたか？", False),  # a cost
    ("約300億円", "建設費はどのくらい要した？", False), ("約500円", "株価はどのくらい続落した？", False),
    ("5%", "中国はどのくらい経済成長した？", False), ("半月", "交渉はどのくらい続いた？", False),
    ("50年間", "中国が保有する米国債の額はいくらですか？", True), ("ほぼ50年間", "米国債の額はいくら？", True),
    ("約3000億ドル", "資産はいくら？", False), ("無料", "入場料はいくらですか？", False), ("ゼロ", "反対票はいくら？", False),
    ("50年間で保有していた金準備高", "中国が保有する米国債の額はいくら？", True),  # no figure for an amount
    ("リーゼ・マイトナー", "いいくらいだったと評価した人は誰ですか。", False),  # the くらい of いいくらい
    ("5年間", "いくらいりますか？", True), ("招待していただいた", "料金はいくら？", True),
    ("4.5カ月分", "年間一時金はいくら？", False), ("家賃の2か月分", "敷金はいくら？", False),  # months' pay
    # 「どの都市」, 「どの国」 ask where; 「どの国の大統領」 and 「どの市長」 ask who
    ("8月15日", "アラスカ州のどの都市で開かれましたか？", True), ("パトルシェフ書記", "会談はどの国で開かれる？", True),
    ("バイデン大統領", "どの国の大統領が来日した？", False), ("田中市長", "どの市長が出席した？", False),
    ("1週間", "建国からいくら経って消滅した？", False),  # how long passed
    ("12日", "物価上昇がいくらか和らいだのは何日？", False),  # いくらか, "somewhat"
    ("約50分", "車をフェリーで運ぶといくらかかりますか？", True),  # いくらかかる asks for an amount
    # 「いくつ」 asks how many: words without a number answer another question
    ("中露首脳会談", "会議に呼ばれたのは、国と地域を合わせていくつ？", True),
    ("110カ国・地域", "会議に呼ばれたのは、国と地域を合わせていくつ？", False),
    ("三つ", "いくつの島がある？", False), ("複数", "支店はいくつありますか？", False),
    ("みっつ", "いくつの島がある？", False), ("ゼロ", "反対はいくつ？", False), ("なし", "駐車場はいくつある？", False),
    ("梅山", "船はいくつか？", True),  # 「いくつか？」 at the end asks how many
    ("23", "欧州連合は、いくつの正式名称を有していますか?", False),  # how many names: a count answers
    ("梅山", "いくつかの船のうち、最初に入ったのは何号？", False),  # いくつか, "some"
    ("湖", "いくつもの国を流れる川は何に注ぐ？", False),  # いくつも, "many"
])
def test_a_date_or_figure_or_a_clause_answers_no_where_who_or_name_question(span, question, other):
    assert of_another_kind(span, question) is other


@pytest.mark.parametrize("span, question, other", [
    ("12月初旬", "全面侵攻を始めたのは何年何月何日？", True),
    ("同日", "会談は何日？", True),
    ("12月7日", "会談は何月何日？", False),
    ("十五日", "何日に着いた？", False),
    ("10月24~26日", "何日から何日まで？", False),
    ("3日間", "会談は何日間続いた？", False),  # 何日間 asks for a length
    ("5日前", "何日前に届いた？", False),
    ("", "何日？", False),  # no short answer is no answer of another kind
    ("田中氏", "誰が何日に来た？", False),  # asked for a name as well
    ("2週間", "完成まで何日かかった？", False), ("1週間以内", "何日以内に申し込む？", False),  # lengths of time
    ("1か月", "何日くらい試せる？", False),
    ("午前10時", "何日の何時から？", False),  # the time of day asked too
    ("1週間", "会談は何日続いた？", False), ("5月", "何日に始まり、何時間かかる？", True),  # 何時間 is a length
])
def test_an_answer_without_a_day_answers_no_question_asking_which_day(span, question, other):
    assert of_another_kind(span, question) is other


@pytest.mark.parametrize("question, asks", [
    ("会見したのは誰？", True), ("生まれたのはどこ？", True), ("だれが来た？", True),
    ("なだれが起きたのはいつ？", False), ("どことなく似ている二人の名前は？", False),
])
def test_who_or_where_is_asked_by_its_words_not_by_their_letters_inside_others(question, asks):
    assert asks_who_or_where(question) == asks
