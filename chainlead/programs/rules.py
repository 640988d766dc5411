"""Eligibility rules as data: JSON Logic over one firm's data, each with its reason.

A rule is ``{"kind", "label", "logic", "reason_template"}`` (``kind`` one of
``choices.RuleKind``). ``logic`` is JSON Logic (jsonlogic.com, evaluated by panzi-json-logic)
over the firm's data dict (`FIRM_FIELDS`, built by `programs.firmdata`). A rule passes when
every field it reads is known and the logic is truthy; an unknown field fails it ("not
reported"), so a firm that never reported its revenue does not pass a revenue threshold.
``reason_template`` is text with ``{field}`` placeholders filled from the firm's data
("founded {founded}, must be on or after 2020-01-01"): the reason is the same sentence whether
the rule passed or not, so an official reads the fact and the requirement side by side.

`programs.vectorised` evaluates the same rules over columns, many firms at a time; a test
proves both agree.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from json_logic import jsonLogic

from chainlead.programs.choices import RuleKind

# The firm's data a rule may read (programs.firmdata builds it). Amounts in 10,000 CNY, as the
# registry keeps them; dates as ISO text (which JSON Logic compares in calendar order).
FIRM_FIELDS: dict[str, str] = {
    "name": "text",
    "city": "text",
    "district": "text",  # district name, e.g. 滨江区
    "founded": "date",
    "industry": "text",  # GB/T 4754 code of the firm's industry
    "industry_division": "text",  # its two-digit division
    "size_class": "text",  # large | medium | small | micro
    "above_designated_size": "bool",
    "employees": "number",
    "origin": "text",  # local | attracted
    "listed": "bool",
    "revenue": "number",  # latest yearly indicator, else the registry's figure
    "rd_spend": "number",
    "rd_share": "number",  # rd_spend / revenue
    "indicator_year": "number",
    "segments": "list",  # "chain-slug/segment-slug" of the firm's accepted memberships
    "chains": "list",
    "open_violations": "number",  # active payment holds in the support fund
    "team": "team",  # an application's team: [{"name", "age", "returnee"}]
}
TEAM_FIELDS = frozenset({"name", "age", "returnee"})

# Operations officials may use (a subset of JSON Logic; no "log", no string slicing).
ALLOWED_OPERATIONS = frozenset(
    {
        "var", "==", "!=", "===", "!==", "<", "<=", ">", ">=", "!", "!!", "and", "or", "if",
        "in", "+", "-", "*", "/", "min", "max", "some", "all", "none", "missing",
    }
)  # fmt: skip
PLACEHOLDER = re.compile(r"\{([a-z_]+)\}")
# Operations whose first argument is a list and whose second is evaluated per item.
LIST_OPERATIONS = frozenset({"some", "all", "none"})


@dataclass(frozen=True)
class RuleResult:
    rule: str
    kind: str
    passed: bool
    reason: str

    def as_dict(self) -> dict[str, Any]:
        return {"rule": self.rule, "kind": self.kind, "passed": self.passed, "reason": self.reason}


def referenced_fields(logic: Any) -> set[str]:
    """The firm fields `logic` reads at the top level (not inside some/all/none's per-item
    logic, which reads the items' fields)."""
    found: set[str] = set()
    if isinstance(logic, list):
        for item in logic:
            found |= referenced_fields(item)
        return found
    if not isinstance(logic, dict) or len(logic) != 1:
        return found
    op, args = next(iter(logic.items()))
    if op == "var":
        name = args[0] if isinstance(args, list) and args else args
        if isinstance(name, str) and name:
            found.add(name.split(".", 1)[0])
        return found
    if op in LIST_OPERATIONS and isinstance(args, list) and args:
        return referenced_fields(args[0])
    return referenced_fields(args)


def _check_logic(logic: Any, *, fields: Iterable[str], where: str) -> None:
    allowed = set(fields)
    if isinstance(logic, list):
        for item in logic:
            _check_logic(item, fields=allowed, where=where)
        return
    if not isinstance(logic, dict):
        return
    if len(logic) != 1:
        raise ValidationError(_("%(where)s: an operation has exactly one key.") % {"where": where})
    op, args = next(iter(logic.items()))
    if op not in ALLOWED_OPERATIONS:
        raise ValidationError(
            _("%(where)s: unknown operation “%(op)s”.") % {"where": where, "op": op}
        )
    if op == "var":
        name = args[0] if isinstance(args, list) and args else args
        if not isinstance(name, str) or name.split(".", 1)[0] not in allowed:
            raise ValidationError(
                _("%(where)s: unknown field “%(name)s”.") % {"where": where, "name": name}
            )
        return
    if op in LIST_OPERATIONS and isinstance(args, list) and len(args) == 2:
        _check_logic(args[0], fields=allowed, where=where)
        _check_logic(args[1], fields=TEAM_FIELDS, where=where)
        return
    _check_logic(args, fields=allowed, where=where)


def validate_logic(logic: Any) -> Any:
    """A JSON Logic expression over the firm's fields (e.g. a grant's amount), checked."""
    _check_logic(logic, fields=FIRM_FIELDS, where=_("amount"))
    return logic


def validate_rules(rules: Any) -> list[dict[str, Any]]:
    """The rules, checked: shape, kind, operations and fields; ValidationError otherwise."""
    if not isinstance(rules, list):
        raise ValidationError(_("Rules are a list."))
    for n, rule in enumerate(rules, start=1):
        where = _("rule %(n)s") % {"n": n}
        if not isinstance(rule, dict) or set(rule) != {
            "kind",
            "label",
            "logic",
            "reason_template",
        }:
            raise ValidationError(
                _("%(where)s: give exactly kind, label, logic and reason_template.")
                % {"where": where}
            )
        if rule["kind"] not in RuleKind.values:
            raise ValidationError(
                _("%(where)s: unknown kind “%(kind)s”.") % {"where": where, "kind": rule["kind"]}
            )
        if not isinstance(rule["label"], str) or not rule["label"].strip():
            raise ValidationError(_("%(where)s: a label is required.") % {"where": where})
        if not isinstance(rule["logic"], dict):
            raise ValidationError(_("%(where)s: logic is a JSON Logic object.") % {"where": where})
        _check_logic(rule["logic"], fields=FIRM_FIELDS, where=where)
        for name in PLACEHOLDER.findall(str(rule["reason_template"])):
            if name not in FIRM_FIELDS:
                raise ValidationError(
                    _("%(where)s: the reason names an unknown field “%(name)s”.")
                    % {"where": where, "name": name}
                )
    return rules


def _shown(value: Any) -> str:
    if value is None:
        return _("not reported")
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    if isinstance(value, float):
        return f"{value:,.4g}" if abs(value) < 1 else f"{value:,.2f}".rstrip("0").rstrip(".")
    if isinstance(value, list):
        return ", ".join(str(v) for v in value) if value else _("none")
    return str(value)


def reason(template: str, data: Mapping[str, Any]) -> str:
    """`template` with each `{field}` replaced by the firm's value (no attribute access)."""
    return PLACEHOLDER.sub(lambda m: _shown(data.get(m.group(1))), template)


def rule_passes(logic: Mapping[str, Any], data: Mapping[str, Any]) -> bool:
    if any(data.get(name) is None for name in referenced_fields(logic)):
        return False
    return bool(jsonLogic(dict(logic), dict(data)))


def evaluate(rules: Sequence[Mapping[str, Any]], data: Mapping[str, Any]) -> list[RuleResult]:
    """Each rule's verdict on one firm, with its reason."""
    return [
        RuleResult(
            rule=str(rule["label"]),
            kind=str(rule["kind"]),
            passed=rule_passes(rule["logic"], data),
            reason=reason(str(rule["reason_template"]), data),
        )
        for rule in rules
    ]


def eligible(results: Iterable[RuleResult]) -> bool:
    return all(r.passed for r in results)


CENT = Decimal("0.01")


def amount_for(amount_logic: Any, data: Mapping[str, Any], cap: Decimal) -> Decimal:
    """The amount a no-application grant gives a firm, in CNY, never above `cap` nor below 0.

    JSON Logic computes in floats; the result is rounded to fen at once (money is Decimal)."""
    if any(data.get(name) is None for name in referenced_fields(amount_logic)):
        return Decimal("0.00")
    value = jsonLogic(amount_logic, dict(data))
    try:
        money = Decimal(str(value)).quantize(CENT, rounding=ROUND_HALF_UP)
    except ArithmeticError:
        return Decimal("0.00")
    if not money.is_finite():
        return Decimal("0.00")
    return max(Decimal("0.00"), min(money, cap))
