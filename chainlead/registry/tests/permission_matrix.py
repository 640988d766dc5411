"""Who may open the registry pages (walked by chainlead/core/tests/test_permission_walk.py).

Every logged-in user may open the list; it shows only what their roles reach (researchers,
reviewers and commissioners: nothing). A firm outside the user's scope is 404; a visible firm
the user may not change is 403 on its write pages. Creating and deleting: city admins only.
"""

from chainlead.core.testing import Case, World, expect, only


def setup(world: World) -> None:
    from chainlead.registry.models import ImportJob

    world.add(
        "import_job", own=ImportJob.objects.create(filename="walk.csv", created_by=world.admin)
    )


def firm(s):  # type: ignore[no-untyped-def]
    return {"pk": s.firm.pk}


def job(s):  # type: ignore[no-untyped-def]
    return {"pk": s.import_job.pk}


# Reading a firm: (own side, other side).
READ = expect(
    (200, 200),
    chain_leader=(200, 404),
    task_force=(200, 404),
    district_official=(200, 404),
    enterprise=(200, 404),
    commissioner=404,
    researcher=404,
    reviewer=404,
)
# Changing a firm: admins everywhere, the firm's own users on their firm, 403 for other readers.
WRITE = expect(
    (403, 403),
    city_admin=(200, 200),
    enterprise=(200, 404),
    chain_leader=(403, 404),
    task_force=(403, 404),
    district_official=(403, 404),
    commissioner=404,
    researcher=404,
    reviewer=404,
)

MATRIX = [
    Case("registry:enterprise_list", expect=expect(200)),
    Case("registry:enterprise_list", query={"export": "csv"}, expect=expect(200)),
    Case("registry:enterprise_list", query={"export": "xlsx", "q": "Walk"}, expect=expect(200)),
    Case("registry:enterprise_list", method="POST", data={}, expect=expect(405)),
    Case("registry:enterprise_create", expect=only(["city_admin"])),
    Case("registry:enterprise_create", method="POST", data={}, expect=only(["city_admin"])),
    Case("registry:enterprise_detail", kwargs=firm, expect=READ),
    Case("registry:enterprise_edit", kwargs=firm, expect=WRITE),
    # An empty post is an invalid form (200, re-rendered) for those who may edit.
    Case("registry:enterprise_edit", method="POST", kwargs=firm, data={}, expect=WRITE),
    Case("registry:enterprise_delete", kwargs=firm, expect=only(["city_admin"])),
    Case(
        "registry:enterprise_delete",
        method="POST",
        kwargs=firm,
        data={},
        expect=only(["city_admin"], yes=302),
    ),
    Case("registry:indicator_set", kwargs=firm, expect=WRITE),
    Case("registry:indicator_set", method="POST", kwargs=firm, data={}, expect=WRITE),
    # The import pages (registry/import_views.py): admins import; auditors read the jobs.
    Case("registry:import_start", expect=only(["city_admin"])),
    Case("registry:import_start", method="POST", data={}, expect=only(["city_admin"])),
    Case("registry:import_detail", kwargs=job, expect=only(["city_admin", "auditor"])),
    Case("registry:import_progress", kwargs=job, expect=only(["city_admin", "auditor"])),
    Case("registry:import_progress", kwargs=job, htmx=True, expect=only(["city_admin", "auditor"])),
]
