from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AftersalesConfig(AppConfig):
    name = "quanzi.aftersales"
    label = "aftersales"
    verbose_name = _("售后与评价")
