from django.db import models


class ProbeSeen(models.Model):
    order_id = models.BigIntegerField()
    moment = models.CharField(max_length=16)
    ref = models.CharField(max_length=64, blank=True, default="")
    amount_fen = models.IntegerField(default=0)
    lines = models.JSONField(default=dict)
    sources = models.JSONField(default=dict)


class ProbeCheckout(models.Model):
    checkout_id = models.BigIntegerField()
    order_ids = models.JSONField(default=list)
    sources = models.JSONField(default=list)
