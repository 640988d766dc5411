"""The eligibility rules evaluated over columns: one boolean per firm, many firms at a time.

`rules.evaluate` runs JSON Logic on one firm's dict (and gives the reasons); this module
translates the same JSON Logic into numpy/pandas operations on a DataFrame whose columns are
`rules.FIRM_FIELDS` (lists as "|a|b|" text), so a program's rules run over a million firms in
seconds, in chunks of constant size. Same semantics: a rule fails where a field it reads is
missing; a test (tests/test_vectorised.py) proves both agree. Operations that have no column
form (some/all/none over a team, `if`, `missing`) raise `NotVectorisableError`: such a rule is
evaluated per firm.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any, TypeAlias

import numpy as np
import pandas as pd

from chainlead.programs.rules import FIRM_FIELDS, referenced_fields

# A Series, or a scalar literal broadcast by pandas. Any: pandas ships no types (no
# pandas-stubs installed), so a Series is Any to the type checker anyway.
Column: TypeAlias = Any
BoolArray: TypeAlias = np.ndarray[Any, np.dtype[np.bool_]]


class NotVectorisableError(ValueError):
    """The logic uses an operation with no column form."""


LIST_SEPARATOR = "|"


def frame(rows: Sequence[Mapping[str, Any]]) -> pd.DataFrame:
    """The column form of firm data dicts (`firmdata.firm_rows`)."""
    columns: dict[str, Any] = {}
    for name, kind in FIRM_FIELDS.items():
        values = [row.get(name) for row in rows]
        if kind == "list":
            columns[name] = [
                LIST_SEPARATOR + LIST_SEPARATOR.join(v) + LIST_SEPARATOR if v else ""
                for v in values
            ]
        elif kind == "number":
            columns[name] = pd.to_numeric(pd.Series(values, dtype="object"), errors="coerce")
        elif kind == "team":
            continue
        else:
            columns[name] = pd.Series(values, dtype="object")
    return pd.DataFrame(columns)


def _compare(op: str, a: Column, b: Column) -> Column:
    if op in ("==", "==="):
        return a == b
    if op in ("!=", "!=="):
        return a != b
    if op == "<":
        return a < b
    if op == "<=":
        return a <= b
    if op == ">":
        return a > b
    return a >= b


def _truthy(value: Column) -> Column:
    if isinstance(value, pd.Series):
        if value.dtype == object:
            return value.map(bool).astype(bool)
        return value.fillna(0).astype(bool)
    return bool(value)


def _value(logic: Any, data: pd.DataFrame) -> Column:
    if isinstance(logic, list):
        raise NotVectorisableError("a list outside `in`")
    if not isinstance(logic, dict):
        return logic
    op, args = next(iter(logic.items()))
    args = args if isinstance(args, list) else [args]
    if op == "var":
        name = str(args[0])
        if name not in data.columns:
            raise NotVectorisableError(f"field {name} has no column")
        column = data[name]
        # Unknown values fail the rule through the mask of `rule_mask`; here they only must
        # not break a comparison (None < "2020-01-01" raises).
        return column.fillna("") if column.dtype == object and column.hasnans else column
    if op in ("==", "!=", "===", "!==", "<", "<=", ">", ">="):
        if len(args) == 3:  # between: a < b < c
            middle = _value(args[1], data)
            return _compare(op, _value(args[0], data), middle) & _compare(
                op, middle, _value(args[2], data)
            )
        return _compare(op, _value(args[0], data), _value(args[1], data))
    if op == "and":
        result: Column = True
        for arg in args:
            result = result & _truthy(_value(arg, data))
        return result
    if op == "or":
        result = False
        for arg in args:
            result = result | _truthy(_value(arg, data))
        return result
    if op == "!":
        return ~_truthy(_value(args[0], data))
    if op == "!!":
        return _truthy(_value(args[0], data))
    if op == "in":
        needle, haystack = args[0], args[1]
        if isinstance(haystack, list):
            column = _value(needle, data)
            if not isinstance(column, pd.Series):
                return column in haystack
            return column.isin(haystack)
        if isinstance(haystack, dict) and "var" in haystack:
            column = _value(haystack, data)
            text = str(_value(needle, data))
            if FIRM_FIELDS.get(str(_var_name(haystack))) == "list":
                return column.str.contains(LIST_SEPARATOR + text + LIST_SEPARATOR, regex=False)
            return column.fillna("").astype(str).str.contains(text, regex=False)
        raise NotVectorisableError("`in` needs a list or a field")
    if op in ("+", "*"):
        values = [_value(a, data) for a in args]
        total = values[0]
        for v in values[1:]:
            total = total + v if op == "+" else total * v
        return total
    if op == "-":
        if len(args) == 1:
            return -_value(args[0], data)
        return _value(args[0], data) - _value(args[1], data)
    if op == "/":
        return _value(args[0], data) / _value(args[1], data)
    if op in ("min", "max"):
        values = [_value(a, data) for a in args]
        stacked = pd.concat(
            [v if isinstance(v, pd.Series) else pd.Series(v, index=data.index) for v in values],
            axis=1,
        )
        return stacked.min(axis=1) if op == "min" else stacked.max(axis=1)
    raise NotVectorisableError(f"operation {op}")


def _var_name(logic: Mapping[str, Any]) -> str:
    name = logic["var"]
    return str(name[0] if isinstance(name, list) else name)


def rule_mask(logic: Mapping[str, Any], data: pd.DataFrame) -> BoolArray:
    """Where the rule passes: every field it reads is known and the logic is truthy."""
    known = np.ones(len(data), dtype=bool)
    for name in referenced_fields(logic):
        if name not in data.columns:
            raise NotVectorisableError(f"field {name} has no column")
        column = data[name]
        if FIRM_FIELDS.get(name) == "list":
            continue  # an empty list is known (no membership)
        known &= column.notna().to_numpy()
    value = _truthy(_value(dict(logic), data))
    if isinstance(value, pd.Series):
        passes: BoolArray = value.to_numpy(dtype=bool)
        return known & passes
    # numpy types `array & bool` loosely (Any); it is a boolean array.
    mask: BoolArray = known & bool(value)
    return mask


def eligible_mask(rules: Sequence[Mapping[str, Any]], data: pd.DataFrame) -> BoolArray:
    """Where every rule passes."""
    mask = np.ones(len(data), dtype=bool)
    for rule in rules:
        mask &= rule_mask(rule["logic"], data)
    return mask


def vectorisable(rules: Sequence[Mapping[str, Any]]) -> bool:
    empty = frame([])
    try:
        eligible_mask(rules, empty)
    except NotVectorisableError:
        return False
    return True
