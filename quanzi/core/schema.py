"""The base class of every API schema: strict numbers and clean text in request bodies.

Every `*/schemas.py` imports `Schema` from here instead of from ninja. On output it is ninja's `Schema` as it
is. On input (a request body, JSON or form, which ninja validates with the request in the validation
context) it refuses two things that pydantic's lax mode lets through to the services:

- **a boolean or a numeric string where an integer is declared.** Pydantic turns `true` into 1 and `"2"` into
  2, so `{"quantity": true}` added a unit to the cart, `{"price_fen": true}` set a price of 1 fen and
  `{"quantity": false}` removed a cart line. A JSON integer field now takes a JSON number only (a whole
  float such as `2.0` still passes, as before). A form post (multipart or urlencoded, what `JsonOrFormParser`
  in quanzi/api.py turns into a dict of strings) can only carry strings, so there a numeric string stays
  fine; a boolean never is a number. Covered: `int`, `int | None` and lists of `int`; nested schemas check
  their own fields. Query and path parameters are not schemas and stay lax (they are strings by nature).
  The error is pydantic's own strict-mode one: `int_type`, "Input should be a valid integer", at the field's
  location, so it comes out as the usual 422 `invalid_input` with details naming the field.
- **control characters in text.** A string anywhere in the body (nested, in lists, dict keys included) with a
  C0 control character other than tab, line feed and carriage return, or with a lone surrogate, is refused
  with the error type `invalid_characters`; quanzi/api.py answers it as 422 `invalid_characters`
  "文本包含不允许的控制字符". Before, a NUL reached the database (PostgreSQL refuses it with a DataError).

Schemas validated without a request in the context (from Python code, or as responses) are not checked.
"""

from __future__ import annotations

import functools
import re
import types
from collections.abc import Iterator
from typing import Annotated, Any, Union, get_args, get_origin

from django.http import HttpRequest
from ninja import Schema as NinjaSchema
from pydantic import ModelWrapValidatorHandler, ValidationInfo, model_validator
from pydantic_core import InitErrorDetails, PydanticCustomError, ValidationError

FORM_CONTENT_TYPES = ("multipart/form-data", "application/x-www-form-urlencoded")
INVALID_CHARACTERS = "invalid_characters"
INVALID_CHARACTERS_MESSAGE = "文本包含不允许的控制字符"
# C0 controls except \t \n \r, and lone surrogates (JSON can carry "\ud800"; no database can store it).
CONTROL_CHARACTERS = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff]")

Loc = tuple[str | int, ...]


def is_form_request(request: HttpRequest) -> bool:
    """A form post: its body values are strings whatever the field's type (the same test as the parser's)."""
    return (request.META.get("CONTENT_TYPE") or "").startswith(FORM_CONTENT_TYPES)


def _int_shape(annotation: Any) -> str | None:
    """"one" for `int` (or `int | None`), "many" for a list / tuple / set of `int` (or None), else None."""
    if annotation is int:
        return "one"
    origin = get_origin(annotation)
    args = get_args(annotation)
    if origin is Annotated:
        return _int_shape(args[0])
    if origin in (Union, types.UnionType):
        shapes = {_int_shape(a) for a in args if a is not type(None)}
        return shapes.pop() if len(shapes) == 1 else None
    if origin in (list, tuple, set, frozenset) and args and args[0] is int and all(a in (int, ...) for a in args):
        return "many"
    return None


@functools.cache
def _int_fields(cls: type[NinjaSchema]) -> tuple[tuple[str, str], ...]:
    """(input key, shape) of the integer fields of a schema class, worked out once per class."""
    fields = []
    for name, field in cls.model_fields.items():
        shape = _int_shape(field.annotation)
        if shape is not None:
            fields.append((field.alias or name, shape))
    return tuple(fields)


def _not_an_integer(value: Any, *, form: bool) -> bool:
    if isinstance(value, bool):
        return True
    return isinstance(value, str) and not form


def _strings(value: Any, loc: Loc) -> Iterator[tuple[Loc, str]]:
    """Every string inside a parsed body value, with its location (a dict key is located at its own entry)."""
    if isinstance(value, str):
        yield loc, value
    elif isinstance(value, dict):
        for key, item in value.items():
            if isinstance(key, str):
                yield (*loc, key), key
            yield from _strings(item, (*loc, key))
    elif isinstance(value, list | tuple):
        for i, item in enumerate(value):
            yield from _strings(item, (*loc, i))


def input_errors(cls: type[NinjaSchema], data: dict[str, Any], *, form: bool) -> list[InitErrorDetails]:
    """What the strict input rules find wrong in a raw body for `cls` (empty when it is fine)."""
    errors: list[InitErrorDetails] = []
    for key, shape in _int_fields(cls):
        if key not in data:
            continue
        value = data[key]
        if shape == "one" and _not_an_integer(value, form=form):
            errors.append(InitErrorDetails(type="int_type", loc=(key,), input=value))
        elif shape == "many" and isinstance(value, list):
            errors.extend(InitErrorDetails(type="int_type", loc=(key, i), input=item)
                          for i, item in enumerate(value) if _not_an_integer(item, form=form))
    for name, field in cls.model_fields.items():
        key = field.alias or name
        if key not in data:
            continue
        for loc, text in _strings(data[key], (key,)):
            bad = CONTROL_CHARACTERS.search(text)
            if bad:
                error = PydanticCustomError(INVALID_CHARACTERS, INVALID_CHARACTERS_MESSAGE,
                                            {"character": f"U+{ord(bad.group()):04X}"})
                errors.append(InitErrorDetails(type=error, loc=loc, input=text))
    return errors


class Schema(NinjaSchema):
    """ninja's Schema with the strict input rules of this module (see its docstring)."""

    @model_validator(mode="wrap")
    @classmethod
    def _strict_input(cls, data: Any, handler: ModelWrapValidatorHandler[Any], info: ValidationInfo) -> Any:
        context = info.context if isinstance(info.context, dict) else {}
        request = context.get("request")
        if isinstance(data, dict) and isinstance(request, HttpRequest) and "response_status" not in context:
            errors = input_errors(cls, data, form=is_form_request(request))
            if errors:
                raise ValidationError.from_exception_data(cls.__name__, errors)
        return handler(data)
