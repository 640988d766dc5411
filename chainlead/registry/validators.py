"""Validation of identifiers used by the registry."""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from django.utils.translation import gettext_noop

from chainlead.core.reasons import Reason

# GB 32100-2015 §4: the 31 characters of a unified social credit code and the check weights.
CREDIT_CODE_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
CREDIT_CODE_WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)
_CHAR_VALUE = {c: i for i, c in enumerate(CREDIT_CODE_ALPHABET)}


def credit_code_check_char(first17: str) -> str:
    """The check character (position 18) for the first 17 characters of a credit code."""
    total = sum(_CHAR_VALUE[c] * w for c, w in zip(first17, CREDIT_CODE_WEIGHTS, strict=True))
    value = 31 - total % 31
    return CREDIT_CODE_ALPHABET[0 if value == 31 else value]


def credit_code_error(code: str) -> Reason | None:
    """Why `code` is not a valid unified social credit code, or None if it is."""
    if len(code) != 18:
        return Reason(gettext_noop("must be 18 characters, got %(n)d"), n=len(code))
    bad = sorted({c for c in code if c not in _CHAR_VALUE})
    if bad:
        return Reason(
            gettext_noop("contains characters not allowed in a credit code: %(chars)s"),
            chars="".join(bad),
        )
    expected = credit_code_check_char(code[:17])
    if code[17] != expected:
        return Reason(
            gettext_noop("check character is %(got)s, expected %(expected)s"),
            got=code[17],
            expected=expected,
        )
    return None


def validate_credit_code(value: str) -> None:
    error = credit_code_error(value)
    if error:
        raise ValidationError(
            _("Invalid unified social credit code: %(reason)s"),
            code="invalid_credit_code",
            params={"reason": error.translated()},
        )
