"""`casedocs translations pending|add`: the translation worklist of free text (issue 11), and
`casedocs confidentiality release|withheld`: decisions whose duration ran out, and what an audience may see."""
from __future__ import annotations

from datetime import date
from pathlib import Path

import click

from cases.confidentiality.audiences import Audience
from cases.confidentiality.languages import Language
from casedocs.app import App
from casedocs.commands.options import ISO_DATE, json_option, pass_app, print_json
from casedocs.services import confidentiality

_LANGUAGES = click.Choice([language.value for language in Language])


@click.group("translations")
def translations_group() -> None:
    """Translations of free text (facts, claims, statements, agreement terms, monitoring texts) between
    the two working languages."""


@translations_group.command("pending")
@click.argument("number", metavar="[CASE]", required=False)
@json_option
@pass_app()
def translations_pending(number: str | None, as_json: bool, app: App) -> None:
    """Every free text that lacks a translation into the other working language, in one case or all."""
    with app.procedure() as proc:
        items = confidentiality.pending_translations(proc, number)
    if as_json:
        print_json([{"case": i.case_number, "item": str(i.ref), "original_language": i.original_language.value,
                     "needs": i.needs.value, "stale": i.stale, "excerpt": i.excerpt} for i in items])
        return
    if not items:
        click.echo("nothing to translate")
    for i in items:
        again = "  (original changed since translated)" if i.stale else ""
        click.echo(f"{i.case_number}  {str(i.ref):<34} {i.original_language.value}→{i.needs.value}  {i.excerpt}{again}")


@translations_group.command("add")
@click.argument("number", metavar="CASE")
@click.argument("item", metavar="ITEM")
@click.option("--lang", "language", type=_LANGUAGES, required=True, help="The language of the translation.")
@click.option("--text-file", type=click.Path(dir_okay=False, path_type=Path), required=True,
              help="The translation, as UTF-8 text.")
@click.option("--original-lang", "original_language", type=_LANGUAGES, default=None,
              help="What the original is written in, when it is not what casedocs reads from it.")
@pass_app()
def translations_add(number: str, item: str, language: str, text_file: Path, original_language: str | None,
                     app: App) -> None:
    """Record a translation of the free text ITEM of CASE (field:facts, claim:0.reasons, monitoring:2...);
    audited. The original is kept as written."""
    text = confidentiality.read_text_file(text_file)
    with app.procedure() as proc:
        record = confidentiality.translate(proc, number, item, Language(language), text,
                                           original_language=Language(original_language) if original_language
                                           else None)
        shown = f"{number}: {record.item} translated into {record.language.value} (translation {record.id})"
    click.echo(shown)


@click.group("confidentiality")
def confidentiality_group() -> None:
    """Confidentiality requests and decisions as they apply to what each audience sees."""


@confidentiality_group.command("release")
@click.argument("number", metavar="[CASE]", required=False)
@json_option
@pass_app()
def confidentiality_release(number: str | None, as_json: bool, app: App) -> None:
    """Release the items of every decision whose date has passed or whose stage is reached (audited); the
    same happens whenever a case is touched."""
    with app.procedure() as proc:
        done = confidentiality.release(proc, number)
    if as_json:
        print_json([{"case": r.case_number, "request": r.request_id, "reference": r.reference,
                     "released_on": r.released_on.isoformat(), "until": r.until} for r in done])
        return
    if not done:
        click.echo("nothing to release")
    for r in done:
        click.echo(f"{r.reference}  released on {r.released_on} ({r.until})")


@confidentiality_group.command("withheld")
@click.argument("number", metavar="CASE")
@click.option("--audience", type=click.Choice([a.value for a in Audience]), required=True)
@click.option("--on", "on", type=ISO_DATE, default=None, help="The moment (default: today).")
@json_option
@pass_app()
def confidentiality_withheld(number: str, audience: str, on: date | None, as_json: bool, app: App) -> None:
    """The items of CASE withheld from AUDIENCE on a day, and under which decision or pending request."""
    with app.procedure() as proc:
        shown = confidentiality.view(proc, number, Audience(audience), on)
    shield = shown.withholding
    rows = sorted(shield.items.items())
    if as_json:
        print_json({"case": number, "audience": audience, "on": shield.on.isoformat(),
                    "risk_assessments_shown": shield.shows_risk_assessments,
                    "withheld": [{"item": str(ref), "reference": g.reference("en"), "decided": g.decided}
                                 for ref, g in rows]})
        return
    if not rows:
        click.echo(f"nothing of {number} is withheld from the {audience} audience on {shield.on}")
    for ref, ground in rows:
        click.echo(f"{str(ref):<34} {ground.placeholder('en')}")


COMMANDS = (translations_group, confidentiality_group)
