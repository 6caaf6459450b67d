"""issued documents record their audience

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-06

Issue 11 (第六章第2.2条): a sealed instrument is sealed per audience that receives it. Each audience's
rendering is issued as a document of its own, so the audience joins the issued document's identity
(case, instrument, matter, edition, audience, version). Existing issued documents were all the
secretariat's.
"""
from __future__ import annotations

from alembic import op
import sqlalchemy as sa


revision = '0009'
down_revision = '0008'
branch_labels = None
depends_on = None

_OLD = ['case_id', 'instrument', 'subject', 'edition', 'version']
_NEW = ['case_id', 'instrument', 'subject', 'edition', 'audience', 'version']


def upgrade() -> None:
    with op.batch_alter_table('signed_documents', schema=None) as batch_op:
        batch_op.add_column(sa.Column('audience', sa.Enum('secretariat', 'applicant', 'respondent', 'support',
                                                          'public', name='audience', native_enum=False, length=40,
                                                          create_constraint=False),
                                      server_default='secretariat', nullable=False))
        batch_op.drop_constraint(op.f('uq_signed_documents_' + '_'.join(_OLD)), type_='unique')
        batch_op.create_unique_constraint(op.f('uq_signed_documents_' + '_'.join(_NEW)), _NEW)


def downgrade() -> None:
    with op.batch_alter_table('signed_documents', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('uq_signed_documents_' + '_'.join(_NEW)), type_='unique')
        batch_op.create_unique_constraint(op.f('uq_signed_documents_' + '_'.join(_OLD)), _OLD)
        batch_op.drop_column('audience')
