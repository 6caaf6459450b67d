"""document versions record their audience

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-06

Issue 11 (第六章第2.2条): every rendering is made for one audience (secretariat, applicant, respondent,
support, public), and each audience's renderings are numbered and coded apart. Existing versions were
all the secretariat's.
"""
from __future__ import annotations

from alembic import op
import sqlalchemy as sa


revision = '0008'
down_revision = '0007'
branch_labels = None
depends_on = None

_OLD = ['case_id', 'instrument', 'subject', 'edition', 'version', 'format', 'revision']
_NEW = ['case_id', 'instrument', 'subject', 'edition', 'audience', 'version', 'format', 'revision']


def upgrade() -> None:
    with op.batch_alter_table('document_versions', schema=None) as batch_op:
        batch_op.add_column(sa.Column('audience', sa.Enum('secretariat', 'applicant', 'respondent', 'support',
                                                          'public', name='audience', native_enum=False, length=40,
                                                          create_constraint=False),
                                      server_default='secretariat', nullable=False))
        batch_op.drop_constraint(op.f('uq_document_versions_' + '_'.join(_OLD)), type_='unique')
        batch_op.create_unique_constraint(op.f('uq_document_versions_' + '_'.join(_NEW)), _NEW)


def downgrade() -> None:
    with op.batch_alter_table('document_versions', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('uq_document_versions_' + '_'.join(_NEW)), type_='unique')
        batch_op.create_unique_constraint(op.f('uq_document_versions_' + '_'.join(_OLD)), _OLD)
        batch_op.drop_column('audience')
