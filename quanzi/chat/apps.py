from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ChatConfig(AppConfig):
    name = "quanzi.chat"
    label = "chat"
    verbose_name = _("私信与客服")
