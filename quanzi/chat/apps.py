from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ChatConfig(AppConfig):
    name = "quanzi.chat"
    label = "chat"
    verbose_name = _("私信与客服")

    def ready(self) -> None:
        """Plug into the lower registries: the conversation WebSocket route (core.realtime), the 联系客服 panel on
        the product page (catalog.hooks), the 私信 button on a member's profile (accounts.hooks), and the member's messages in the privacy export and deletion
        (core.personal_data)."""
        from quanzi.accounts import hooks as account_hooks
        from quanzi.catalog import hooks as catalog_hooks
        from quanzi.chat import consumers, panels, personal_data
        from quanzi.core.realtime import register_websocket

        register_websocket("ws/chat/<int:conversation_id>/", consumers.ConversationConsumer, name="chat-conversation")
        catalog_hooks.product_panel("chat", panels.product_panel)
        account_hooks.profile_panel("chat", panels.profile_panel)
        personal_data.register()
