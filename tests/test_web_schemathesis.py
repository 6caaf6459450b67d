"""schemathesis against /api/v1/openapi.json through the WSGI app, with an officer's bearer token:
requests generated from the OpenAPI document (valid ones and, for the bodies, invalid ones) must
never get a server error (the `not_a_server_error` check).

Path parameters are generated too, so most of them name no case; every case-scoped operation is
also run on each of the demo's cases (one per stage the demo reaches), where the requests reach
the engine. The examples per operation are few (the whole test takes well under a minute on two
cores); `derandomize` makes a run repeatable, and a failure prints the request that caused it.
"""
from __future__ import annotations

import dataclasses
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from hypothesis import HealthCheck, given, settings as hypothesis_settings
from hypothesis import strategies as st

schemathesis = pytest.importorskip("schemathesis")
from schemathesis.checks import not_a_server_error  # noqa: E402
from schemathesis.generation import GenerationMode  # noqa: E402

from cases.accounts import Role  # noqa: E402
from cases.procedure import Action  # noqa: E402
from casedocs.app import App  # noqa: E402
from casedocs.demo import run_demo_cases  # noqa: E402
from casedocs.services import accounts, acts  # noqa: E402
from web_support import add_account, init_data, web_app, web_settings  # noqa: E402

TODAY = date(2026, 11, 25)
EXAMPLES = 40          # per operation and case number
ACT_EXAMPLES = 150     # acts with the actions' own argument names, per case


@dataclasses.dataclass(frozen=True)
class Api:
    app: Flask
    token: str
    numbers: list[str]


@pytest.fixture(scope="module")
def api(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Api]:
    # A passphrase in the settings so that issuing is queued, not refused with 503 (no job runs here).
    settings = dataclasses.replace(web_settings(tmp_path_factory.mktemp("schemathesis")),
                                   secretariat_passphrase="not used: the jobs do not run")
    init_data(settings)
    with App(settings, today=lambda: TODAY) as core, core.procedure() as proc:
        run_demo_cases(proc)
        numbers = [case.number for case in proc.all_cases()]
    add_account(settings, "officer@example.org", Role.OFFICER)
    with App(settings) as core, core.procedure() as proc:
        token = accounts.issue_token(proc.session, accounts.get_account(proc.session, "officer@example.org"),
                                     actor="test")
    with web_app(settings, start_jobs=False, today=lambda: TODAY) as app:
        yield Api(app, token, numbers)


def _auth(api: Api) -> dict[str, str]:
    return {"Authorization": f"Bearer {api.token}"}


def _run(api: Api, strategy: Any, examples: int) -> None:
    auth = _auth(api)

    @hypothesis_settings(max_examples=examples, deadline=None, derandomize=True, database=None,
                         suppress_health_check=list(HealthCheck))
    @given(case=strategy)
    def check(case: Any) -> None:
        response = case.call(headers=auth)
        case.validate_response(response, checks=[not_a_server_error])

    check()


def test_no_request_made_from_the_openapi_document_gets_a_server_error(api: Api) -> None:
    schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", api.app)
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) >= 12
    for operation in operations:
        takes_case = any(parameter.name == "number" for parameter in operation.path_parameters)
        takes_body = bool(list(operation.body))
        auth = _auth(api)
        strategies = [operation.as_strategy(headers=auth)]
        if takes_case:
            strategies += [operation.as_strategy(path_parameters={"number": number}, headers=auth)
                           for number in api.numbers]
        if takes_body:
            strategies += [operation.as_strategy(GenerationMode.NEGATIVE, headers=auth, **(
                {"path_parameters": {"number": api.numbers[0]}} if takes_case else {}))]
        for strategy in strategies:
            _run(api, strategy, EXAMPLES)


# Argument values as a client may send them: text (dates, lists, ids, booleans as the command line
# writes them, and anything else), JSON values, and dates at the ends of the calendar.
_VALUES = st.one_of(
    st.dates(min_value=date(2024, 1, 1), max_value=date(2027, 12, 31)).map(date.isoformat),
    st.sampled_from(["applicant", "respondent", "applicant,respondent", "true", "false", "1", "0", "", "@x.json",
                     "[]", "{}", "0001-01-01", "9999-12-31", "99999999999999999999"]),
    st.text(max_size=30), st.integers(), st.booleans(), st.dates().map(date.isoformat),
    st.lists(st.sampled_from(["applicant", "respondent", "assessment_verification", "x"]), max_size=3),
    st.dictionaries(st.text(max_size=8), st.text(max_size=8), max_size=2),
)


def _act_body(action: Action) -> Any:
    names = acts.arguments(action)
    return st.fixed_dictionaries({a.name: _VALUES for a in names if a.required},
                                 optional={a.name: _VALUES for a in names if not a.required}) \
        .map(lambda arguments: {"action": action.value, "arguments": arguments})


def test_procedure_acts_with_the_actions_own_argument_names_get_no_server_error(api: Api) -> None:
    """The generated bodies above rarely name an action's arguments right (so they stop at
    check_arguments); these do, with hostile values, so they reach the engine's conversions and checks."""
    schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", api.app)
    operation = schema["/api/v1/cases/{number}/acts"]["POST"]
    bodies = st.sampled_from(list(Action)).flatmap(_act_body)
    for number in api.numbers:
        def on_case(body: dict[str, Any], number: str = number) -> Any:
            return operation.as_strategy(path_parameters={"number": number}, body=body, headers=_auth(api))

        _run(api, bodies.flatmap(on_case), ACT_EXAMPLES)


def test_the_demo_cases_are_there_to_be_reached(api: Api) -> None:
    """The fuzzing above reaches the engine only if the officer's token sees cases."""
    client = api.app.test_client()
    listed = client.get("/api/v1/cases", headers={"Authorization": f"Bearer {api.token}"}).get_json()
    assert [row["number"] for row in listed] == api.numbers and len(api.numbers) >= 3
