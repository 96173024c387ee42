from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NotifyConfig(AppConfig):
    name = "quanzi.notify"
    label = "notify"
    verbose_name = _("通知")

    def ready(self) -> None:
        import quanzi.notify.jobs  # noqa: F401  (registers the delivery and reminder jobs with huey)
        from quanzi.accounts import hooks as account_hooks
        from quanzi.content import hooks as content_hooks
        from quanzi.core.realtime import register_websocket
        from quanzi.notify import personal_data, reminders, services
        from quanzi.notify.consumers import NotificationConsumer
        from quanzi.orders import hooks as order_hooks

        # every notice of every app passes through accounts.services.notification_create: the member's settings
        # decide the inbox, and each notice is pushed live and queued on the external channels the member has on
        account_hooks.notification_gate("notify", services.inbox_wanted)
        account_hooks.on_notification("notify", services.notice_sent)
        register_websocket("ws/notify/", NotificationConsumer, name="notify")
        # moments that had no notice: a commission released (named to run after distribution's own hook, which
        # releases it: hooks run in name order), an @mention in a published post or a visible comment
        order_hooks.on_completed("referrals.distribution.notify", reminders.commission_released)
        content_hooks.on_fact("notify.mentions", reminders.mentions_in_post)
        reminders.connect_live()  # a live session going on air, once the live app exposes its hook
        personal_data.register()
