"""Who may open the registry pages and API operations (walked by core's permission walk).

Firms visible per role (registry.selectors.enterprise_list): city admins, auditors and finance
officers see every firm; chain leaders and task forces the firms of their chain; district
officials those of their district; enterprise users their own firm; commissioners, researchers
and reviewers none (yet). Only city admins create, import and delete; a firm's own user edits
some of its fields.
"""

from chainlead.core.testing import Case, World, expect, only

# (own, other) pairs: what each role gets for a firm on each side of the world.
ALL = (200, 200)
OWN = (200, 404)
NONE = 404

SEE = expect(
    ALL,
    chain_leader=OWN,
    task_force=OWN,
    district_official=OWN,
    enterprise=OWN,
    commissioner=NONE,
    researcher=NONE,
    reviewer=NONE,
)


def edit(ok: int) -> dict:
    """Visible and editable: `ok`; visible only: 403; out of scope: 404."""
    return expect(
        (403, 403),
        city_admin=(ok, ok),
        enterprise=(ok, 404),
        chain_leader=(403, 404),
        task_force=(403, 404),
        district_official=(403, 404),
        commissioner=NONE,
        researcher=NONE,
        reviewer=NONE,
    )


def setup(world: World) -> None:
    from chainlead.registry.models import ImportJob, Industry

    Industry.objects.get_or_create(code="C", defaults={"name": "制造业", "level": "section"})
    # An import job as the importer leaves it (the import pages only read it).
    job = ImportJob.objects.create(created_by=world.admin, filename="walk.csv")
    world.add("import_job", own=job)


firm = lambda s: {"pk": s.firm.pk}  # noqa: E731
api_firm = lambda s: {"enterprise_id": s.firm.pk}  # noqa: E731
ADMIN_ONLY = only(["city_admin"])
IMPORT_READERS = only(["city_admin", "auditor"])

MATRIX = [
    # ---------------------------------------------------------------- pages
    Case("registry:enterprise_list", expect=expect(200)),
    # The firm picker's suggestions: every reader, within their scope (the selector).
    Case("registry:enterprise_suggest", query={"q": "Walk"}, htmx=True, expect=expect(200)),
    Case("registry:enterprise_list", query={"export": "csv"}, expect=expect(200)),
    Case("registry:enterprise_list", query={"export": "xlsx", "q": "Walk"}, expect=expect(200)),
    Case("registry:enterprise_list", query={"origin": "local"}, htmx=True, expect=expect(200)),
    Case("registry:enterprise_detail", kwargs=firm, expect=SEE),
    Case("registry:enterprise_edit", kwargs=firm, expect=edit(200)),
    Case("registry:enterprise_edit", method="POST", kwargs=firm, data={}, expect=edit(200)),
    Case("registry:indicator_set", kwargs=firm, expect=edit(200)),
    Case("registry:indicator_set", method="POST", kwargs=firm, data={}, expect=edit(200)),
    Case("registry:enterprise_create", expect=ADMIN_ONLY),
    Case("registry:enterprise_create", method="POST", data={}, expect=ADMIN_ONLY),
    Case(
        "registry:enterprise_delete",
        kwargs=firm,
        expect=only(["city_admin"], yes=(200, 200), no=(403, 403)),
    ),
    Case(
        "registry:enterprise_delete",
        method="POST",
        kwargs=firm,
        expect=only(["city_admin"], yes=(302, 302), no=(403, 403)),
    ),
    Case("registry:import_start", expect=ADMIN_ONLY),
    Case("registry:import_template", expect=ADMIN_ONLY),
    Case("registry:import_detail", kwargs=lambda s: {"pk": s.import_job.pk}, expect=IMPORT_READERS),
    Case(
        "registry:import_progress",
        kwargs=lambda s: {"pk": s.import_job.pk},
        expect=IMPORT_READERS,
        htmx=True,
    ),
    # ---------------------------------------------------------------- API
    Case("GET /api/v1/registry/enterprises", expect=expect(200)),
    Case("GET /api/v1/registry/enterprises/{enterprise_id}", kwargs=api_firm, expect=SEE),
    Case(
        "POST /api/v1/registry/enterprises",
        data={"name": "Walk API firm"},
        expect=only(["city_admin"], yes=201),
    ),
    Case(
        "PATCH /api/v1/registry/enterprises/{enterprise_id}",
        kwargs=api_firm,
        data={"version": 1, "employees": 5},
        expect=edit(200),
    ),
    Case(
        "DELETE /api/v1/registry/enterprises/{enterprise_id}",
        kwargs=api_firm,
        expect=expect(
            (403, 403),
            city_admin=(204, 204),
            enterprise=(403, 404),
            chain_leader=(403, 404),
            task_force=(403, 404),
            district_official=(403, 404),
            commissioner=NONE,
            researcher=NONE,
            reviewer=NONE,
        ),
    ),
    Case(
        "GET /api/v1/registry/enterprises/{enterprise_id}/indicators", kwargs=api_firm, expect=SEE
    ),
    Case(
        "PUT /api/v1/registry/enterprises/{enterprise_id}/indicators/{year}",
        kwargs=lambda s: {"enterprise_id": s.firm.pk, "year": 2024},
        data={"revenue": "10"},
        expect=edit(200),
    ),
    Case("GET /api/v1/registry/industries", expect=expect(200)),
    Case("GET /api/v1/registry/industries/{code}", kwargs={"code": "C"}, expect=expect(200)),
    Case("GET /api/v1/registry/districts", expect=expect(200)),
]
