from django.db import models
from django.utils.translation import gettext_lazy as _


class TagGroup(models.TextChoices):
    """The four groups of the 四元分析法 persona."""

    BASIC = "basic", _("基本属性")
    BEHAVIOUR = "behaviour", _("行为")
    NEEDS = "needs", _("需求与场景")
    SOCIAL = "social", _("社交")
