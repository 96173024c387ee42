from django.conf import settings
from django.contrib import admin
from django.urls import include, path
from django.utils.translation import gettext_lazy
from django.views.generic import RedirectView

from quanzi.api import api
from quanzi.core.media import media_urlpatterns

handler500 = "quanzi.core.views.server_error"

admin.site.site_header = gettext_lazy("圈子 quanzi 运营后台")
admin.site.site_title = gettext_lazy("圈子 quanzi")
admin.site.index_title = gettext_lazy("运营管理")

urlpatterns: list = [
    path("admin/", admin.site.urls),
    # browsers and chat apps ask for /favicon.ico whatever the page links (base.html links the static icons)
    path("favicon.ico", RedirectView.as_view(url=f"{settings.STATIC_URL}favicon.ico", permanent=True)),
    path("api/v1/", api.urls),
    path("i18n/", include("django.conf.urls.i18n")),
    path("wx/", include("quanzi.wxlogin.urls")),  # WeChat login (quanzi/wxlogin)
    path("", include("quanzi.personas.urls")),  # 我的画像 and the segment builder (quanzi/personas)
    path("insight/", include("quanzi.insight.urls")),  # dashboards (quanzi/insight/views.py)
    path("", include("quanzi.web.urls")),
]
urlpatterns += media_urlpatterns()  # uploads, with DEBUG on or off: pictures only, never sniffed (core/media.py)
