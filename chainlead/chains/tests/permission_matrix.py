"""Who may open the chain pages and API operations (walked by core's permission walk).

Government staff (city admin, chain leader, task force, district official, finance officer,
auditor) read every chain map; a district official's map counts only their district. Only city
admins and the chain's own task force edit a chain, its segments and memberships, and review
the classifier's guesses. Firms, researchers, reviewers and commissioners see no chain.
"""

from chainlead.core.testing import GOVERNMENT, Case, World, expect, only


def setup(world: World) -> None:
    from decimal import Decimal

    from chainlead.chains.choices import MembershipSource, ReviewStatus
    from chainlead.chains.models import Membership
    from chainlead.registry.services import enterprise_create

    pending = {}
    for side in ("own", "other"):
        scope = world.side(side)
        guess = enterprise_create(actor=world.admin, name=f"Guess {side}", district=scope.district)
        pending[side] = Membership.objects.create(
            enterprise=guess,
            segment=scope.segment,
            source=MembershipSource.TEXT_RULE,
            confidence=Decimal("0.4"),
            review_status=ReviewStatus.PENDING,
        )
    world.add("pending", own=pending["own"], other=pending["other"])
    # A finished re-placing job started by the city admin, as the job leaves it.
    from chainlead.chains.choices import ClassifyJobKind, ClassifyJobStatus
    from chainlead.chains.models import ClassifyJob

    job = ClassifyJob.objects.create(
        kind=ClassifyJobKind.REPLACE,
        created_by=world.admin,
        status=ClassifyJobStatus.SUCCEEDED,
        total=2,
        processed=2,
    )
    world.add("classify_job", own=job)


chain = lambda s: {"slug": s.chain.slug}  # noqa: E731
segment = lambda s: {"slug": s.chain.slug, "segment_slug": s.segment.slug}  # noqa: E731

READ = only(GOVERNMENT)
READ_SIDED = only(GOVERNMENT, yes=(200, 200), no=(403, 403))
EDIT = only(GOVERNMENT, yes=(403, 403), no=(403, 403), city_admin=(200, 200), task_force=(200, 403))
REVIEWERS = only(["city_admin", "task_force"])
API_READ = only(GOVERNMENT, yes=(200, 200), no=(404, 404))
# A membership is visible when its chain is readable and its firm is in the user's scope.
API_MEMBERSHIP = expect(
    404,
    city_admin=(200, 200),
    auditor=(200, 200),
    finance=(200, 200),
    chain_leader=(200, 404),
    task_force=(200, 404),
    district_official=(200, 404),
)

CLASSIFY_JOB = lambda s: {"pk": s.classify_job.pk}  # noqa: E731
CLASSIFY_JOB_READERS = only(["city_admin"], task_force=404)
CLASSIFY_JOB_NO_RESULT = only([], city_admin=404, task_force=404)

