"""The `casedocs` command line. Each command group lives in casedocs/commands/."""
from __future__ import annotations

import click

from casedocs.commands import register_all


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
def main() -> None:
    """Case paperwork for the mining and mineral value chain mediation mechanism."""


register_all(main)
