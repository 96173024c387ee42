from django.urls import path

from quanzi.growth.redpackets import views

urlpatterns = [
    path("redpackets/new/", views.packet_new, name="redpacket-new"),
    path("redpackets/<int:packet_id>/", views.packet_detail, name="redpacket-detail"),
    path("redpackets/<int:packet_id>/claim/", views.packet_claim, name="redpacket-claim"),
    path("balance/", views.my_balance, name="my-balance"),
]