MATRIX = [
    # ---------------------------------------------------------------- pages
    Case("chains:chain_list", expect=READ),
    Case("chains:chain_detail", kwargs=chain, expect=READ_SIDED),
    Case("chains:segment_detail", kwargs=segment, expect=READ_SIDED),
    # Exports and htmx fragments go through the same checks as the pages they come from.
    Case("chains:chain_detail", kwargs=chain, query={"export": "csv"}, expect=READ_SIDED),
    Case("chains:segment_detail", kwargs=segment, query={"export": "xlsx"}, expect=READ_SIDED),
    Case(
        "chains:segment_detail",
        kwargs=segment,
        query=lambda s: {"district": s.district.pk},
        htmx=True,
        expect=READ_SIDED,
    ),
    Case("chains:chain_edit", kwargs=chain, expect=EDIT),
    Case("chains:segment_edit", kwargs=segment, expect=EDIT),
    Case("chains:membership_add", kwargs=segment, expect=EDIT),
    Case(
        "chains:membership_remove",
        method="POST",
        kwargs=lambda s: {**segment(s), "pk": s.membership.pk},
        expect=only(
            GOVERNMENT, yes=(403, 403), no=(403, 403), city_admin=(302, 302), task_force=(302, 403)
        ),
    ),
    Case("chains:review_queue", expect=REVIEWERS),
    Case("chains:review_queue", query={"export": "csv"}, expect=REVIEWERS),
    Case(
        "chains:review_decide",
        method="POST",
        kwargs=lambda s: {"pk": s.pending.pk},
        data={"decision": "accept"},
        expect=expect((403, 403), city_admin=(302, 302), task_force=(302, 404)),
    ),
    # A ticked row outside the reader's queue refuses the whole batch with a message (302).
    Case(
        "chains:review_bulk",
        method="POST",
        data=lambda s: {"pk": s.pending.pk, "decision": "accept"},
        expect=expect((403, 403), city_admin=(302, 302), task_force=(302, 302)),
    ),
    # Classification jobs: city admins and task forces start them; a job is seen by whoever
    # started it and by city admins (the walk's job is the admin's, without a result file).
    Case("chains:classify_start", expect=REVIEWERS),
    Case("chains:classify_start", method="POST", expect=REVIEWERS),
    Case(
        "chains:classify_replace",
        method="POST",
        expect=only(["city_admin", "task_force"], yes=302),
    ),
    Case("chains:classify_detail", kwargs=CLASSIFY_JOB, expect=CLASSIFY_JOB_READERS),
    Case("chains:classify_progress", kwargs=CLASSIFY_JOB, htmx=True, expect=CLASSIFY_JOB_READERS),
    Case("chains:classify_result", kwargs=CLASSIFY_JOB, expect=CLASSIFY_JOB_NO_RESULT),
    # ---------------------------------------------------------------- API
    Case("GET /api/v1/chains/chains", expect=expect(200)),
    Case("GET /api/v1/chains/chains/{slug}", kwargs=chain, expect=API_READ),
    Case("GET /api/v1/chains/chains/{slug}/segments", kwargs=chain, expect=API_READ),
    Case("GET /api/v1/chains/chains/{slug}/map", kwargs=chain, expect=API_READ),
    Case(
        "GET /api/v1/chains/chains/{slug}/segments/{segment_slug}/firms",
        kwargs=segment,
        expect=API_READ,
    ),
    Case("GET /api/v1/chains/memberships", expect=expect(200)),
    Case(
        "GET /api/v1/chains/memberships/{membership_id}",
        kwargs=lambda s: {"membership_id": s.membership.pk},
        expect=API_MEMBERSHIP,
    ),
    Case(
        "POST /api/v1/chains/memberships",
        data=lambda s: {"enterprise": s.firm.pk, "segment": s.segment.pk},
        # The firm is looked up in the user's scope, then the segment among readable chains,
        # then the service checks the action.
        expect=expect(
            404,
            city_admin=(201, 201),
            task_force=(201, 404),
            chain_leader=(403, 404),
            district_official=(403, 404),
            auditor=(403, 403),
            finance=(403, 403),
        ),
    ),
    Case(
        "POST /api/v1/chains/memberships/{membership_id}/review",
        kwargs=lambda s: {"membership_id": s.pending.pk},
        data={"accept": True},
        # As in the review queue: admins and auditors see every pending guess, task forces
        # their chain's; only admins and the task force decide.
        expect=expect(404, city_admin=(200, 200), auditor=(403, 403), task_force=(200, 404)),
    ),
    Case(
        "DELETE /api/v1/chains/memberships/{membership_id}",
        kwargs=lambda s: {"membership_id": s.membership.pk},
        expect=expect(
            404,
            city_admin=(204, 204),
            task_force=(204, 404),
            chain_leader=(403, 404),
            district_official=(403, 404),
            auditor=(403, 403),
            finance=(403, 403),
        ),
    ),
    Case(
        "POST /api/v1/chains/classify/texts",
        data={},
        # No file: the runners are told what is missing; the rest are refused first.
        expect=only(["city_admin", "task_force"], yes=422),
    ),
    Case(
        "POST /api/v1/chains/classify/replace",
        data={},
        expect=only(["city_admin", "task_force"], yes=201),
    ),
    Case(
        "GET /api/v1/chains/classify/jobs/{job_id}",
        kwargs=lambda s: {"job_id": s.classify_job.pk},
        expect=only(["city_admin"], task_force=404),
    ),
    Case(
        "GET /api/v1/chains/classify/jobs/{job_id}/result",
        kwargs=lambda s: {"job_id": s.classify_job.pk},
        expect=only([], city_admin=404, task_force=404),
    ),
]
