"""The search document and the queries of a term (common/search.py), without a database: what
a name stores, how typed pinyin splits, and that every lexeme is quoted (the HTTP tests of the
four lists run the same texts through PostgreSQL)."""

from __future__ import annotations

from common.search import document, segmentations, terms


def test_a_name_stores_characters_pairs_pinyin_initials_and_its_whole_forms() -> None:
    stored = document("抱抱熊托育", "ＫＦＣ")

    assert "'抱抱':1" in stored and "'熊托':3" in stored and "'托':4" in stored
    assert "'py:bao':1,2" in stored and "'py:xiong':3" in stored
    assert "'in:bb':1" in stored and "'in:bx':2" in stored
    assert "'nm:抱抱熊托育'" in stored and "'nm:baobaoxiongtuoyu'" in stored
    assert "'nm:bbxty'" in stored
    # the second text starts 1,000 positions on (no phrase runs across), full width folded
    assert "'kf':1001" in stored and "'fc':1002" in stored
    assert "nm:kfc" not in stored  # only the name ranks


def test_pinyin_in_context_and_quotes_escaped() -> None:
    assert "'py:kuai':1" in document("会计")
    assert "'py:hui':1" in document("会议")
    assert "'t''':2" in document("it's") and "'nm:it''s'" in document("it's")
    assert "'\\\\'" in document("a\\b")


def test_typed_pinyin_splits_into_syllables_fewest_first() -> None:
    assert segmentations("baobaoxiong", open_end=True)[0] == ["bao", "bao", "xiong"]
    assert ["xi", "an"] in segmentations("xian", open_end=False)
    assert segmentations("xian", open_end=False)[0] == ["xian"]
    assert segmentations("baobaox", open_end=True)[0] == ["bao", "bao", "x"]
    assert segmentations("baobaox", open_end=False) == []
    assert segmentations("qqq", open_end=True) == []


def test_the_queries_of_a_term() -> None:
    two = terms("会计")
    assert two.match == "( '会计' )"
    assert two.exact == "'nm:会计'" and two.prefix == "'nm:会计':*"
    assert terms("会计师").match == "( '会计' <-> '计师' )"
    pinyin = terms("KuaiJi").match
    assert "'py:kuai' <-> 'py:ji' )" in pinyin  # a whole syllable is itself
    assert "'in:ku' <-> 'in:ua'" in pinyin
    assert "'py:bao' <-> 'py:bao' <-> 'py:x':*" in terms("baobaox").match  # still typing
    assert terms("bbx").match == "( 'bb' <-> 'bx' ) | ( 'in:bb' <-> 'in:bx' )"
    assert terms("x").match == "( 'x' )"  # one letter is a character, not pinyin
    assert terms("a'b|c").match.startswith("( 'a''' <-> '''b' <-> 'b|' <-> '|c' )")
