"""Unified social credit codes (GB 32100-2015): the check character and what is rejected."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from chainlead.registry.generator import synthetic_credit_code
from chainlead.registry.validators import (
    credit_code_check_char,
    credit_code_error,
    validate_credit_code,
)

# Worked by hand for 91330108000000000: values 9,1,3,3,0,1,0,8 then zeros, weights
# 1,3,9,27,19,26,16,17: 9 + 3 + 27 + 81 + 0 + 26 + 0 + 136 = 282; 282 mod 31 = 3; 31 - 3 = 28,
# and the 28th character (from 0) of 0123456789ABCDEFGHJKLMNPQRTUWXY is W.
HAND_COMPUTED = "91330108000000000W"
# A published code (Alibaba (China) Co., Ltd., Hangzhou) and two made by the algorithm.
VALID = [HAND_COMPUTED, "91330100799655058B", "91330000MA27U0BW3B", "913301080000000010"]


def test_hand_computed_check_character() -> None:
    assert credit_code_check_char("91330108000000000") == "W"


@pytest.mark.parametrize("code", VALID)
def test_valid_codes_pass(code: str) -> None:
    assert credit_code_error(code) is None
    validate_credit_code(code)


def test_check_value_31_maps_to_zero() -> None:
    # 91330108000000001: the sum is 282 + 28 = 310 = 10 × 31, so 31 - 0 = 31, written 0.
    assert credit_code_check_char("91330108000000001") == "0"


@pytest.mark.parametrize(
    ("code", "reason"),
    [
        ("91330108000000000", "must be 18 characters, got 17"),
        ("91330108000000000WW", "must be 18 characters, got 19"),
        ("", "must be 18 characters, got 0"),
        ("91330108000000000X", "check character is X, expected W"),
        ("91330108O0000000OW", "contains characters not allowed in a credit code: O"),
        ("9133010800000000IW", "contains characters not allowed in a credit code: I"),
        ("91330108s0000000SW", "contains characters not allowed in a credit code: Ss"),
        ("9133010800000000VZ", "contains characters not allowed in a credit code: VZ"),
        ("91330108０0000000W", "must be 18 characters, got 17"),
    ],
)
def test_invalid_codes_say_why(code: str, reason: str) -> None:
    assert credit_code_error(code) == reason
    with pytest.raises(ValidationError):
        validate_credit_code(code)


def test_one_changed_character_is_caught() -> None:
    code = "91330100799655058B"
    for i in range(17):
        for replacement in "0A":
            if code[i] == replacement:
                continue
            altered = code[:i] + replacement + code[i + 1 :]
            assert credit_code_error(altered) is not None, altered


def test_synthetic_codes_are_valid_and_distinct() -> None:
    codes = {synthetic_credit_code(i, "330106", seed=7) for i in range(5000)}
    assert len(codes) == 5000
    assert all(credit_code_error(c) is None for c in codes)
    assert all(c.startswith("91330106") for c in codes)
