"""Recruitment pages: the list, the board, a target's page and its pipeline actions."""

from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from chainlead.accounts.access import access_for
from chainlead.accounts.types import Reader
from chainlead.audit.permissions import reads_audit_log
from chainlead.chains.models import Chain
from chainlead.chains.permissions import (
    edits_chain,
    edits_some_chain,
    map_district_ids,
    works_on_chains,
)
from chainlead.core.exceptions import PermissionDenied
from chainlead.core.export import Column
from chainlead.core.views import history_for, object_list, permission_required
from chainlead.recruitment import selectors, services
from chainlead.recruitment.choices import Stage
from chainlead.recruitment.filtersets import TargetFilterSet
from chainlead.recruitment.forms import (
    ActivityForm,
    LandForm,
    MoveBackForm,
    MoveForm,
    PromiseForm,
    TargetForm,
)
from chainlead.recruitment.models import AnalysisRun, ExternalFirm, Target
from chainlead.recruitment.permissions import (
    adds_targets,
    ranks_segment,
    reads_analytics,
    reads_recruitment_of_all_chains,
    reads_segment_ranking,
    starts_complexity_run,
)
from chainlead.recruitment.tables import TargetTable

EXPORT_COLUMNS: list[Column] = [
    (gettext_lazy("name"), "name"),
    (gettext_lazy("chain"), "chain.name"),
    (gettext_lazy("segment"), "segment.name"),
    (gettext_lazy("where it is"), "location"),
    (gettext_lazy("stage"), "get_stage_display"),
    (gettext_lazy("reason lost"), "lost_reason"),
    (gettext_lazy("owner"), lambda t: str(t.owner) if t.owner else ""),
    (gettext_lazy("employees"), "employees"),
    (gettext_lazy("landed as"), lambda t: t.landed_enterprise.name if t.landed_enterprise else ""),
]


def _editable_chains(user: Reader) -> Any:
    access = access_for(user)
    chain_ids = Chain.objects.values_list("pk", flat=True)
    return Chain.objects.filter(pk__in=[pk for pk in chain_ids if adds_targets(access, pk)])


@permission_required(works_on_chains)
def target_list(request: HttpRequest) -> HttpResponse:
    return object_list(
        request,
        queryset=selectors.target_list(user=request.user),
        filterset_class=TargetFilterSet,
        table_class=TargetTable,
        template_name="recruitment/target_list.html",
        export_columns=EXPORT_COLUMNS,
        export_filename="recruitment-targets",
    )


@permission_required(works_on_chains)
def board(request: HttpRequest) -> HttpResponse:
    chains = Chain.objects.all()
    access = access_for(request.user)
    if not reads_recruitment_of_all_chains(access):
        chains = chains.filter(pk__in=access.chain_ids)
    chain_id = request.GET.get("chain")
    chain = chains.filter(pk=chain_id).first() if chain_id and chain_id.isdigit() else None
    columns = selectors.target_board(user=request.user, chain_id=chain.pk if chain else None)
    return render(
        request,
        "recruitment/board.html",
        {
            "chains": chains,
            "chain": chain,
            "columns": [(Stage(stage), targets) for stage, targets in columns.items()],
            "watch": selectors.landed_watch_list(
                user=request.user, chain_id=chain.pk if chain else None
            ),
        },
    )


def _target_initial(request: HttpRequest, chains: Any) -> dict[str, Any]:
    """A target started from a gap of the chain map: `?chain=<slug>&segment=<slug>`."""
    chain = chains.filter(slug=request.GET.get("chain", "")).first()
    if chain is None:
        return {}
    segment = chain.segments.filter(slug=request.GET.get("segment", "")).first()
    return {"chain": chain, "segment": segment}


@permission_required(edits_some_chain)
def target_create(request: HttpRequest) -> HttpResponse:
    chains = _editable_chains(request.user)
    form = TargetForm(request.POST or None, chains=chains, initial=_target_initial(request, chains))
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            target = services.target_create(
                actor=request.user,
                chain_id=data["chain"].pk,
                name=data["name"],
                location=data["location"],
                segment=data["segment"],
                employees=data["employees"],
                main_business=data["main_business"],
                owner=request.user,
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("Target added to the pipeline."))
            return redirect("recruitment:target_detail", pk=target.pk)
    return render(request, "recruitment/target_form.html", {"form": form})


def _get_target(request: HttpRequest, pk: int) -> Target:
    try:
        return selectors.target_list(user=request.user).get(pk=pk)
    except Target.DoesNotExist as exc:
        raise Http404 from exc


