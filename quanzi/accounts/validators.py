"""Password validators of our own (settings.AUTH_PASSWORD_VALIDATORS lists them beside Django's)."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import ngettext


class VarietyValidator:
    """Refuse passwords made of too few distinct characters: "aaaaaaaa", "abababab", "11112222".

    Length alone does not make a password hard to guess; a handful of repeated characters is among the first
    things a cracker tries, and such passwords are rarely all in the common-password list."""

    def __init__(self, min_distinct: int = 4) -> None:
        self.min_distinct = min_distinct

    def validate(self, password: str, user: Any = None) -> None:
        if len(set(password)) < self.min_distinct:
            raise ValidationError(
                ngettext("密码至少要包含 %(min_distinct)d 个不同的字符。",
                         "密码至少要包含 %(min_distinct)d 个不同的字符。", self.min_distinct),
                code="password_too_little_variety",
                params={"min_distinct": self.min_distinct},
            )

    def get_help_text(self) -> str:
        return ngettext("密码至少要包含 %(min_distinct)d 个不同的字符。",
                        "密码至少要包含 %(min_distinct)d 个不同的字符。",
                        self.min_distinct) % {"min_distinct": self.min_distinct}
