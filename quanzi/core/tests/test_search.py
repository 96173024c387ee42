"""core.search.search_terms: the one Chinese search helper (content's post search and communities' search)."""

from quanzi.communities import selectors as community_selectors
from quanzi.content import selectors as content_selectors
from quanzi.core.search import search_terms


def test_chinese_without_spaces_is_cut_with_jieba():
    assert search_terms("母婴推荐") == ["母婴", "推荐"]
    terms = search_terms("母婴好物")
    assert "母婴" in terms and "好物" in terms


def test_spaces_split_and_case_folds():
    assert search_terms("健身 减脂") == ["健身", "减脂"]
    assert search_terms("  iPhone   手机壳 ") == ["iphone", "手机壳"]


def test_punctuation_and_lone_characters_are_dropped():
    assert search_terms("？！") == []
    assert search_terms("   ") == []
    assert search_terms("的 推荐") == ["推荐"]  # a single character matches too much when longer terms exist
    assert search_terms("猫") == ["猫"]  # ... but alone it is the query


def test_each_term_once_at_most_limit():
    assert search_terms("推荐 推荐 好物") == ["推荐", "好物"]
    many = " ".join(f"词{i:02d}" for i in range(30))
    assert len(search_terms(many)) == 10
    assert len(search_terms(many, limit=3)) == 3
    assert len(search_terms("长" * 500)) <= 10  # the query is cut to 100 characters first


def test_phrase_keeps_the_whole_query_after_its_parts():
    terms = search_terms("母婴好物分享", phrase=True)
    assert terms[-1] == "母婴好物分享" and "母婴" in terms
    assert search_terms("健身 减脂", phrase=True) == ["健身", "减脂"]  # split by the user: no phrase
    assert search_terms("？！", phrase=True) == []


def test_the_apps_use_this_helper():
    assert content_selectors.search_terms is search_terms
    assert community_selectors.search_terms("母婴好物")[:2] == search_terms("母婴好物")[:2]
    assert community_selectors.search_terms("母婴好物")[-1] == "母婴好物"
