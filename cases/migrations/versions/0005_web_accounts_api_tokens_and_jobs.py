"""web accounts, api tokens and jobs

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-29

Issue 10: who may sign in to the web service (accounts, tied to case sides or monitored cases),
the hashed API tokens, and the jobs that do long work outside a request (cases.accounts, cases.jobs).
"""
from __future__ import annotations

from alembic import op
import sqlalchemy as sa
import cases.models


revision = '0005'
down_revision = '0004'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('accounts',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('email', sa.String(length=254), nullable=False),
    sa.Column('role', sa.Enum('admin', 'officer', 'monitor', 'party', name='role', native_enum=False, length=40), nullable=False),
    sa.Column('password_hash', sa.String(length=200), nullable=True),
    sa.Column('totp_sealed', sa.LargeBinary(), nullable=True),
    sa.Column('totp_confirmed_at', cases.models.UTCDateTime(), nullable=True),
    sa.Column('totp_last_step', sa.Integer(), nullable=True),
    sa.Column('disabled_at', cases.models.UTCDateTime(), nullable=True),
    sa.Column('language', sa.Enum('zh', 'zh-Hant', 'en', name='uilanguage', native_enum=False, length=40), nullable=True),
    sa.Column('person_id', sa.String(length=80), nullable=True),
    sa.Column('created_at', cases.models.UTCDateTime(), nullable=False),
    sa.Column('created_by', sa.String(length=200), nullable=False),
    sa.Column('last_login_at', cases.models.UTCDateTime(), nullable=True),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_accounts')),
    sa.UniqueConstraint('email', name=op.f('uq_accounts_email'))
    )
    op.create_table('account_cases',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('account_id', sa.Integer(), nullable=False),
    sa.Column('case_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['account_id'], ['accounts.id'], name=op.f('fk_account_cases_account_id_accounts')),
    sa.ForeignKeyConstraint(['case_id'], ['cases.id'], name=op.f('fk_account_cases_case_id_cases')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_account_cases')),
    sa.UniqueConstraint('account_id', 'case_id', name=op.f('uq_account_cases_account_id_case_id'))
    )
    with op.batch_alter_table('account_cases', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_account_cases_account_id'), ['account_id'], unique=False)

    op.create_table('api_tokens',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('account_id', sa.Integer(), nullable=False),
    sa.Column('sha256', sa.String(length=64), nullable=False),
    sa.Column('created_at', cases.models.UTCDateTime(), nullable=False),
    sa.Column('last_used_at', cases.models.UTCDateTime(), nullable=True),
    sa.Column('revoked_at', cases.models.UTCDateTime(), nullable=True),
    sa.ForeignKeyConstraint(['account_id'], ['accounts.id'], name=op.f('fk_api_tokens_account_id_accounts')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_api_tokens')),
    sa.UniqueConstraint('sha256', name=op.f('uq_api_tokens_sha256'))
    )
    with op.batch_alter_table('api_tokens', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_api_tokens_account_id'), ['account_id'], unique=False)

    op.create_table('jobs',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=60), nullable=False),
    sa.Column('params', sa.JSON(), nullable=False),
    sa.Column('state', sa.Enum('queued', 'running', 'done', 'failed', name='jobstate', native_enum=False, length=40), nullable=False),
    sa.Column('progress', sa.Float(), nullable=False),
    sa.Column('note', sa.String(length=300), nullable=False),
    sa.Column('result', sa.JSON(), nullable=True),
    sa.Column('error', sa.Text(), nullable=True),
    sa.Column('who', sa.String(length=200), nullable=False),
    sa.Column('account_id', sa.Integer(), nullable=True),
    sa.Column('case_number', sa.String(length=20), nullable=True),
    sa.Column('runner', sa.String(length=120), nullable=True),
    sa.Column('heartbeat_at', cases.models.UTCDateTime(), nullable=True),
    sa.Column('created_at', cases.models.UTCDateTime(), nullable=False),
    sa.Column('updated_at', cases.models.UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['account_id'], ['accounts.id'], name=op.f('fk_jobs_account_id_accounts')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_jobs'))
    )
    with op.batch_alter_table('jobs', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_jobs_case_number'), ['case_number'], unique=False)
        batch_op.create_index(batch_op.f('ix_jobs_state'), ['state'], unique=False)

    op.create_table('account_sides',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('account_id', sa.Integer(), nullable=False),
    sa.Column('side_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['account_id'], ['accounts.id'], name=op.f('fk_account_sides_account_id_accounts')),
    sa.ForeignKeyConstraint(['side_id'], ['sides.id'], name=op.f('fk_account_sides_side_id_sides')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_account_sides')),
    sa.UniqueConstraint('account_id', 'side_id', name=op.f('uq_account_sides_account_id_side_id'))
    )
    with op.batch_alter_table('account_sides', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_account_sides_account_id'), ['account_id'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('account_sides', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_account_sides_account_id'))

    op.drop_table('account_sides')
    with op.batch_alter_table('jobs', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_jobs_state'))
        batch_op.drop_index(batch_op.f('ix_jobs_case_number'))

    op.drop_table('jobs')
    with op.batch_alter_table('api_tokens', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_api_tokens_account_id'))

    op.drop_table('api_tokens')
    with op.batch_alter_table('account_cases', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_account_cases_account_id'))

    op.drop_table('account_cases')
    op.drop_table('accounts')
