"""confidentiality items, durations and releases; translations of free text

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-06

Issue 11: a confidentiality request names concrete items (cases.confidentiality.items.ItemRef, stored
as a JSON list of their texts), is numbered within its case (its reference MVC-2025-0002/C-1: existing
requests are numbered in the order they were recorded), keeps how long it lasts (a date after which, or
a stage at which, its items are released), what the decision kept and when the items were released.
Translations of free-text values are records of their own.
"""
from __future__ import annotations

from alembic import op
import sqlalchemy as sa
import cases.confidentiality.items
import cases.models


revision = '0006'
down_revision = '0005'
branch_labels = None
depends_on = None

_STAGE = sa.Enum('received', 'rejected', 'accepted', 'invited', 'reinvited', 'respondent_accepted',
                 'respondent_refused', 'not_launched', 'launch_notice_sent', 'launched', 'triage',
                 'bilateral_dialogue', 'internal_mediation', 'external_mediation', 'terminated', 'monitoring',
                 'closed', 'dismissed', name='stage', native_enum=False, length=40)
_LANGUAGE = sa.Enum('zh', 'en', name='language', native_enum=False, length=40)


def upgrade() -> None:
    with op.batch_alter_table('confidentiality_requests', schema=None) as batch_op:
        batch_op.add_column(sa.Column('sequence', sa.Integer(), server_default='0', nullable=False))
        batch_op.add_column(sa.Column('items', cases.confidentiality.items.ItemRefList(), nullable=True))
        batch_op.add_column(sa.Column('release_after', sa.Date(), nullable=True))
        batch_op.add_column(sa.Column('release_at_stage', _STAGE, nullable=True))
        batch_op.add_column(sa.Column('decided_items', cases.confidentiality.items.ItemRefList(), nullable=True))
        batch_op.add_column(sa.Column('decided_release_after', sa.Date(), nullable=True))
        batch_op.add_column(sa.Column('decided_release_at_stage', _STAGE, nullable=True))
        batch_op.add_column(sa.Column('released_on', sa.Date(), nullable=True))
    # Existing requests: numbered per case in the order recorded; they named no items.
    op.execute("UPDATE confidentiality_requests SET sequence = (SELECT COUNT(*) FROM confidentiality_requests AS "
               "earlier WHERE earlier.case_id = confidentiality_requests.case_id "
               "AND earlier.id <= confidentiality_requests.id), items = '[]', decided_items = '[]'")
    with op.batch_alter_table('confidentiality_requests', schema=None) as batch_op:
        batch_op.alter_column('items', existing_type=cases.confidentiality.items.ItemRefList(), nullable=False)
        batch_op.alter_column('decided_items', existing_type=cases.confidentiality.items.ItemRefList(),
                              nullable=False)
        batch_op.create_unique_constraint(batch_op.f('uq_confidentiality_requests_case_id_sequence'),
                                          ['case_id', 'sequence'])

    op.create_table('translations',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('case_id', sa.Integer(), nullable=False),
    sa.Column('item', cases.confidentiality.items.ItemRefType(), nullable=False),
    sa.Column('language', _LANGUAGE, nullable=False),
    sa.Column('original_language', _LANGUAGE, nullable=False),
    sa.Column('source_sha256', sa.String(length=64), nullable=False),
    sa.Column('text', sa.Text(), nullable=False),
    sa.Column('translated_by', sa.String(length=200), nullable=False),
    sa.Column('translated_on', sa.Date(), nullable=False),
    sa.Column('created_at', cases.models.UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['case_id'], ['cases.id'], name=op.f('fk_translations_case_id_cases')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_translations'))
    )
    with op.batch_alter_table('translations', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_translations_case_id'), ['case_id'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('translations', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_translations_case_id'))
    op.drop_table('translations')
    with op.batch_alter_table('confidentiality_requests', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('uq_confidentiality_requests_case_id_sequence'), type_='unique')
        for column in ('released_on', 'decided_release_at_stage', 'decided_release_after', 'decided_items',
                       'release_at_stage', 'release_after', 'items', 'sequence'):
            batch_op.drop_column(column)
