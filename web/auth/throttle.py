"""Login attempts per account and per address (Flask-Limiter, counted in Redis or in the SQLite file
every worker shares: web.extensions.limit_storage_uri).

Only failures count (a right password does not use up the allowance), and the count is checked
before the password is: after 10 wrong passwords for one account in a minute the 11th attempt is
refused unseen, right or wrong. The second factor has its own allowance per account.
"""
from __future__ import annotations

from limits import RateLimitItem, parse_many

from web.extensions import limiter

PER_ACCOUNT = parse_many("10/minute;60/hour")
PER_ADDRESS = parse_many("30/minute;300/hour")
SECOND_FACTOR = parse_many("10/minute;30/hour")


def _checks(kind: str, account: str, address: str | None) -> list[tuple[RateLimitItem, tuple[str, ...]]]:
    checks: list[tuple[RateLimitItem, tuple[str, ...]]] = [(item, (kind, "account", account)) for item in (SECOND_FACTOR if kind == "totp" else PER_ACCOUNT)]
    if address is not None:
        checks += [(item, (kind, "address", address)) for item in PER_ADDRESS]
    return checks


def allowed(kind: str, account: str, address: str | None = None) -> bool:
    """Whether another attempt may be made now (kind: "password" or "totp")."""
    strategy = limiter().limiter
    return all(strategy.test(item, *keys) for item, keys in _checks(kind, account, address))


def failed(kind: str, account: str, address: str | None = None) -> None:
    strategy = limiter().limiter
    for item, keys in _checks(kind, account, address):
        strategy.hit(item, *keys)
