from django.urls import path

from quanzi.content import calendar_views, views

urlpatterns = [
    path("", views.home, name="home"),
    path("compose/", views.compose, name="compose"),
    path("c/<slug:slug>/", views.community_page, name="community"),
    path("c/<slug:slug>/events/", views.community_events, name="community-events"),
    path("c/<slug:slug>/checkin/", views.checkin, name="checkin"),
    path("c/<slug:slug>/review/", views.review, name="community-review"),
    path("c/<slug:slug>/calendar/", calendar_views.calendar, name="community-calendar"),
    path("p/<int:post_id>/reschedule/", calendar_views.reschedule, name="post-reschedule"),
    path("p/<int:post_id>/publish-now/", calendar_views.publish_now, name="post-publish-now"),
    path("p/<int:post_id>/", views.post_detail, name="post"),
    path("p/<int:post_id>/comment/", views.comment_create, name="post-comment"),
    path("p/<int:post_id>/accept/<int:comment_id>/", views.answer_accept, name="post-accept"),
    path("p/<int:post_id>/react/<str:kind>/", views.reaction_toggle, name="post-react"),
    path("p/<int:post_id>/vote/", views.poll_vote, name="post-vote"),
    path("p/<int:post_id>/signup/", views.event_signup, name="post-signup"),
    path("p/<int:post_id>/share/", views.share_create, name="post-share"),
    path("p/<int:post_id>/delete/", views.post_delete, name="post-delete"),
    path("p/<int:post_id>/moderate/<str:action>/", views.moderate_post, name="post-moderate"),
    path("comments/<int:comment_id>/fold/", views.comment_fold, name="comment-fold"),
    path("comments/<int:comment_id>/review/<str:action>/", views.comment_review, name="comment-review"),
    path("s/<str:token>/", views.share_landing, name="share"),
    path("u/<int:user_id>/posts/", views.member_posts, name="member-posts"),
    path("t/<str:name>/", views.topic_page, name="topic"),
    path("me/favourites/", views.favourites, name="favourites"),
]
