"""Payments (支付): gateways, payments, callbacks and refunds.

For other apps (call these; never the models):

- ``services.payment_create(user=, order_id=, gateway=, kind=)`` -> Payment (``client_data["pay_url"]`` to open,
  or ``client_data["params"]`` for WeChat's JS bridge); ``cashier.cashier_options(user_agent=)`` for the kinds to
  offer where the buyer is
- ``services.sandbox_pay_now(user=, order_id=)`` -> Payment: pay through the sandbox synchronously (demo, tests)
- ``services.refund_create(order_id=, amount_fen=, refund_no=, reason=, kind=, actor=)`` -> Refund: idempotent by
  ``refund_no``; never more than was paid; the gateway call runs after commit and, on success, books the refund
  on the order with ``orders.services.order_record_refund``. Authorisation is the caller's (after-sales).
- ``services.refund_retry(refund_no=)``; ``selectors.refund_list_for_order(user=, order_id=)``,
  ``selectors.refunded_fen_for_order(order_id=)``.

Gateways live in ``payments.gateways`` (``get_gateway(name)``): each only when configured:
``sandbox`` with ``settings.QUANZI_SANDBOX_PAYMENTS`` (demo, tests), ``wechat`` and ``alipay`` when
``settings.QUANZI_PAYMENTS`` has their block (see ``payments.conf``).
"""
