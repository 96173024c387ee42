"""SQL fragments shared by the metric definitions (plain text, so each metric's SQL stays readable whole)."""

from __future__ import annotations


def in_range(col: str) -> str:
    """The row's day is inside [$date_from, $date_to] (both included)."""
    return f"CAST({col} AS DATE) BETWEEN CAST($date_from AS DATE) AND CAST($date_to AS DATE)"


def in_community(col: str) -> str:
    """The row belongs to the chosen community, or no community was chosen (the whole platform)."""
    return f"(CAST($community_id AS BIGINT) IS NULL OR {col} = CAST($community_id AS BIGINT))"


def for_kol(col: str) -> str:
    return f"(CAST($kol_id AS BIGINT) IS NULL OR {col} = CAST($kol_id AS BIGINT))"


# each (user, day) with an event in scope, once, with the user's first day in scope (over all history): the
# platform's, or the chosen community's (lake.DERIVED)
SCOPE_DAYS = """
SELECT user_id, day, first_day FROM platform_days WHERE CAST($community_id AS BIGINT) IS NULL
UNION ALL
SELECT user_id, day, first_day FROM user_days WHERE community_id = CAST($community_id AS BIGINT)
"""

# the users active on each day of the range: the base of DAU/WAU/MAU, new vs returning and retention
ACTIVE_DAYS = f"""
SELECT user_id, day, first_day
FROM ({SCOPE_DAYS}) AS s
WHERE {in_range('day')}
"""
