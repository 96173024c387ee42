from django.urls import path

from quanzi.accounts import views

urlpatterns = [
    path("signup/", views.signup, name="signup"),
    path("login/", views.login_view, name="login"),
    path("logout/", views.logout_view, name="logout"),
    path("logout/all/", views.logout_all_view, name="logout-all"),
    path("u/<int:user_id>/", views.profile, name="profile"),
    path("u/<int:user_id>/follow/", views.follow_toggle, name="follow-toggle"),
    path("me/edit/", views.profile_edit, name="profile-edit"),
    path("me/password/", views.password_change_view, name="password-change"),
    path("notifications/", views.notifications, name="notifications"),
]
