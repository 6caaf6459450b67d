"""monitoring evidence: the files a monitor attaches to a signed update

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-06

Issue 12 ("Monitors"): a monitor appends an update with evidence files from the browser; the bytes
are in the content-addressed store, the record names them by sha256 with the name the monitor gave
(cases.monitoring_evidence).
"""
from __future__ import annotations

from alembic import op
import sqlalchemy as sa


revision = '0012'
down_revision = '0011'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('monitoring_evidence',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('update_id', sa.Integer(), nullable=False),
    sa.Column('original_name', sa.String(length=300), nullable=False),
    sa.Column('media_type', sa.String(length=100), nullable=False),
    sa.Column('sha256', sa.String(length=64), nullable=False),
    sa.Column('size', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['update_id'], ['monitoring_updates.id'],
                            name=op.f('fk_monitoring_evidence_update_id_monitoring_updates')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_monitoring_evidence'))
    )
    with op.batch_alter_table('monitoring_evidence', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_monitoring_evidence_update_id'), ['update_id'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('monitoring_evidence', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_monitoring_evidence_update_id'))
    op.drop_table('monitoring_evidence')
