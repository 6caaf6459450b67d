"""Errors of the template engine, each naming the template or document concerned."""
from __future__ import annotations


class DocgenError(Exception):
    pass


class TemplateError(DocgenError):
    def __init__(self, template: str, problem: str) -> None:
        self.template, self.problem = template, problem
        super().__init__(f"{template}: {problem}")
