from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from quanzi.core.money import allocate, format_yuan, percent_of


@given(st.integers(min_value=0, max_value=10**9), st.lists(st.integers(min_value=0, max_value=10**7), min_size=1,
                                                            max_size=30))
def test_allocate_sums_exactly_and_never_goes_negative(total, weights):
    parts = allocate(total, weights)
    assert sum(parts) == total
    assert all(p >= 0 for p in parts)
    assert len(parts) == len(weights)


def test_allocate_follows_weights():
    assert allocate(100, [1, 1, 1]) == [34, 33, 33]
    assert allocate(10, [0, 5, 5]) == [0, 5, 5]


def test_percent_rounds_half_up_in_fen():
    assert percent_of(1999, Decimal("0.05")) == 100  # 99.95 -> 100
    assert percent_of(10, Decimal("0.05")) == 1  # 0.5 -> 1
    with pytest.raises(TypeError):
        percent_of(100, 0.05)  # type: ignore[arg-type]


def test_format_yuan():
    assert format_yuan(12345) == "¥123.45"
    assert format_yuan(-5) == "-¥0.05"
