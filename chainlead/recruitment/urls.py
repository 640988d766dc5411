app_name = "recruitment"
urlpatterns: list[object] = []
