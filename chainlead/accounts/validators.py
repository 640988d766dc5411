"""Password policy of MLPS 2.0 (GB/T 22239-2019 8.1.4.1 a): passwords of sufficient complexity."""

import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _


class CharacterClassValidator:
    """At least three of: lower-case, upper-case, digits, symbols."""

    classes = (r"[a-z]", r"[A-Z]", r"[0-9]", r"[^a-zA-Z0-9]")
    required = 3

    def validate(self, password: str, user: object = None) -> None:
        found = sum(1 for pattern in self.classes if re.search(pattern, password))
        if found < self.required:
            raise ValidationError(
                _(
                    "The password must mix at least three of: lower-case letters, upper-case "
                    "letters, digits and symbols."
                ),
                code="password_too_simple",
            )

    def get_help_text(self) -> str:
        return _(
            "Use at least three of: lower-case letters, upper-case letters, digits and symbols."
        )
