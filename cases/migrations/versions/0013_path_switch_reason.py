"""the reason of a path switch kept on the path period it opened

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-06

Issue 11: the path-switch decision (第四章第二节第4条) prints why the switch was decided. The reason was
kept only in the case's audit chain, so it could be neither translated nor withheld like the other free
texts (第六章第2.2条). It is now a column of the period the switch opened, and an item (`switch:N`).
Periods opened by a switch before this revision take the reason their `switch_path` event recorded (the
last such event into the same path on the same day; the chain itself is not touched).

A confidentiality request's texts and its decision's are now parts (….reasons, ….information, ….duration):
a translation recorded under statement:confidentiality:N or decision:confidentiality:N, which named their
reasons alone until now, is renamed to its ….reasons part so that it still translates the same text.
"""
from __future__ import annotations

import json
from typing import Any

from alembic import op
import sqlalchemy as sa


revision = '0013'
down_revision = '0012'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('path_periods', schema=None) as batch_op:
        batch_op.add_column(sa.Column('switch_reason', sa.Text(), nullable=True))
    connection = op.get_bind()
    periods = connection.execute(sa.text(
        "SELECT p.id, p.path, p.started_on, c.number FROM path_periods p JOIN cases c ON c.id = p.case_id "
        "WHERE p.requested_by IS NOT NULL")).all()
    for period_id, path, started_on, number in periods:
        events = connection.execute(sa.text(
            "SELECT detail FROM audit_events WHERE chain = :chain AND action = 'switch_path' AND \"on\" = :on "
            "ORDER BY seq"), {"chain": number, "on": started_on}).all()
        details: list[dict[str, Any]] = [json.loads(d) if isinstance(d, str) else d for (d,) in events]
        reasons = [str(d.get("reason") or "") for d in details if d.get("to_path") == path]
        if reasons and reasons[-1].strip():
            connection.execute(sa.text("UPDATE path_periods SET switch_reason = :reason WHERE id = :id"),
                               {"reason": reasons[-1], "id": period_id})
    connection.execute(sa.text(
        "UPDATE translations SET item = item || '.reasons' WHERE (item LIKE 'statement:confidentiality:%' "
        "OR item LIKE 'decision:confidentiality:%') AND item NOT LIKE '%.%'"))


def downgrade() -> None:
    connection = op.get_bind()
    connection.execute(sa.text(
        "UPDATE translations SET item = substr(item, 1, length(item) - 8) WHERE (item LIKE "
        "'statement:confidentiality:%.reasons' OR item LIKE 'decision:confidentiality:%.reasons')"))
    connection.execute(sa.text(
        "DELETE FROM translations WHERE item LIKE 'statement:confidentiality:%.%' "
        "OR item LIKE 'decision:confidentiality:%.%'"))  # information and duration had no name before
    with op.batch_alter_table('path_periods', schema=None) as batch_op:
        batch_op.drop_column('switch_reason')
