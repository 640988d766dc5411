"""Pages of programs: thin, each with its permission (permissions.py); rules live in services."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from chainlead.accounts.access import access_for
from chainlead.accounts.types import acting_user
from chainlead.core.generic import (
    DetailView,
    ListView,
    PlatformView,
    TransitionView,
    get_in_scope,
    show_service_error,
)
from chainlead.programs import selectors, services
from chainlead.programs.choices import ApplicationStatus, ConditionKind
from chainlead.programs.filtersets import ApplicationFilterSet
from chainlead.programs.forms import (
    ApplicationForm,
    AttachmentForm,
    AwardForm,
    BankForm,
    DeclareForm,
    PanelForm,
    RulesForm,
    ScoreForm,
)
from chainlead.programs.models import (
    Application,
    Assignment,
    Award,
    Condition,
    Panel,
    PayoutBatch,
    Program,
    Round,
)
from chainlead.programs.permissions import (
    applies,
    awards_money,
    manages_program,
    manages_some_programs,
    reads_applications,
    reads_awards,
    reads_programs,
    reviews,
)
from chainlead.programs.tables import ApplicationTable


def _today() -> dt.date:
    return timezone.localdate()


def _add_months(day: dt.date, months: int) -> dt.date:
    month = day.month - 1 + months
    year = day.year + month // 12
    month = month % 12 + 1
    return dt.date(year, month, min(day.day, 28))


# --- programs and rounds ---------------------------------------------------------------------


class ProgramList(PlatformView):
    permission = staticmethod(reads_programs)

    def get(self, request: HttpRequest) -> HttpResponse:
        programs = selectors.program_list(user=request.user).prefetch_related("rounds", "tiers")
        return render(request, "programs/program_list.html", {"programs": programs})


class ProgramDetail(DetailView[Program]):
    permission = staticmethod(reads_programs)
    selector = staticmethod(selectors.program_list)
    template_name = "programs/program_detail.html"
    context_object_name = "program"

    def context(self, obj: Program) -> dict[str, Any]:
        version = services.current_rules(obj)
        access = access_for(self.request.user)
        return {
            "version": version,
            "versions": obj.rule_versions.all()[:10],
            "rounds": obj.rounds.all(),
            "tiers": obj.tiers.all(),
            "manages": manages_program(access, obj),
            "rules_form": RulesForm(
                initial={
                    "rules": json.dumps(
                        version.rules if version else [], ensure_ascii=False, indent=2
                    )
                }
            ),
        }


class ProgramRules(TransitionView[Program]):
    """A new version of the program's rules."""

    permission = staticmethod(manages_some_programs)
    selector = staticmethod(selectors.program_list)
    form_class = RulesForm

    def perform(self, obj: Program, data: dict[str, Any]) -> str:
        version = services.program_rules_set(
            actor=self.request.user, program=obj, rules_list=data["rules"], note=data["note"]
        )
        return _("Rules saved as version %(n)s.") % {"n": version.number}


class RoundDetail(DetailView[Round]):
    permission = staticmethod(reads_programs)
    selector = staticmethod(selectors.round_list)
    template_name = "programs/round_detail.html"
    context_object_name = "round"

    def context(self, obj: Round) -> dict[str, Any]:
        access = access_for(self.request.user)
        manages = manages_program(access, obj.program)
        applications: QuerySet[Application] = selectors.application_list(
            user=self.request.user
        ).filter(round=obj)
        return {
            "program": obj.program,
            "manages": manages,
            "awards_money": awards_money(access),
            "applies": applies(access) and not obj.program.no_application,
            "is_open": obj.is_open(_today()),
            "applications": applications.order_by("rank", "pk"),
            "panels": obj.panels.prefetch_related("reviewers") if manages else [],
            "panel_form": PanelForm() if manages else None,
            "batches": selectors.batch_list(user=self.request.user).filter(round=obj),
            "line": services.budget_line(obj),
            "award_form": AwardForm(program=obj.program),
        }


class RoundRank(TransitionView[Round]):
    permission = staticmethod(manages_some_programs)
    selector = staticmethod(selectors.managed_round_list)

    def perform(self, obj: Round, data: dict[str, Any]) -> str:
        ranked = services.round_rank(actor=self.request.user, round_=obj)
        return _("%(n)s applications ranked.") % {"n": len(ranked)}


