"""What higher apps plug into communities, registered in their `AppConfig.ready()` (communities imports none of
them: docs/ARCHITECTURE.md, "The domain map").

- **report targets**: a member may report a post or a comment of a community; the app that owns that kind of
  thing (content) registers how to tell that one exists in the community, so `report_create` can check it."""

from __future__ import annotations

from collections.abc import Callable

# target type (communities.enums.ReportTarget) -> exists(community_id, target_id)
REPORT_TARGETS: dict[str, Callable[[int, int], bool]] = {}


def report_target(target_type: str, exists: Callable[[int, int], bool]) -> None:
    """Register (or replace) how a reported `target_type` is found in a community."""
    REPORT_TARGETS[target_type] = exists
