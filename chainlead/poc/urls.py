app_name = "poc"
urlpatterns: list[object] = []
