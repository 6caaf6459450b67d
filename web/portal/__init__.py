"""The party and monitor portals (issue 12): a party's cases from its side's point of view (stage,
what it must do and by when, the instruments sent to it — opening one sent through the portal is its
delivery), a monitor's obligations. Views call casedocs.services.portal."""
from __future__ import annotations

from web import html_blueprint

bp = html_blueprint("portal", __name__)

from web.portal import views  # noqa: E402,F401  (the routes register on bp)
from web.portal import acts  # noqa: E402,F401  (a party's acts, issue 12)
from web.portal import signing  # noqa: E402,F401  (co-signing in the browser)
from web.portal import obligations  # noqa: E402,F401  (obligors' reports, obligees' inquiries)
from web.portal import monitoring  # noqa: E402,F401  (a monitor enrols and appends signed updates)
