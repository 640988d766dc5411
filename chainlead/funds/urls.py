from django.urls import path

from chainlead.funds import views

app_name = "funds"

urlpatterns = [
    path("", views.position, name="position"),
    path("fund/<int:pk>/", views.FundDetail.as_view(), name="fund_detail"),
    path("account/<int:pk>/", views.AccountEntries.as_view(), name="account_entries"),
    path("tranches/", views.tranche_list, name="tranche_list"),
    path("tranches/<int:pk>/approve/", views.TrancheApprove.as_view(), name="tranche_approve"),
    path("tranches/<int:pk>/disburse/", views.TrancheDisburse.as_view(), name="tranche_disburse"),
    path("runs/", views.run_list, name="run_list"),
    path("runs/prepare/", views.run_prepare, name="run_prepare"),
    path("runs/<int:pk>/", views.RunDetail.as_view(), name="run_detail"),
    path("runs/<int:pk>/approve/", views.RunApprove.as_view(), name="run_approve"),
    path("runs/<int:pk>/export/", views.run_export, name="run_export"),
    path("fund/<int:pk>/statements/", views.statement_list, name="statement_list"),
    path("fund/<int:pk>/statements/import/", views.statement_import, name="statement_import"),
    path(
        "statement-lines/<int:pk>/resolve/",
        views.StatementLineResolve.as_view(),
        name="statement_line_resolve",
    ),
    path("shares/", views.shares, name="shares"),
    path("my-awards/", views.my_awards, name="my_awards"),
]
