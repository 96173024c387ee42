from django.urls import path

from quanzi.paidcontent import views

urlpatterns = [
    path("paid/", views.index, name="paid-index"),
    path("paid/me/", views.mine, name="paid-mine"),
    path("paid/studio/", views.studio, name="paid-studio"),
    path("paid/courses/<int:course_id>/", views.course_page, name="paid-course"),
    path("paid/courses/<int:course_id>/lessons/", views.lesson_add, name="paid-lesson-add"),
    path("paid/lessons/<int:lesson_id>/", views.lesson_page, name="paid-lesson"),
    path("paid/lessons/<int:lesson_id>/img/<int:image_id>/", views.lesson_image, name="paid-lesson-image"),
    path("paid/columns/<int:column_id>/", views.column_page, name="paid-column"),
    path("paid/columns/<int:column_id>/articles/", views.article_add, name="paid-article-add"),
    path("paid/articles/<int:article_id>/", views.article_page, name="paid-article"),
    path("paid/buy/<str:kind>/<int:item_id>/", views.buy, name="paid-buy"),
]
