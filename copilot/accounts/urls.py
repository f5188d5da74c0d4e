"""Sign-in (OpenID Connect through mozilla-django-oidc) and SMART EHR launch routes."""

from django.urls import path, re_path
from mozilla_django_oidc.views import OIDCAuthenticationCallbackView, OIDCLogoutView

from . import views
from .oidc import OIDCAuthenticateView

urlpatterns = [
    path("accounts/login/", views.login, name="login"),
    path("accounts/login/failed/", views.login_failed, name="login-failed"),
    path("accounts/logout/", OIDCLogoutView.as_view(), name="logout"),
    path("oidc/authenticate/", OIDCAuthenticateView.as_view(), name="oidc_authentication_init"),
    path(
        "oidc/callback/",
        OIDCAuthenticationCallbackView.as_view(),
        name="oidc_authentication_callback",
    ),
    re_path(r"^smart/launch/?$", views.smart_launch, name="smart-launch"),
    path("smart/callback/", views.smart_callback, name="smart-callback"),
]
