"""Schemathesis over the OpenAPI schema: generated requests to every API route, as the owner
of a real workspace and as nobody, never get a 500 and always match the documented schema."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis.specs.openapi.checks import response_schema_conformance

from creatorroi.workspace import open_store

import world
from conftest import Web, WebWorld


@pytest.fixture
def fuzz_web(tmp_path: Any) -> Iterator[Web]:
    url = str(tmp_path / "fuzz.duckdb")
    app = open_store(url)
    world.build(app, "w")
    app.close()
    from creatorroi.accounts import Accounts
    from creatorroi.store import connect

    store = connect(url)
    acc = Accounts(store)
    acc.grant(acc.add_user("owner@brand.example", "correct horse battery").id, "w", "owner")
    store.close()
    w = Web(WebWorld(url))
    yield w
    w.close()


def _operations(web: Web) -> list[Any]:
    schema = schemathesis.openapi.from_asgi("/api/openapi.json", web.app)
    return [result.ok() for result in schema.get_all_operations()]


def test_schema_documents_every_api_route(fuzz_web: Web) -> None:
    documented = {(op.method.upper(), op.path) for op in _operations(fuzz_web)}
    from creatorroi.web.routes import ROUTERS

    served = {(m, r.path) for router in ROUTERS for r in router.routes
              if getattr(r, "path", "").startswith("/api/")
              for m in getattr(r, "methods", set()) - {"HEAD"}}
    assert served == documented


def test_generated_requests_never_fail_with_a_server_error(fuzz_web: Web) -> None:
    """Every operation, as the owner of workspace ``w``: valid and invalid values alike get a
    2xx matching the schema or a 4xx, never a 5xx."""
    token = fuzz_web.server.accounts.create_token(
        fuzz_web.server.accounts.by_email("owner@brand.example").id, "fuzz")
    failures: list[str] = []
    for op in _operations(fuzz_web):
        @given(op.as_strategy())
        @settings(max_examples=12, deadline=None, suppress_health_check=list(HealthCheck),
                  database=None)
        def run(case: Any) -> None:
            if "ws" in (case.path_parameters or {}):
                case.path_parameters["ws"] = "w"
            response = case.call(headers={"authorization": f"Bearer {token}"})
            if response.status_code >= 500:
                failures.append(f"{case.method} {case.formatted_path} {case.query} "
                                f"-> {response.status_code} {response.text[:300]}")
            elif response.status_code < 300:
                case.validate_response(response, checks=[response_schema_conformance])

        run()
    assert not failures, "\n".join(failures[:10])


def test_every_api_route_refuses_a_stranger(fuzz_web: Web) -> None:
    for op in _operations(fuzz_web):
        @given(op.as_strategy())
        @settings(max_examples=3, deadline=None, suppress_health_check=list(HealthCheck),
                  database=None)
        def run(case: Any) -> None:
            response = case.call(headers={"authorization": "Bearer cr_000000000000_nope"})
            assert response.status_code == 401, (case.method, case.formatted_path)

        run()
