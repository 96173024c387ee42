from django.db import models
from django.utils.translation import gettext_lazy as _


class StatementStatus(models.TextChoices):
    DRAFT = "draft", _("待确认")
    CONFIRMED = "confirmed", _("已确认")


class LineKind(models.TextChoices):
    SALE = "sale", _("销售")
    REFUND = "refund", _("退款")