class RoundBatch(TransitionView[Round]):
    permission = staticmethod(manages_some_programs)
    selector = staticmethod(selectors.managed_round_list)

    def perform(self, obj: Round, data: dict[str, Any]) -> str:
        batch = services.batch_compute(actor=self.request.user, round_=obj)
        self._batch = batch
        return _("%(n)s eligible firms listed, of %(m)s considered.") % {
            "n": batch.items.count(),
            "m": batch.firms_considered,
        }

    def back_url(self, obj: Round) -> str:
        batch = getattr(self, "_batch", None)
        return batch.get_absolute_url() if batch else obj.get_absolute_url()


class PanelCreate(TransitionView[Round]):
    permission = staticmethod(manages_some_programs)
    selector = staticmethod(selectors.managed_round_list)
    form_class = PanelForm

    def perform(self, obj: Round, data: dict[str, Any]) -> str:
        services.panel_create(
            actor=self.request.user, round_=obj, name=data["name"], reviewers=data["reviewers"]
        )
        return _("Panel created: its reviewers now declare their conflicts of interest.")


class PanelAssign(TransitionView[Panel]):
    permission = staticmethod(manages_some_programs)
    selector = staticmethod(selectors.managed_panel_list)

    def perform(self, obj: Panel, data: dict[str, Any]) -> str:
        made = services.panel_assign(actor=self.request.user, panel=obj)
        return _("%(n)s reviews assigned.") % {"n": len(made)}


class BatchDetail(DetailView[PayoutBatch]):
    permission = staticmethod(reads_applications)
    selector = staticmethod(selectors.batch_list)
    template_name = "programs/batch_detail.html"
    context_object_name = "batch"

    def context(self, obj: PayoutBatch) -> dict[str, Any]:
        return {
            "items": obj.items.select_related("enterprise"),
            "awards_money": awards_money(access_for(self.request.user)),
        }


class BatchApprove(TransitionView[PayoutBatch]):
    permission = staticmethod(awards_money)
    selector = staticmethod(selectors.batch_list)

    def perform(self, obj: PayoutBatch, data: dict[str, Any]) -> str:
        awards = services.batch_approve(actor=self.request.user, batch=obj)
        return _("Batch approved: %(n)s awards committed in the fund.") % {"n": len(awards)}


# --- applications ------------------------------------------------------------------------------


class ApplicationList(ListView):
    permission = staticmethod(reads_applications)
    selector = staticmethod(selectors.application_list)
    filterset_class = ApplicationFilterSet
    table_class = ApplicationTable
    template_name = "programs/application_list.html"
    export_columns = (
        (gettext_lazy("project title"), "title"),
        (gettext_lazy("firm"), lambda a: a.enterprise.name),
        (gettext_lazy("round"), lambda a: str(a.round)),
        (gettext_lazy("status"), "get_status_display"),
        (gettext_lazy("rank"), "rank"),
        (gettext_lazy("provenance"), "get_provenance_display"),
    )
    export_filename = "applications"


class ApplicationCreate(PlatformView):
    permission = staticmethod(applies)

    def _round(self, request: HttpRequest, pk: int) -> Round:
        found: Round = get_in_scope(selectors.round_list, request, pk)
        return found

    def _render(self, request: HttpRequest, round_: Round, form: ApplicationForm) -> HttpResponse:
        return render(request, "programs/application_form.html", {"round": round_, "form": form})

    def get(self, request: HttpRequest, pk: int) -> HttpResponse:
        round_ = self._round(request, pk)
        return self._render(request, round_, ApplicationForm(program=round_.program))

    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        round_ = self._round(request, pk)
        form = ApplicationForm(request.POST, program=round_.program)
        if form.is_valid():
            firm_id = min(access_for(request.user).enterprise_ids)
            from chainlead.registry.models import Enterprise

            try:
                application = services.application_create(
                    actor=request.user,
                    round_=round_,
                    enterprise=Enterprise.objects.get(pk=firm_id),
                    title=form.cleaned_data["title"],
                    institution=form.cleaned_data["institution"],
                    team=form.cleaned_data["team"],
                    data=form.answers(),
                )
            except ValidationError as error:
                show_service_error(request, error, form)
            else:
                messages.success(request, _("Draft saved. Attach files, then submit."))
                return redirect(application.get_absolute_url())
        return self._render(request, round_, form)


