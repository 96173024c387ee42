"""schemathesis against the published OpenAPI schema, on the live Django app through WSGI (no server), as
anonymous, member, merchant and operator (bearer tokens): no server error and no answer off the contract.

Bounded for CI: a fixed number of generated cases per operation and role (QUANZI_SCHEMATHESIS_EXAMPLES, default 3,
plus QUANZI_SCHEMATHESIS_NEGATIVE_EXAMPLES, default 1, drawn from valid and, when the latter is not 0, invalid
inputs: an invalid one must be refused with a documented 4xx), derived
from a fixed seed (hypothesis `derandomize`), no shrinking. Every operation the schema lists is tried, so a router
added tomorrow is covered without touching this file. The figures (operations, cases per role, time) are printed;
run with `-s` to see them (docs/notes/api_contract.md has the latest).
"""

from __future__ import annotations

import os
import time
from collections import Counter
from collections.abc import Iterator
from typing import Any

import pytest
import schemathesis
from django.core.wsgi import get_wsgi_application
from hypothesis import HealthCheck, Phase, given, settings
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.core.failures import FailureGroup
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from quanzi.web.tests.contract_world import ContractWorld, world_fixture, wsgi_in_test_transaction

pytestmark = pytest.mark.django_db

EXAMPLES = int(os.environ.get("QUANZI_SCHEMATHESIS_EXAMPLES", "3"))  # valid inputs per operation and role
NEGATIVE_EXAMPLES = int(os.environ.get("QUANZI_SCHEMATHESIS_NEGATIVE_EXAMPLES", "1"))  # invalid inputs
ROLES = ("anonymous", "member", "merchant_a", "operator")
CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance,
          response_headers_conformance]


@pytest.fixture(scope="module")
def world(django_db_setup: Any, django_db_blocker: Any) -> Iterator[ContractWorld]:
    yield from world_fixture(django_db_blocker)


def _run_role(schema: Any, world: ContractWorld, role: str,
              statuses: Counter[str]) -> tuple[int, int, list[str]]:
    """(operations, cases, failures) for one role."""
    operations = cases = 0
    failures: list[str] = []
    for result in schema.get_all_operations():
        operation = result.ok()
        # a new token for every operation: one tried before (logout, log out everywhere, token refresh) may
        # have ended the last one, and every case after it would only test the 401
        headers = world.bearer(role)
        operations += 1
        tried, seen = _run_operation(operation, role, headers, statuses)
        cases += tried
        failures.extend(seen)
    return operations, cases, failures


def _run_operation(operation: Any, role: str, headers: dict[str, str],
                   statuses: Counter[str]) -> tuple[int, list[str]]:
    """Valid inputs, and invalid ones (they must be refused with a documented 4xx, never a 5xx); the first two
    failures of the operation."""
    cases = 0
    seen: list[str] = []
    strategy = operation.as_strategy(GenerationMode.POSITIVE)
    if NEGATIVE_EXAMPLES:
        strategy = strategy | operation.as_strategy(GenerationMode.NEGATIVE)

    @given(case=strategy)
    @settings(max_examples=EXAMPLES + NEGATIVE_EXAMPLES, phases=[Phase.explicit, Phase.generate], deadline=None,
              database=None, derandomize=True, suppress_health_check=list(HealthCheck), report_multiple_bugs=False)
    def run(case: Any) -> None:
        nonlocal cases
        cases += 1
        response = case.call(headers=headers)
        statuses[f"{role} {response.status_code}"] += 1
        try:
            case.validate_response(response, checks=CHECKS, headers=headers)
        except (AssertionError, FailureGroup) as exc:  # a check failed: go on, report them all at the end
            if len(seen) < 2:
                seen.append(f"{role} {operation.label} -> {response.status_code}: "
                            f"{str(exc).strip().splitlines()[0:6]}")

    run()
    return cases, seen


def test_api_contract_holds_for_every_role(world: ContractWorld) -> None:
    app = get_wsgi_application()
    started = time.perf_counter()
    with wsgi_in_test_transaction():
        schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", app)
        figures: dict[str, tuple[int, int]] = {}
        failures: list[str] = []
        statuses: Counter[str] = Counter()
        for role in ROLES:
            operations, cases, role_failures = _run_role(schema, world, role, statuses)
            figures[role] = (operations, cases)
            failures.extend(role_failures)
    elapsed = time.perf_counter() - started
    for role, (operations, cases) in figures.items():
        print(f"schemathesis role={role} operations={operations} cases={cases}")
    print("schemathesis statuses: " + ", ".join(f"{k}={v}" for k, v in sorted(statuses.items())))
    print(f"schemathesis total cases={sum(c for _, c in figures.values())} failures={len(failures)} "
          f"examples_per_operation={EXAMPLES} seconds={elapsed:.0f}")
    by_operation = Counter(f.split(" -> ")[0] for f in failures)
    assert not failures, f"{len(failures)} contract failures in {len(by_operation)} operations:\n" + "\n".join(
        failures[:80])
