from __future__ import annotations

from quanzi.core.errors import Conflict
from quanzi.orders.hooks import CheckoutContext, OrderMomentEvent
from quanzi.orders.tests.probe_app.models import ProbeCheckout, ProbeSeen

# tests switch this on to make a hook fail (the sweep must retry it, the others must not run twice)
FAIL = {"seen": False}


def on_checkout(ctx: CheckoutContext) -> None:
    if ctx.options.get("probe_refuse"):
        raise Conflict("probe_sold_out", "探针插件：名额已满")
    ProbeCheckout.objects.create(checkout_id=ctx.checkout_id, order_ids=[o.order_id for o in ctx.orders],
                                 sources=ctx.sources)


def seen(event: OrderMomentEvent) -> None:
    ProbeSeen.objects.create(order_id=event.order_id, moment=event.moment, ref=event.ref,
                             amount_fen=event.amount_fen, lines={str(k): v for k, v in event.lines.items()},
                             sources=event.sources)
    if FAIL["seen"]:
        raise RuntimeError("probe hook failing on purpose")
