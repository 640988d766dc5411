"""REST API of the chains app (mounted under /api/v1/chains/ by config/api.py).

The same selectors and services as the chain pages: chains and maps for government staff, firms
restricted to the user's scope, edits by the chain's task force and city admins.
"""

from typing import Any

from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.http import FileResponse, HttpRequest
from ninja import Query, Router, Status, UploadedFile
from ninja.pagination import paginate
from ninja.params.functions import File

from chainlead.accounts.access import access_for
from chainlead.chains import classify_jobs, selectors, services
from chainlead.chains.choices import ClassifyJobKind, ClassifyJobStatus
from chainlead.chains.filtersets import MapFilterForm
from chainlead.chains.models import Chain, ClassifyJob, Membership, Segment, SegmentLink
from chainlead.chains.permissions import runs_classification
from chainlead.chains.schemas import (
    ChainDetailOut,
    ChainMapOut,
    ChainOut,
    ClassifyJobOut,
    ClassifyReplaceIn,
    MapFilters,
    MembershipFilters,
    MembershipIn,
    MembershipOut,
    MembershipReviewIn,
    SegmentOut,
)
from chainlead.core.exceptions import PermissionDenied
from chainlead.core.pagination import PageNumber
from chainlead.registry.models import Enterprise
from chainlead.registry.schemas import EnterpriseOut
from chainlead.registry.selectors import enterprise_get

router = Router(tags=["chains"])


def _segment(request: HttpRequest, slug: str, segment_slug: str) -> Segment:
    chain = selectors.chain_get(user=request.user, slug=slug)
    return Segment.objects.select_related("chain").get(chain=chain, slug=segment_slug)


def _map_filters(request: HttpRequest, filters: MapFilters) -> selectors.MapFilters:
    form = MapFilterForm(filters.dict(exclude_none=True), user=request.user)
    return form.map_filters()


CHAIN_FIELDS = ("id", "slug", "name", "name_en", "description", "description_en", "order")


@router.get("/chains", response=list[ChainOut])
def chain_list(request: HttpRequest) -> QuerySet[Chain]:
    return selectors.chain_list(user=request.user)


@router.get("/chains/{slug}", response=ChainDetailOut)
def chain_detail(request: HttpRequest, slug: str) -> dict[str, Any]:
    chain = selectors.chain_get(user=request.user, slug=slug)
    segments = list(chain.segments.order_by("order"))
    slugs = {s.pk: s.slug for s in segments}
    links = SegmentLink.objects.filter(upstream__chain=chain).values_list(
        "upstream_id", "downstream_id"
    )
    return {
        **{f: getattr(chain, f) for f in CHAIN_FIELDS},
        "segment_count": len(segments),
        "segments": segments,
        "links": [{"upstream": slugs[u], "downstream": slugs[d]} for u, d in links],
    }


@router.get("/chains/{slug}/segments", response=list[SegmentOut])
def segment_list(request: HttpRequest, slug: str) -> QuerySet[Segment]:
    chain = selectors.chain_get(user=request.user, slug=slug)
    return chain.segments.order_by("order")


@router.get("/chains/{slug}/map", response=ChainMapOut)
def chain_map(request: HttpRequest, slug: str, filters: Query[MapFilters]) -> dict[str, Any]:
    """Firms, local/attracted, revenue, R&D, concentration and gaps of every segment."""
    chain = selectors.chain_get(user=request.user, slug=slug)
    result = selectors.chain_map(
        user=request.user, chain=chain, filters=_map_filters(request, filters)
    )
    return {
        **result.as_report(),
        "present": result.present,
        "weak": result.weak,
        "missing": result.missing,
        "coverage": result.coverage,
        "full_chain_present": result.full_chain_present,
    }


@router.get("/chains/{slug}/segments/{segment_slug}/firms", response=list[EnterpriseOut])
@paginate(PageNumber)
def segment_firms(
    request: HttpRequest, slug: str, segment_slug: str, filters: Query[MapFilters]
) -> QuerySet[Enterprise]:
    """The segment's firms you may see, largest revenue first."""
    segment = _segment(request, slug, segment_slug)
    return selectors.segment_firms(
        user=request.user, segment=segment, filters=_map_filters(request, filters)
    )


@router.get("/memberships", response=list[MembershipOut])
@paginate(PageNumber)
def membership_list(
    request: HttpRequest, filters: Query[MembershipFilters]
) -> QuerySet[Membership]:
    qs = selectors.membership_list(user=request.user)
    if filters.chain:
        qs = qs.filter(segment__chain__slug=filters.chain)
    if filters.segment:
        qs = qs.filter(segment_id=filters.segment)
    if filters.enterprise:
        qs = qs.filter(enterprise_id=filters.enterprise)
    if filters.review_status:
        qs = qs.filter(review_status=filters.review_status)
    return qs


