"""revoked signers and superseded signed documents

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-29

Issue 9: fields go only to signers who can sign. signers.revoked_at records when the record learnt
that a signer's certificate was revoked (NULL for every existing row: the next issue checks the
certificate authority and fills it in). `casedocs reissue` replaces an open document that still has
an empty field of such a signer: the old row gets state 'superseded' (a new value of the non-native
documentstate enum: VARCHAR(40), no constraint, so no DDL) and names its successor.
"""
from __future__ import annotations

from alembic import op
import sqlalchemy as sa

import cases.models


revision = '0003'
down_revision = '0002'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('signers', schema=None) as batch_op:
        batch_op.add_column(sa.Column('revoked_at', cases.models.UTCDateTime(), nullable=True))
    with op.batch_alter_table('signed_documents', schema=None) as batch_op:
        batch_op.add_column(sa.Column('superseded_by', sa.Integer(), nullable=True))
        batch_op.create_foreign_key(batch_op.f('fk_signed_documents_superseded_by_signed_documents'),
                                    'signed_documents', ['superseded_by'], ['id'])


def downgrade() -> None:
    connection = op.get_bind()
    superseded = connection.execute(sa.text("SELECT count(*) FROM signed_documents WHERE state = 'superseded'")).scalar()
    if superseded:
        raise RuntimeError(f"{superseded} signed document(s) are superseded, a state revision 0002 does not know: "
                           "keep this revision")
    with op.batch_alter_table('signed_documents', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_signed_documents_superseded_by_signed_documents'), type_='foreignkey')
        batch_op.drop_column('superseded_by')
    with op.batch_alter_table('signers', schema=None) as batch_op:
        batch_op.drop_column('revoked_at')
