import pytest

from quanzi.core.errors import InvalidInput
from quanzi.orders.carriers import Carrier, carrier_from_text, carrier_name


def test_a_listed_carrier_is_stored_by_its_one_name():
    assert carrier_name("sf") == "顺丰速运"
    assert carrier_name(Carrier.JTEXPRESS) == "极兔速递"
    assert carrier_name("other", "  丰网速运 ") == "丰网速运"
    assert carrier_name("other", "顺丰") == "顺丰速运"  # a listed one typed under "other"
    for text, name in (("顺丰", "顺丰速运"), ("SF", "顺丰速运"), ("中通快递", "中通快递"), ("ems", "EMS"),
                       ("京东", "京东物流"), ("某某快运", "某某快运")):
        assert carrier_from_text(text) == name


@pytest.mark.parametrize("code,other", [("", ""), ("ups", ""), ("other", ""), ("other", "x" * 41)])
def test_an_unknown_carrier_or_other_without_a_name_is_refused(code, other):
    with pytest.raises(InvalidInput) as exc:
        carrier_name(code, other)
    assert exc.value.code == "invalid_carrier"
