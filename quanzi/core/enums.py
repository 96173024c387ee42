from django.db import models
from django.utils.translation import gettext_lazy as _


class TouchKind(models.TextChoices):
    """What kind of touch a `core.Touch` row records (the inputs of the order's last-touch credit)."""

    CARD_CLICK = "card_click", _("商品卡片点击")
    SHARE_VIEW = "share_view", _("分享链接浏览")
    # a view of a product through a share link that is not a post's (a group-buy link): the product and the
    # sharer's token, no post
    LINK_VIEW = "link_view", _("商品分享链接浏览")