class ApplicationDetail(DetailView[Application]):
    permission = staticmethod(reads_applications)
    selector = staticmethod(selectors.application_list)
    template_name = "programs/application_detail.html"
    context_object_name = "application"

    def context(self, obj: Application) -> dict[str, Any]:
        access = access_for(self.request.user)
        own = obj.enterprise_id in access.enterprise_ids and applies(access)
        labels = {f["name"]: f["label"] for f in obj.round.program.form_schema}
        return {
            "own": own,
            "answers": [(labels.get(k, k), v) for k, v in obj.data.items()],
            "attachment_form": AttachmentForm() if own else None,
            "awards_money": awards_money(access) and obj.status == ApplicationStatus.SUBMITTED,
            "award_form": AwardForm(program=obj.round.program),
            "assignments": obj.assignments.select_related("reviewer")
            if manages_program(access, obj.round.program) or access.is_auditor
            else [],
        }


class ApplicationAttach(TransitionView[Application]):
    permission = staticmethod(applies)
    selector = staticmethod(selectors.application_list)

    def post(self, request: HttpRequest, pk: Any) -> Any:
        obj: Application = get_in_scope(selectors.application_list, request, pk)
        form = AttachmentForm(request.POST, request.FILES)
        if not form.is_valid():
            messages.error(request, _("Choose a file."))
        else:
            try:
                services.attachment_add(
                    actor=request.user,
                    application=obj,
                    file=form.cleaned_data["file"],
                    name=form.cleaned_data["name"],
                )
            except ValidationError as error:
                show_service_error(request, error, None)
            else:
                messages.success(request, _("File attached."))
        return redirect(obj.get_absolute_url())


class ApplicationSubmit(TransitionView[Application]):
    permission = staticmethod(applies)
    selector = staticmethod(selectors.application_list)

    def perform(self, obj: Application, data: dict[str, Any]) -> str:
        done = services.application_submit(actor=self.request.user, application=obj)
        if done.status == ApplicationStatus.INELIGIBLE:
            return _("Submitted, but your firm does not meet every rule: see the reasons.")
        return _("Submitted: your firm meets every rule.")


class ApplicationWithdraw(TransitionView[Application]):
    permission = staticmethod(applies)
    selector = staticmethod(selectors.application_list)

    def perform(self, obj: Application, data: dict[str, Any]) -> str:
        services.application_withdraw(actor=self.request.user, application=obj)
        return _("Application withdrawn.")


# --- reviews -----------------------------------------------------------------------------------


class PanelDeclare(PlatformView):
    """A panel reviewer's declarations: the applications' titles and firms only."""

    permission = staticmethod(reviews)

    def get(self, request: HttpRequest, pk: int) -> HttpResponse:
        panel: Panel = get_in_scope(selectors.panel_list_to_declare, request, pk)
        reviewer = acting_user(request.user)  # logged in: the view's permission requires it
        declared = {d.application_id: d for d in panel.declarations.filter(reviewer=reviewer)}
        rows = [
            (a, declared.get(a.pk))
            for a in panel.round.applications.filter(status=ApplicationStatus.SUBMITTED)
            .select_related("enterprise")
            .order_by("pk")
        ]
        return render(
            request,
            "programs/panel_declare.html",
            {"panel": panel, "rows": rows, "institution": reviewer.department},
        )

    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        panel: Panel = get_in_scope(selectors.panel_list_to_declare, request, pk)
        form = DeclareForm(request.POST)
        if form.is_valid():
            application = panel.round.applications.filter(
                pk=form.cleaned_data["application"]
            ).first()
            if application is None:
                messages.error(request, _("No such application in this round."))
            else:
                try:
                    services.conflict_declare(
                        actor=request.user,
                        panel=panel,
                        application=application,
                        conflict=form.cleaned_data["conflict"],
                        institution=form.cleaned_data["institution"],
                        relation=form.cleaned_data["relation"],
                    )
                except ValidationError as error:
                    show_service_error(request, error, None)
                else:
                    messages.success(request, _("Declaration recorded."))
        return redirect("programs:panel_declare", pk=panel.pk)


class AssignmentList(PlatformView):
    permission = staticmethod(reviews)

    def get(self, request: HttpRequest) -> HttpResponse:
        return render(
            request,
            "programs/assignment_list.html",
            {
                "assignments": selectors.assignment_list(user=request.user),
                "panels": selectors.panel_list_to_declare(user=request.user),
            },
        )


class AssignmentDetail(DetailView[Assignment]):
    permission = staticmethod(reviews)
    selector = staticmethod(selectors.assignment_list)
    template_name = "programs/assignment_detail.html"
    context_object_name = "assignment"

    def context(self, obj: Assignment) -> dict[str, Any]:
        program = obj.application.round.program
        labels = {f["name"]: f["label"] for f in program.form_schema}
        initial = {f"score_{k}": v for k, v in obj.scores.items()}
        initial["comment"] = obj.comment
        return {
            "application": obj.application,
            "answers": [(labels.get(k, k), v) for k, v in obj.application.data.items()],
            "score_form": ScoreForm(rubric=program.rubric, initial=initial),
        }