@permission_required(works_on_chains)
def target_detail(request: HttpRequest, pk: int) -> HttpResponse:
    target = _get_target(request, pk)
    landed_year = (
        target.landed_enterprise.landed_on.year
        if target.landed_enterprise and (target.landed_enterprise.landed_on)
        else None
    )
    access = access_for(request.user)
    return render(
        request,
        "recruitment/target_detail.html",
        {
            "target": target,
            "can_edit": edits_chain(access, target.chain_id),
            "next_stages": [
                Stage(s) for s in services.allowed_next_stages(target.stage) if s != Stage.LANDED
            ],
            "can_land": target.stage == Stage.SIGNED,
            "previous_stage": services.previous_stage(target.stage),
            "move_form": MoveForm(),
            "land_form": LandForm(),
            "activity_form": ActivityForm(),
            "promise_form": PromiseForm(),
            "follow_up": selectors.promise_follow_up(target=target, landed_year=landed_year)
            if landed_year
            else [],
            "may_be_leaving": selectors.may_be_leaving(target=target),
            "stage_changes": target.stage_changes.select_related("by"),
            "activities": target.activities.select_related("logged_by"),
            "promises": target.promises.all(),
            "history": history_for(target) if reads_audit_log(access) else None,
        },
    )


def _act(request: HttpRequest, pk: int, form_class: type[Any], action: Any) -> HttpResponse:
    target = _get_target(request, pk)
    form = form_class(request.POST)
    if not form.is_valid():
        for field, errors in form.errors.items():
            messages.error(request, f"{field}: {' '.join(errors)}")
        return redirect("recruitment:target_detail", pk=target.pk)
    try:
        message = action(target, form.cleaned_data)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, message)
    return redirect("recruitment:target_detail", pk=target.pk)


@require_POST
@permission_required(edits_some_chain)
def target_move(request: HttpRequest, pk: int) -> HttpResponse:
    def move(target: Target, data: dict[str, Any]) -> str:
        moved = services.target_move(
            actor=request.user,
            target=target,
            to_stage=data["to_stage"],
            note=data["note"],
            lost_reason=data["lost_reason"],
        )
        return _("Moved to %(stage)s.") % {"stage": moved.get_stage_display()}

    return _act(request, pk, MoveForm, move)


@require_POST
@permission_required(edits_some_chain)
def target_move_back(request: HttpRequest, pk: int) -> HttpResponse:
    def move_back(target: Target, data: dict[str, Any]) -> str:
        moved = services.target_move_back(actor=request.user, target=target, reason=data["reason"])
        return _("Moved back to %(stage)s.") % {"stage": moved.get_stage_display()}

    return _act(request, pk, MoveBackForm, move_back)


@require_POST
@permission_required(edits_some_chain)
def target_land(request: HttpRequest, pk: int) -> HttpResponse:
    def land(target: Target, data: dict[str, Any]) -> str:
        firm = services.target_land(
            actor=request.user,
            target=target,
            district=data["district"],
            landed_on=data["landed_on"],
            credit_code=data["credit_code"] or None,
        )
        return _("%(name)s has landed and is now in the registry.") % {"name": firm.name}

    return _act(request, pk, LandForm, land)


@require_POST
@permission_required(edits_some_chain)
def activity_add(request: HttpRequest, pk: int) -> HttpResponse:
    def log(target: Target, data: dict[str, Any]) -> str:
        services.activity_log(actor=request.user, target=target, **data)
        return _("Logged.")

    return _act(request, pk, ActivityForm, log)


@require_POST
@permission_required(edits_some_chain)
def promise_add(request: HttpRequest, pk: int) -> HttpResponse:
    def promise(target: Target, data: dict[str, Any]) -> str:
        services.promise_set(actor=request.user, target=target, **data)
        return _("Promise recorded.")

    return _act(request, pk, PromiseForm, promise)


# --- Opportunities and ranking -----------------------------------------------------------------


