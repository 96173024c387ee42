"""Seed the default level table and the 圈子PLUS plans (operators edit both in the back office). The plans' virtual
SKUs are made on first sale (`services.plan_sku_sync`), not here: a migration calls no service."""

from django.db import migrations

LEVELS = [
    # name, growth threshold, member price, free-shipping threshold (fen; None = none, 0 = always), description
    ("普通会员", 0, False, None, "注册即享"),
    ("银卡", 1000, True, 9900, "会员价；单店满 ¥99 包邮"),
    ("金卡", 5000, True, 4900, "会员价；单店满 ¥49 包邮；每月礼券"),
    ("钻石", 20000, True, 0, "会员价；全部包邮；每月礼券"),
]

PLANS = [
    # code, name, kind, days, price (fen), extra discount %, refund after use, sort
    ("plus-trial", "圈子PLUS 7 天试用", "trial", 7, 0, 0, "none", 0),
    ("plus-monthly", "圈子PLUS 月卡", "monthly", 30, 1500, 0, "none", 1),
    ("plus-yearly", "圈子PLUS 年卡", "yearly", 365, 12800, 5, "pro_rata", 2),
]


def seed(apps, schema_editor):  # noqa: ANN001
    Level = apps.get_model("loyalty_membership", "Level")
    Plan = apps.get_model("loyalty_membership", "Plan")
    for name, threshold, member_price, free_fen, description in LEVELS:
        Level.objects.get_or_create(threshold=threshold, defaults={
            "name": name, "member_price": member_price, "free_shipping_threshold_fen": free_fen,
            "description": description})
    for code, name, kind, days, price, extra, after_use, sort in PLANS:
        Plan.objects.get_or_create(code=code, defaults={
            "name": name, "kind": kind, "days": days, "price_fen": price, "extra_discount_percent": extra,
            "refund_after_use": after_use, "sort": sort, "free_shipping": True})


class Migration(migrations.Migration):
    dependencies = [("loyalty_membership", "0001_initial")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
