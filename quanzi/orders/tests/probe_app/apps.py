"""A plug-in app installed only in the tests (settings.py adds it when TESTING): it registers a hook for every
lifecycle moment, writing a row per call (no unique constraint, so a second call would show), and a checkout
hook that refuses when the buyer's options ask it to."""

from __future__ import annotations

from django.apps import AppConfig


class ProbeConfig(AppConfig):
    name = "quanzi.orders.tests.probe_app"
    label = "orders_probe"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from quanzi.orders import hooks
        from quanzi.orders.tests.probe_app import plugin

        hooks.on_checkout("probe.checkout", plugin.on_checkout)
        for moment in hooks.Moment.ALL:
            hooks.on_moment(moment, "probe.seen", plugin.seen)
