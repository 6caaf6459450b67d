"""signing codes: the one-time email codes of signatures given in the browser

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-06

Issue 12 ("Co-signing in the browser"): after confirming that they have read the document, a
signatory gets a 6-digit code by mail (10 minutes, single use, limited tries), a second factor for
the act. Only the code's keyed digest is kept (cases.signing_codes).
"""
from __future__ import annotations

from alembic import op
import sqlalchemy as sa
import cases.models


revision = '0010'
down_revision = '0009'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('signing_codes',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('account_id', sa.Integer(), nullable=False),
    sa.Column('document_id', sa.Integer(), nullable=False),
    sa.Column('person_id', sa.String(length=80), nullable=False),
    sa.Column('read_sha256', sa.String(length=64), nullable=False),
    sa.Column('digest', sa.String(length=64), nullable=False),
    sa.Column('created_at', cases.models.UTCDateTime(), nullable=False),
    sa.Column('expires_at', cases.models.UTCDateTime(), nullable=False),
    sa.Column('tries', sa.Integer(), nullable=False),
    sa.Column('used_at', cases.models.UTCDateTime(), nullable=True),
    sa.ForeignKeyConstraint(['account_id'], ['accounts.id'], name=op.f('fk_signing_codes_account_id_accounts')),
    sa.ForeignKeyConstraint(['document_id'], ['signed_documents.id'],
                            name=op.f('fk_signing_codes_document_id_signed_documents')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_signing_codes'))
    )
    with op.batch_alter_table('signing_codes', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_signing_codes_account_id'), ['account_id'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('signing_codes', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_signing_codes_account_id'))
    op.drop_table('signing_codes')