@router.post("/memberships", response={201: MembershipOut})
def membership_create(request: HttpRequest, payload: MembershipIn) -> Status[Membership]:
    """Put a firm in a segment by hand (the chain's task force and city admins)."""
    enterprise = enterprise_get(user=request.user, pk=payload.enterprise)
    segment = Segment.objects.select_related("chain").get(
        pk=payload.segment, chain__in=selectors.chain_list(user=request.user)
    )
    membership = services.membership_set(
        actor=request.user, enterprise=enterprise, segment=segment, role=payload.role
    )
    return Status(201, selectors.membership_list(user=request.user).get(pk=membership.pk))


@router.get("/memberships/{membership_id}", response=MembershipOut)
def membership_detail(request: HttpRequest, membership_id: int) -> Membership:
    return selectors.membership_list(user=request.user).get(pk=membership_id)


@router.post("/memberships/{membership_id}/review", response=MembershipOut)
def membership_review(
    request: HttpRequest, membership_id: int, payload: MembershipReviewIn
) -> Membership:
    """Accept or reject a text-rule guess waiting for review (as in the review queue)."""
    membership = selectors.membership_review_queue(user=request.user).get(pk=membership_id)
    services.membership_review(actor=request.user, membership=membership, accept=payload.accept)
    return selectors.membership_list(user=request.user).get(pk=membership_id)


@router.delete("/memberships/{membership_id}", response={204: None})
def membership_delete(request: HttpRequest, membership_id: int) -> Status[None]:
    membership = selectors.membership_list(user=request.user).get(pk=membership_id)
    services.membership_delete(actor=request.user, membership=membership)
    return Status(204, None)


# ---- Classification jobs (chains.classify_jobs), as on the pages under /chains/classify/ ----


def _require_runner(request: HttpRequest) -> None:
    if not runs_classification(access_for(request.user)):
        raise PermissionDenied("Only city admins and chains' task forces run classification.")


def _job_out(request: HttpRequest, job: ClassifyJob) -> ClassifyJobOut:
    out = ClassifyJobOut.from_orm(job)
    if job.kind == ClassifyJobKind.TEXTS and job.status == ClassifyJobStatus.SUCCEEDED:
        out.result_url = request.build_absolute_uri(f"{_JOBS}/{job.pk}/result")
    return out


_JOBS = "/api/v1/chains/classify/jobs"
# The upload is optional to ninja, so that a refusal (403) comes before a missing file (422).
_OPTIONAL_FILE: Any = File(None)


@router.post("/classify/texts", response={201: ClassifyJobOut})
def classify_texts_start(
    request: HttpRequest,
    file: UploadedFile | None = _OPTIONAL_FILE,
) -> Status[ClassifyJobOut]:
    """Upload a CSV / Excel file of firms' texts (multipart field `file`, the columns of
    `chainlead classify-text`); it is classified in the background. Poll the job."""
    _require_runner(request)
    if file is None:
        raise ValidationError({"file": ["Upload a .csv or .xlsx file in the field `file`."]})
    job = classify_jobs.classify_texts_job_create(actor=request.user, upload=file)
    return Status(201, _job_out(request, job))


@router.post("/classify/replace", response={201: ClassifyJobOut})
def classify_replace_start(
    request: HttpRequest, payload: ClassifyReplaceIn
) -> Status[ClassifyJobOut]:
    """Re-place the city's firms on the chains you edit (`chainlead classify`), in the
    background. Poll the job."""
    _require_runner(request)
    job = classify_jobs.classify_replace_job_create(actor=request.user, use_model=payload.use_model)
    return Status(201, _job_out(request, job))


@router.get("/classify/jobs/{job_id}", response=ClassifyJobOut)
def classify_job_status(request: HttpRequest, job_id: int) -> ClassifyJobOut:
    """A job's status and progress (`processed` of `total` firms) and, when done, its counts."""
    _require_runner(request)
    return _job_out(request, classify_jobs.classify_job_get(user=request.user, pk=job_id))


@router.get("/classify/jobs/{job_id}/result", response={200: None})
def classify_job_result(request: HttpRequest, job_id: int) -> FileResponse:
    """The results CSV of a texts job that succeeded (404 before)."""
    _require_runner(request)
    job = classify_jobs.classify_job_get(user=request.user, pk=job_id)
    if job.status != ClassifyJobStatus.SUCCEEDED or not job.result:
        raise ClassifyJob.DoesNotExist("The job has no result (yet).")
    return FileResponse(
        job.result.open("rb"),
        as_attachment=True,
        filename=f"classify-{job.pk}.csv",
        content_type="text/csv; charset=utf-8",
    )
