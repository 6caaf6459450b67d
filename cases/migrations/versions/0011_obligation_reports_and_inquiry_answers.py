"""obligation reports, their evidence files, and the inquiry's due date and answer

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-06

Issue 12 ("Obligations"): an obligor reports the main steps, results and circumstances affecting
performance of each of its obligations to the obligee and the secretariat (第五章第1条), with evidence
files kept in the content-addressed store; an obligee's inquiry about progress (第五章第2条) gets a due
date for the secretariat's answer and the answer itself.
"""
from __future__ import annotations

from alembic import op
import sqlalchemy as sa
import cases.models


revision = '0011'
down_revision = '0010'
branch_labels = None
depends_on = None

_SIDE = sa.Enum('applicant', 'respondent', name='siderole', native_enum=False, length=40)


def upgrade() -> None:
    op.create_table('obligation_reports',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('case_id', sa.Integer(), nullable=False),
    sa.Column('obligation_id', sa.Integer(), nullable=False),
    sa.Column('side', _SIDE, nullable=False),
    sa.Column('reported_by', sa.String(length=200), nullable=False),
    sa.Column('reported_on', sa.Date(), nullable=False),
    sa.Column('steps', sa.Text(), nullable=False),
    sa.Column('results', sa.Text(), nullable=False),
    sa.Column('circumstances', sa.Text(), nullable=False),
    sa.Column('recorded_at', cases.models.UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['case_id'], ['cases.id'], name=op.f('fk_obligation_reports_case_id_cases')),
    sa.ForeignKeyConstraint(['obligation_id'], ['obligations.id'],
                            name=op.f('fk_obligation_reports_obligation_id_obligations')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_obligation_reports'))
    )
    with op.batch_alter_table('obligation_reports', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_obligation_reports_case_id'), ['case_id'], unique=False)
    op.create_table('obligation_report_files',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('report_id', sa.Integer(), nullable=False),
    sa.Column('original_name', sa.String(length=300), nullable=False),
    sa.Column('media_type', sa.String(length=100), nullable=False),
    sa.Column('sha256', sa.String(length=64), nullable=False),
    sa.Column('size', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['report_id'], ['obligation_reports.id'],
                            name=op.f('fk_obligation_report_files_report_id_obligation_reports')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_obligation_report_files'))
    )
    with op.batch_alter_table('obligee_inquiries', schema=None) as batch_op:
        batch_op.add_column(sa.Column('due_on', sa.Date(), nullable=True))
        batch_op.add_column(sa.Column('due_provisional', sa.Boolean(), nullable=False, server_default=sa.false()))
        batch_op.add_column(sa.Column('answer', sa.Text(), nullable=True))
        batch_op.add_column(sa.Column('answered_on', sa.Date(), nullable=True))
        batch_op.add_column(sa.Column('answered_by', sa.String(length=200), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('obligee_inquiries', schema=None) as batch_op:
        batch_op.drop_column('answered_by')
        batch_op.drop_column('answered_on')
        batch_op.drop_column('answer')
        batch_op.drop_column('due_provisional')
        batch_op.drop_column('due_on')
    op.drop_table('obligation_report_files')
    with op.batch_alter_table('obligation_reports', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_obligation_reports_case_id'))
    op.drop_table('obligation_reports')