class AssignmentScore(TransitionView[Assignment]):
    permission = staticmethod(reviews)
    selector = staticmethod(selectors.assignment_list)

    def post(self, request: HttpRequest, pk: Any) -> Any:
        obj: Assignment = get_in_scope(selectors.assignment_list, request, pk)
        form = ScoreForm(request.POST, rubric=obj.application.round.program.rubric)
        if not form.is_valid():
            for errors in form.errors.values():
                messages.error(request, " ".join(str(error) for error in errors))
        else:
            try:
                services.review_score(
                    actor=request.user,
                    assignment=obj,
                    scores=form.scores(),
                    comment=form.cleaned_data["comment"],
                )
            except ValidationError as error:
                show_service_error(request, error, None)
            else:
                messages.success(request, _("Scores saved."))
        return redirect(obj.get_absolute_url())


# --- awards ------------------------------------------------------------------------------------


class AwardCreate(TransitionView[Application]):
    """Award an application's firm, by tier, with the condition that releases it."""

    permission = staticmethod(awards_money)
    selector = staticmethod(selectors.application_list)

    def post(self, request: HttpRequest, pk: Any) -> Any:
        obj: Application = get_in_scope(selectors.application_list, request, pk)
        form = AwardForm(request.POST, program=obj.round.program)
        if not form.is_valid():
            for errors in form.errors.values():
                messages.error(request, " ".join(str(error) for error in errors))
            return redirect(obj.get_absolute_url())
        data = form.cleaned_data
        today = _today()
        kind = data["condition"]
        due = _add_months(today, data["months"] or 0) if kind != ConditionKind.NONE else today
        try:
            award = services.award_make(
                actor=request.user,
                round_=obj.round,
                enterprise=obj.enterprise,
                amount=data["amount"],
                tier=data["tier"],
                application=obj,
                conditions=[
                    services.ConditionSpec(
                        kind, data["amount"], due, str(ConditionKind(kind).label)
                    )
                ],
                today=today,
            )
        except ValidationError as error:
            show_service_error(request, error, None)
            return redirect(obj.get_absolute_url())
        messages.success(request, _("Awarded and committed in the fund."))
        return redirect(award.get_absolute_url())


class AwardList(PlatformView):
    permission = staticmethod(reads_awards)

    def get(self, request: HttpRequest) -> HttpResponse:
        return render(
            request,
            "programs/award_list.html",
            {"awards": selectors.award_list(user=request.user)[:500]},
        )


class AwardDetail(DetailView[Award]):
    permission = staticmethod(reads_awards)
    selector = staticmethod(selectors.award_list)
    template_name = "programs/award_detail.html"
    context_object_name = "award"

    def context(self, obj: Award) -> dict[str, Any]:
        access = access_for(self.request.user)
        return {
            "conditions": obj.conditions.select_related("tranche"),
            "notices": obj.notices.all(),
            "own": obj.enterprise_id in access.enterprise_ids and applies(access),
            "bank_form": BankForm(),
            "awards_money": awards_money(access),
        }


class AwardBank(TransitionView[Award]):
    permission = staticmethod(applies)
    selector = staticmethod(selectors.award_list)
    form_class = BankForm

    def perform(self, obj: Award, data: dict[str, Any]) -> str:
        services.award_bank_confirm(
            actor=self.request.user, award=obj, bank_account=data["bank_account"]
        )
        return _("Bank account confirmed.")


class AwardCheck(TransitionView[Award]):
    permission = staticmethod(awards_money)
    selector = staticmethod(selectors.award_list)

    def perform(self, obj: Award, data: dict[str, Any]) -> str:
        counts = services.conditions_check(actor=self.request.user, award=obj, today=_today())
        return _("%(met)s conditions met, %(lapsed)s lapsed.") % counts


class ConditionPay(TransitionView[Condition]):
    permission = staticmethod(awards_money)
    selector = staticmethod(selectors.condition_list)

    def perform(self, obj: Condition, data: dict[str, Any]) -> str:
        services.condition_pay(actor=self.request.user, condition=obj, today=_today())
        return _("Tranche approved and paid.")

    def back_url(self, obj: Condition) -> str:
        return obj.award.get_absolute_url()
