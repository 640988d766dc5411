app_name = "requests"
urlpatterns: list[object] = []
