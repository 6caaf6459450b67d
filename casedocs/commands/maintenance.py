"""`casedocs purge-drafts`: the upkeep a cron job runs (issue 12, "Applying online")."""
from __future__ import annotations

import click

from casedocs.app import App
from casedocs.commands.options import json_option, pass_app, print_json
from casedocs.services import drafts


@click.command("purge-drafts")
@json_option
@pass_app()
def purge_drafts(as_json: bool, app: App) -> None:
    """Delete online-application drafts nobody has touched for 7 days (no session cookie can name them
    after the session's lifetime; see casedocs.services.drafts). Filed applications are never touched."""
    done = drafts.purge(app.settings)
    kept = drafts.kept_for(app.settings)
    if as_json:
        print_json({"files": done.files, "bytes": done.bytes, "kept_days": kept.days})
    else:
        click.echo(f"purged {done.files} draft file(s), {done.bytes} bytes, untouched for more than {kept.days} days")


COMMANDS = (purge_drafts,)
