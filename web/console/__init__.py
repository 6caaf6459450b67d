"""The secretariat's console (officers and admins): dashboard, cases, acts, documents."""
from __future__ import annotations

from web import html_blueprint

bp = html_blueprint("console", __name__)

# The console's pages (added by the console's own modules; see each module's docstring).
from web.console import common  # noqa: E402

common.register(bp)
from web.console import acting, documents, filing, people, translations, views  # noqa: E402,F401  (their routes register on bp)
from web.console import inquiries  # noqa: E402,F401  (reports and inquiries on obligations, issue 12)
from web.console import redrafting  # noqa: E402,F401  (a new draft after a decline, issue 12)
