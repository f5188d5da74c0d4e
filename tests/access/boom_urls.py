"""The site's URLs plus one view that fails, to see what a 500 response carries."""

from django.urls import path

from config.urls import urlpatterns as site


def boom(request):
    raise RuntimeError("a deliberate failure")


urlpatterns = [path("boom/", boom), *site]
