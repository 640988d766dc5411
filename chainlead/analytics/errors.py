"""Errors and warnings raised by :mod:`chainlead.analytics`.

Every refusal is an :class:`AnalyticsError` (a ``ValueError``), so callers can catch the whole
family at once or one problem precisely. Warnings are :class:`ComplexityWarning` (a
``UserWarning``) and never change results.
"""

from __future__ import annotations


class AnalyticsError(ValueError):
    """Base class: the input cannot be analysed as given.

    `code` and `params` name the problem for callers that say it in another language (the
    platform translates the firm-file problems); the message is the English text."""

    def __init__(self, message: str = "", *, code: str = "", **params: str | int) -> None:
        super().__init__(message)
        self.code = code
        self.params = params


class EmptyInputError(AnalyticsError):
    """The table or matrix has no rows, or no period has any positive value."""


class MissingColumnError(AnalyticsError):
    """A column named in the column mapping is not in the table, or the mapping is incomplete."""


class MissingKeyError(AnalyticsError):
    """A region, product or period label is missing (NaN / None)."""


class NegativeValueError(AnalyticsError):
    """A value, weight or population is negative; shares and RCA are undefined then."""


class InvalidValueError(AnalyticsError):
    """A value is infinite, or not numeric under ``val_errors_flag='raise'``."""


class ShapeError(AnalyticsError):
    """Matrices or vectors do not line up (wrong dimensions, mismatched labels)."""


class UnsupportedOptionError(AnalyticsError):
    """An option, or a combination of options, that this package refuses (the message says why)."""


class ComplexityWarning(UserWarning):
    """Something unusual that ``ecomplexity`` also warns about (NaN values, duplicates, zero
    diversity or ubiquity), or an ill-defined eigenvector (see :mod:`chainlead.analytics.eci`)."""


__all__ = [
    "AnalyticsError",
    "ComplexityWarning",
    "EmptyInputError",
    "InvalidValueError",
    "MissingColumnError",
    "MissingKeyError",
    "NegativeValueError",
    "ShapeError",
    "UnsupportedOptionError",
]
