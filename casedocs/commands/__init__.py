"""Command modules. Each exposes `register(group)`; add new modules to COMMAND_MODULES."""
from __future__ import annotations

import importlib

import click

COMMAND_MODULES: tuple[str, ...] = (
    "casedocs.commands.deadline",
    "casedocs.commands.records",
    "casedocs.commands.acts",
    "casedocs.commands.demo",
    "casedocs.commands.documents",
    "casedocs.commands.signing",
)


def register_all(group: click.Group) -> None:
    for name in COMMAND_MODULES:
        importlib.import_module(name).register(group)
