from django.urls import path

from . import views

app_name = "accounts"

urlpatterns = [
    path("change/", views.choose_provider, name="choose_provider"),
    path("delete/", views.delete_account, name="delete"),
    path("data/", views.download_data, name="data"),
    # Development only: the view is a 404 unless the simulation is enabled (DEBUG on, not production).
    path("simulated/<str:provider_id>/authorize/", views.simulated_authorize, name="simulated_authorize"),
]
