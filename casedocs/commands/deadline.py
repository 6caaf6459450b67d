"""`casedocs deadline RULE YYYY-MM-DD`: when one time limit runs out."""
from __future__ import annotations

from datetime import date

import click

from casedocs.commands.options import data_option, fail, json_option, parse_iso_date, print_json
from casedocs.config import Settings
from cases.calendar import CalendarError
from cases.rules import RULES, UnknownRuleError, get_rule
from cases.timelimits import due_date, unpublished_years


def _parse_trigger_date(text: str) -> date:
    try:
        return parse_iso_date(text)
    except ValueError as error:
        fail(str(error))


def _provisional_notice(years: list[int]) -> str:
    if not years:  # cannot happen with a consistent calendar, but never print a blank reason
        return "PROVISIONAL: an official holiday schedule it depends on is not yet published"
    if len(years) == 1:
        return f"PROVISIONAL: the {years[0]} official holiday schedule is not yet published"
    listed = ", ".join(str(year) for year in years[:-1]) + f" and {years[-1]}"
    return f"PROVISIONAL: the {listed} official holiday schedules are not yet published"


@click.command(
    "deadline",
    help="Due date of RULE counted from the trigger date (day 0), on the secretariat's working-day "
    "calendar.\n\nRULE is one of: " + ", ".join(RULES) + ".",
)
@click.argument("rule_id", metavar="RULE")
@click.argument("trigger", metavar="YYYY-MM-DD")
@json_option
@data_option
def deadline(rule_id: str, trigger: str, as_json: bool, settings: Settings) -> None:
    try:
        rule = get_rule(rule_id)
    except UnknownRuleError as exc:
        fail(str(exc))
    start = _parse_trigger_date(trigger)
    try:
        calendar = settings.working_calendar()
        result = due_date(calendar, rule.limit, start)
        missing = unpublished_years(calendar, start, result.due) if result.provisional else []
    except CalendarError as exc:
        fail(str(exc))

    if as_json:
        print_json({
            "rule": rule.id,
            "start": result.start.isoformat(),
            "due": result.due.isoformat(),
            "provisional": result.provisional,
            "basis": result.basis,
        })
        return
    click.echo(f"{rule.id} ({rule.clause}): {rule.what_en}")
    click.echo(
        f"{result.basis} from {result.start.isoformat()} ({rule.counted_from_en}): "
        f"due {result.due.isoformat()} ({result.due:%A})"
    )
    if result.provisional:
        click.echo(_provisional_notice(missing))


COMMANDS = (deadline,)
