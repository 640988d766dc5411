from django.urls import path

from chainlead.programs import views

app_name = "programs"
urlpatterns = [
    path("", views.ProgramList.as_view(), name="program_list"),
    path("<int:pk>/", views.ProgramDetail.as_view(), name="program_detail"),
    path("<int:pk>/rules/", views.ProgramRules.as_view(), name="program_rules"),
    path("rounds/<int:pk>/", views.RoundDetail.as_view(), name="round_detail"),
    path("rounds/<int:pk>/rank/", views.RoundRank.as_view(), name="round_rank"),
    path("rounds/<int:pk>/batch/", views.RoundBatch.as_view(), name="round_batch"),
    path("rounds/<int:pk>/panels/", views.PanelCreate.as_view(), name="panel_create"),
    path("rounds/<int:pk>/apply/", views.ApplicationCreate.as_view(), name="application_create"),
    path("panels/<int:pk>/declare/", views.PanelDeclare.as_view(), name="panel_declare"),
    path("panels/<int:pk>/assign/", views.PanelAssign.as_view(), name="panel_assign"),
    path("batches/<int:pk>/", views.BatchDetail.as_view(), name="batch_detail"),
    path("batches/<int:pk>/approve/", views.BatchApprove.as_view(), name="batch_approve"),
    path("applications/", views.ApplicationList.as_view(), name="application_list"),
    path("applications/<int:pk>/", views.ApplicationDetail.as_view(), name="application_detail"),
    path(
        "applications/<int:pk>/attach/",
        views.ApplicationAttach.as_view(),
        name="application_attach",
    ),
    path(
        "applications/<int:pk>/submit/",
        views.ApplicationSubmit.as_view(),
        name="application_submit",
    ),
    path(
        "applications/<int:pk>/withdraw/",
        views.ApplicationWithdraw.as_view(),
        name="application_withdraw",
    ),
    path("applications/<int:pk>/award/", views.AwardCreate.as_view(), name="award_create"),
    path("reviews/", views.AssignmentList.as_view(), name="assignment_list"),
    path("reviews/<int:pk>/", views.AssignmentDetail.as_view(), name="assignment_detail"),
    path("reviews/<int:pk>/score/", views.AssignmentScore.as_view(), name="assignment_score"),
    path("awards/", views.AwardList.as_view(), name="award_list"),
    path("awards/<int:pk>/", views.AwardDetail.as_view(), name="award_detail"),
    path("awards/<int:pk>/bank/", views.AwardBank.as_view(), name="award_bank"),
    path("awards/<int:pk>/check/", views.AwardCheck.as_view(), name="award_check"),
    path("conditions/<int:pk>/pay/", views.ConditionPay.as_view(), name="condition_pay"),
]
