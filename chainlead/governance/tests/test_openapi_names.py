"""Every schema of the OpenAPI document has one name (issue 9 item 13): plan targets were
described by recruitment's `TargetOut`, as both apps named their schema alike."""

from config.api import api


def _refs(node, found):
    if isinstance(node, dict):
        for key, value in node.items():
            if key == "$ref":
                found.add(value.rsplit("/", 1)[-1])
            else:
                _refs(value, found)
    elif isinstance(node, list):
        for item in node:
            _refs(item, found)
    return found


def test_plan_targets_have_their_own_schema():
    schema = api.get_openapi_schema()
    response = schema["paths"]["/api/v1/governance/plans/{plan_id}/targets"]["get"]["responses"]
    names = _refs(response, set())
    assert names == {"PlanTargetOut"}
    assert "indicator" in schema["components"]["schemas"]["PlanTargetOut"]["properties"]
    assert "stage" in schema["components"]["schemas"]["TargetOut"]["properties"]
