from django.urls import path

from quanzi.chat import views

urlpatterns = [
    path("chat/", views.inbox, name="chat-inbox"),
    path("chat/settings/", views.chat_settings, name="chat-settings"),
    path("chat/shop/", views.shop_queue, name="chat-shop-queue"),
    path("chat/service/", views.start_service, name="chat-service-start"),
    path("chat/to/<int:user_id>/", views.start_direct, name="chat-direct-start"),
    path("chat/c/<int:conversation_id>/", views.conversation, name="chat-conversation"),
    path("chat/c/<int:conversation_id>/send/", views.send, name="chat-send"),
    path("chat/c/<int:conversation_id>/messages/", views.messages_after, name="chat-messages"),
    path("chat/c/<int:conversation_id>/read/", views.read, name="chat-read"),
    path("chat/c/<int:conversation_id>/report/", views.report, name="chat-report"),
    path("chat/c/<int:conversation_id>/block/", views.block_toggle, name="chat-block"),
    path("chat/c/<int:conversation_id>/assign/", views.assign, name="chat-assign"),
    path("chat/images/<int:message_id>/", views.message_image, name="chat-image"),
]
