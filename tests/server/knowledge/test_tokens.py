from __future__ import annotations

from server.knowledge import tokens


def test_document_tokens_keep_words_bigrams_and_characters() -> None:
    assert tokens.document_tokens("光猫LOS红灯") == ["光", "猫", "光猫", "los", "红", "灯", "红灯"]


def test_query_tokens_use_bigrams_and_a_lone_character() -> None:
    assert tokens.query_tokens("光猫 红灯闪") == ["光猫", "红灯", "灯闪"]
    assert tokens.query_tokens("灯") == ["灯"]
    assert tokens.query_tokens("Red light, red LIGHT!") == ["red", "light"]


def test_full_width_and_case_are_normalised() -> None:
    assert tokens.query_tokens("ＯＮＵ　２号") == ["onu", "2", "号"]


def test_punctuation_only_gives_no_tokens() -> None:
    assert tokens.query_tokens(" ,。!?—") == []
    assert tokens.rank(" ,。", [("a", "光猫")]) == []


def test_search_terms_repeat_by_field_weight() -> None:
    terms = tokens.search_terms({"symptom_en": "no signal", "solution_en": "signal"}).split()
    assert terms.count("signal") == tokens.WEIGHTS["symptom_en"] + tokens.WEIGHTS["solution_en"]
    assert terms.count("no") == tokens.WEIGHTS["symptom_en"]


def test_more_matching_tokens_and_rarer_tokens_rank_higher() -> None:
    entries = [
        ("both", tokens.search_terms({"symptom_zh": "光猫红灯闪烁"})),
        ("only-onu", tokens.search_terms({"symptom_zh": "光猫无法注册"})),
        ("only-red", tokens.search_terms({"symptom_zh": "机顶盒红灯常亮"})),
        ("none", tokens.search_terms({"symptom_zh": "打印机卡纸"})),
    ]
    hits = tokens.rank("光猫 红灯", entries)
    assert [h.key for h in hits][:1] == ["both"]
    assert {h.key for h in hits} == {"both", "only-onu", "only-red"}
    assert all(h.score > 0 for h in hits)


def test_ties_are_broken_by_key() -> None:
    same = tokens.search_terms({"symptom_en": "no dial tone"})
    assert [h.key for h in tokens.rank("dial", [("b", same), ("a", same)])] == ["a", "b"]
