"""The party and monitor portals (issue 12): registered now, so that the layout and the access
rules have their place; no pages yet."""
from __future__ import annotations

from web import html_blueprint

bp = html_blueprint("portal", __name__)
