from django.urls import path

from .webhooks import EhrWebhook

urlpatterns = [
    path("ehr/webhook", EhrWebhook.as_view(), name="ehr-webhook"),
]
