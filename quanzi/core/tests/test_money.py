from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from quanzi.core.money import allocate, format_yuan, parse_yuan, percent_of


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


# --- parse_yuan: the one parser of yuan amounts (gateway notifications, the refund amount a buyer types) ---------


@given(st.integers(min_value=0, max_value=10**12))
def test_parse_yuan_reads_what_format_yuan_writes(fen):
    assert parse_yuan(format_yuan(fen), symbol=True) == fen
    assert parse_yuan(f"{fen // 100}.{fen % 100:02d}") == fen


@pytest.mark.parametrize("text,fen", [("0.07", 7), ("100.1", 10010), ("12", 1200), (" 99.99 ", 9999), ("0", 0)])
def test_parse_yuan_is_exact(text, fen):
    assert parse_yuan(text) == fen


@pytest.mark.parametrize("text,fen", [("¥12.34", 1234), ("￥ 5", 500), ("49.50", 4950)])
def test_parse_yuan_takes_the_yuan_sign_when_asked(text, fen):
    assert parse_yuan(text, symbol=True) == fen
    with pytest.raises(ValueError):
        parse_yuan("¥12.34")  # a gateway never sends the sign: without `symbol` it is refused


@pytest.mark.parametrize("text", ["12.345", "-1.00", "1e3", "", "abc", "01.00", " 1.0.0", "NaN", "Infinity", None,
                                  "1,000", "1 000", "0x10", "１２"])
def test_parse_yuan_refuses_anything_else(text):
    with pytest.raises(ValueError):
        parse_yuan(text, symbol=True)
