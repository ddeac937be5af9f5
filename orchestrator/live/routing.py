from django.urls import path

from .consumers import ClusterConsumer

websocket_urlpatterns = [
    path("ws/clusters/<str:cluster>/", ClusterConsumer.as_asgi()),
]