@permission_required(reads_analytics)
def opportunities(request: HttpRequest) -> HttpResponse:
    from chainlead.recruitment import analysis

    level = request.GET.get("level", "city")
    if level not in analysis.LEVELS:
        level = "city"
    regions = analysis.regions_of_interest(level)
    access = access_for(request.user)
    if level == "district" and (district_ids := map_district_ids(access)) is not None:
        from chainlead.registry.models import District

        allowed = set(District.objects.filter(pk__in=district_ids).values_list("name", flat=True))
        regions = [r for r in regions if r in allowed]
    region = request.GET.get("region") or (regions[0] if regions else "")
    if region not in regions:
        raise Http404
    run = analysis.latest_complexity_run(level=level)
    context: dict[str, Any] = {
        "level": level,
        "levels": [(v, LEVEL_LABELS[v]) for v in analysis.LEVELS],
        "regions": regions,
        "region": region,
        "run": run,
        "can_compute": starts_complexity_run(access),
    }
    if run is not None:
        chains = Chain.objects.prefetch_related("segments")
        context["region_figures"] = run.results["regions"].get(region)
        context["cells"] = sorted(
            (
                {
                    "industry": code,
                    **cell,
                    "pci": run.results["industries"].get(code, {}).get("pci"),
                }
                for code, cell in run.results["cells"].get(region, {}).items()
            ),
            key=lambda c: -(c["density"] or 0),
        )
        from chainlead.registry.models import Industry

        names = dict(
            Industry.objects.filter(code__in=[c["industry"] for c in context["cells"]]).values_list(
                "code", "name"
            )
        )
        for cell in context["cells"]:
            cell["name"] = names.get(cell["industry"], "")
        context["opportunities"] = analysis.segment_opportunities(
            user=request.user, run=run, region=region, chains=chains
        )
    return render(request, "recruitment/opportunities.html", context)


LEVEL_LABELS = {
    "city": gettext_lazy("the city among China's cities"),
    "province": gettext_lazy("the province among China's provinces"),
    "district": gettext_lazy("each district within the city"),
}


@require_POST
@permission_required(starts_complexity_run)
def complexity_compute(request: HttpRequest) -> HttpResponse:
    from chainlead import analytics
    from chainlead.recruitment import analysis

    level = request.POST.get("level", "city")
    if level not in analysis.LEVELS:
        raise Http404
    try:
        analysis.complexity_run_create(actor=request.user, level=level)  # type: ignore[arg-type]
    except analytics.AnalyticsError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("Computed from the current registry."))
    return redirect(f"{reverse('recruitment:opportunities')}?level={level}")


@permission_required(works_on_chains)
def rank(request: HttpRequest, chain_slug: str, segment_slug: str) -> HttpResponse:
    from chainlead.chains.models import Segment
    from chainlead.recruitment import analysis

    access = access_for(request.user)
    chain = Chain.objects.filter(slug=chain_slug).first()
    if chain is None or not reads_segment_ranking(access, chain.pk):
        raise Http404
    segment = Segment.objects.filter(chain=chain, slug=segment_slug).first()
    if segment is None:
        raise Http404
    run = (
        AnalysisRun.objects.filter(
            kind=AnalysisRun.Kind.RANKING, params__chain=chain.slug, params__segment=segment.slug
        )
        .order_by("-created_at", "-id")
        .first()
    )
    if request.method == "POST":
        if not ranks_segment(access, chain.pk):
            raise PermissionDenied
        run = analysis.ranking_run_create(actor=request.user, chain=chain, segment=segment)
        return redirect("recruitment:rank", chain_slug=chain.slug, segment_slug=segment.slug)
    existing = set(Target.objects.filter(chain=chain).values_list("name", flat=True))
    return render(
        request,
        "recruitment/rank.html",
        {
            "chain": chain,
            "segment": segment,
            "run": run,
            "existing": existing,
            "can_edit": edits_chain(access, chain.pk),
        },
    )


@require_POST
@permission_required(edits_some_chain)
def target_from_candidate(request: HttpRequest, chain_slug: str, segment_slug: str) -> HttpResponse:
    from chainlead.chains.models import Segment

    chain = Chain.objects.filter(slug=chain_slug).first()
    segment = Segment.objects.filter(chain=chain, slug=segment_slug).first()
    firm = ExternalFirm.objects.filter(pk=request.POST.get("external_firm") or 0).first()
    if chain is None or segment is None or firm is None:
        raise Http404
    existing = Target.objects.filter(chain=chain, name=firm.name).first()
    if existing is not None:
        return redirect("recruitment:target_detail", pk=existing.pk)
    target = services.target_create(
        actor=request.user,
        chain_id=chain.pk,
        name=firm.name,
        location=" ".join(filter(None, [firm.province, firm.city])),
        segment=segment,
        industry=firm.industry,
        employees=firm.employees,
        revenue=firm.revenue,
        main_business=firm.main_business,
        stock_code=firm.stock_code or "",
        is_public_data=True,
        owner=request.user,
    )
    messages.success(request, _("Added to the pipeline."))
    return redirect("recruitment:target_detail", pk=target.pk)
