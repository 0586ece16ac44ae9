"""The API's JSON parser: DRF's, with a bound on nesting.

Python's JSON decoder recurses once per nested array or object, so a body of 100,000 ``[``
would end in a ``RecursionError`` (a server error) and a merely deep one would reach the
serializers. No resource of the API nests deeper than a few levels; a body deeper than
:data:`MAX_DEPTH` is refused with 400 ``json_too_deep`` naming the bound.
"""

from __future__ import annotations

from typing import Any

from rest_framework.parsers import JSONParser

from provisioning.errors import ApplicationError

__all__ = ["MAX_DEPTH", "NestingLimitedJSONParser", "depth_exceeds"]

MAX_DEPTH = 32
"""The deepest nesting of arrays and objects a request body may have."""


def _too_deep() -> ApplicationError:
    return ApplicationError(
        "json_too_deep",
        f"The JSON body is nested deeper than {MAX_DEPTH} levels.",
        params={"depth": MAX_DEPTH},
    )


def depth_exceeds(value: Any, limit: int) -> bool:
    """Does ``value`` nest arrays and objects deeper than ``limit`` levels (no recursion)?"""
    stack: list[tuple[Any, int]] = [(value, 0)]
    while stack:
        item, depth = stack.pop()
        if isinstance(item, dict):
            children: Any = item.values()
        elif isinstance(item, list):
            children = item
        else:
            continue
        if depth + 1 > limit:
            return True
        stack.extend((child, depth + 1) for child in children)
    return False


class NestingLimitedJSONParser(JSONParser):
    """JSON bodies nested at most :data:`MAX_DEPTH` levels deep."""

    def parse(self, stream: Any, media_type: Any = None, parser_context: Any = None) -> Any:
        try:
            data = super().parse(stream, media_type, parser_context)
        except RecursionError:
            raise _too_deep() from None
        if depth_exceeds(data, MAX_DEPTH):
            raise _too_deep()
        return data
