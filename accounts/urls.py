from django.urls import path

from accounts import views

app_name = "accounts"

urlpatterns = [
    path("sign-in/", views.SignInView.as_view(), name="login"),
    path("sign-in/council/", views.sso_start_view, name="sso_start"),
    path("sign-in/council/callback/", views.sso_callback_view, name="sso_callback"),
    path("sign-out/", views.sign_out_view, name="logout"),
    path("password/", views.PasswordChangeView.as_view(), name="password_change"),
    path("two-factor/", views.two_factor_view, name="two_factor"),
    path("profile/", views.profile_view, name="profile"),
]
