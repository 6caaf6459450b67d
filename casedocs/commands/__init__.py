"""Command modules, registered here explicitly: each exposes COMMANDS (top-level commands and groups),
and the modules with `case` subcommands expose CASE_COMMANDS, gathered into the one `case` group below.
No module depends on another having registered first."""
from __future__ import annotations

import click

from casedocs.commands import (acts, deadline, delivering, demo, documents, maintenance, records, serve, signing,
                               translations, users)

_MODULES = (deadline, records, acts, demo, documents, signing, users, serve, translations, delivering, maintenance)


def case_group() -> click.Group:
    group = click.Group("case", help="File and inspect cases.")
    for command in (*records.CASE_COMMANDS, *acts.CASE_COMMANDS):
        group.add_command(command)
    return group


def register_all(main: click.Group) -> None:
    main.add_command(case_group())
    for module in _MODULES:
        for command in module.COMMANDS:
            main.add_command(command)
