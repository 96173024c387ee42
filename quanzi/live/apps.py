from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class LiveConfig(AppConfig):
    name = "quanzi.live"
    label = "live"
    verbose_name = _("直播")

    def ready(self) -> None:
        from quanzi.core.realtime import register_websocket
        from quanzi.live import plugin
        from quanzi.live.consumers import LiveRoomConsumer

        register_websocket("ws/live/<int:session_id>/", LiveRoomConsumer, name="live_room")
        plugin.register()
