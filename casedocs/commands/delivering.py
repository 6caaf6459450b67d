"""`casedocs deliver`: deliver an instrument to a side as the side's own sealed rendering (issue 11)."""
from __future__ import annotations

from datetime import date

import click

from casedocs.app import App
from casedocs.commands.options import ISO_DATE, json_option, pass_app, print_json, secretariat_passphrase
from casedocs.services import delivering
from cases.instruments import INSTRUMENTS
from cases.vocabulary import SideRole
from docgen.locale import Edition


@click.command("deliver")
@click.argument("number", metavar="CASE")
@click.argument("instrument", type=click.Choice(list(INSTRUMENTS)), metavar="INSTRUMENT")
@click.option("--side", type=click.Choice([s.value for s in SideRole]), required=True,
              help="The side it was delivered to: it receives its own rendering, sealed for it.")
@click.option("--on", "delivered_on", type=ISO_DATE, required=True, help="The day it was delivered (送达).")
@click.option("--lang", "editions", multiple=True, default=("zh",), show_default=True,
              help="Each edition delivered (repeat for several: --lang zh --lang en).")
@click.option("--delivery", "delivery_id", type=int, default=None,
              help="Which sending of the instrument to the side (default: the latest).")
@json_option
@pass_app()
def deliver(number: str, instrument: str, side: str, delivered_on: date, editions: tuple[str, ...],
            delivery_id: int | None, as_json: bool, app: App) -> None:
    """Record that INSTRUMENT reached a side, as the side's own rendering sealed for it: issued for the side's
    audience first if it was not yet (第六章第2.2条: nothing withheld from the side reaches it). The delivery,
    any sealing and the record of which document was delivered happen together or not at all.

    \b
    Example:
      casedocs deliver MVC-2025-0002 invitation --side respondent --on 2025-03-21
    """
    desk = app.desk(secretariat_passphrase(app.settings))
    with app.documents() as (proc, docs):
        done = delivering.deliver(desk, proc, docs, number, instrument, SideRole(side), delivered_on,
                                  editions=[Edition.parse(e) for e in editions], delivery_id=delivery_id)
    if as_json:
        print_json(done.as_json())
        return
    for file in done.files:
        how = "sealed for it now" if file.issued_now else "sealed for it before"
        click.echo(f"{done.case}: {instrument} ({file.edition}) delivered to the {side} on {delivered_on}: "
                   f"document {file.document}, code {file.verification_code} ({how})")


COMMANDS = [deliver]
