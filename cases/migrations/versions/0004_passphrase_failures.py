"""passphrase failures: wrong passphrases in a row per person, and until when the next try waits

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-29

Issue 9: wrong passphrases had no limit and no record. casedocs.services.enrolment.unlock counts
them here (one row per person who ever failed) and refuses a try before `retry_at`.
"""
from __future__ import annotations

from alembic import op
import sqlalchemy as sa
import cases.models


revision = '0004'
down_revision = '0003'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('passphrase_failures',
    sa.Column('person_id', sa.String(length=80), nullable=False),
    sa.Column('failures', sa.Integer(), nullable=False),
    sa.Column('last_failed_at', cases.models.UTCDateTime(), nullable=False),
    sa.Column('retry_at', cases.models.UTCDateTime(), nullable=True),
    sa.PrimaryKeyConstraint('person_id', name=op.f('pk_passphrase_failures'))
    )


def downgrade() -> None:
    op.drop_table('passphrase_failures')
