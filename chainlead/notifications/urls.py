from django.urls import path

from chainlead.notifications import views

app_name = "notifications"

urlpatterns = [
    path("", views.notification_list, name="list"),
    path("read/", views.notification_read, name="read"),
    path("bell/", views.notification_bell, name="bell"),
    path("settings/", views.preferences, name="preferences"),
]
