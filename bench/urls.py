"""The project's URLs plus the plain baseline views (only in bench/settings.py)."""

from django.urls import path

from bench import baselines
from project.urls import urlpatterns as project_urlpatterns

urlpatterns = [
    *project_urlpatterns,
    path("bench/feed/", baselines.feed, name="bench-feed"),
    path("bench/feed-images/", baselines.feed_images, name="bench-feed-images"),
    path("bench/photo/", baselines.photo_detail, name="bench-photo"),
    path("bench/like/", baselines.like, name="bench-like"),
    path("bench/unlike/", baselines.unlike, name="bench-unlike"),
    path("bench/upload/", baselines.upload, name="bench-upload"),
    path("bench/upload-store/", baselines.upload_store, name="bench-upload-store"),
]
