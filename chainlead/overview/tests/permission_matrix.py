"""Who may open the overview (walked by core's permission walk): the officials who read chain
maps; firms, commissioners, researchers and reviewers get 403."""

from chainlead.core.testing import Case, only

OFFICIALS = ["city_admin", "chain_leader", "task_force", "district_official", "finance", "auditor"]

MATRIX = [
    Case("overview:city", expect=only(OFFICIALS)),
]
