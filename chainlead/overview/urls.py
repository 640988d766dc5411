from django.urls import path

from chainlead.overview import views

app_name = "overview"
urlpatterns = [
    path("", views.city, name="city"),
]
