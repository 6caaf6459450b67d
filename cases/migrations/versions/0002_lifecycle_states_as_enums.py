"""lifecycle states as enums: document version stage and status, signed document kind and state

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-29

The columns keep the same value strings (cases.lifecycle), now typed as non-native enums
(VARCHAR(40), no CHECK constraint, like every other enum of the record). signers.role was
already VARCHAR(40) and needs no change. Rows holding a value outside the enum would fail to
load afterwards, so the upgrade refuses them first, naming them.
"""
from __future__ import annotations

from alembic import op
import sqlalchemy as sa


revision = '0002'
down_revision = '0001'
branch_labels = None
depends_on = None

# (table, column, values, old length, server default)
_COLUMNS = (
    ('document_versions', 'stage', ('rendered', 'sealed', 'signed', 'monitoring', 'frozen'), 20, 'rendered'),
    ('document_versions', 'status', ('draft', 'issued'), 20, None),
    ('signed_documents', 'kind', ('plain', 'co_signed', 'closure_report'), 20, None),
    ('signed_documents', 'state', ('signing', 'sealed', 'freezing', 'frozen'), 20, None),
)
_ENUM_NAMES = {'stage': 'versionstage', 'status': 'versionstatus', 'kind': 'documentkind', 'state': 'documentstate'}


def _enum(column: str, values: tuple[str, ...]) -> sa.Enum:
    return sa.Enum(*values, name=_ENUM_NAMES[column], native_enum=False, length=40, create_constraint=False)


def _refuse_unknown_values() -> None:
    connection = op.get_bind()
    for table, column, values, _, _ in _COLUMNS:
        t = sa.table(table, sa.column(column, sa.String()))
        found = connection.execute(sa.select(t.c[column]).distinct().where(t.c[column].not_in(values))).scalars().all()
        if found:
            raise RuntimeError(f"{table}.{column} holds {', '.join(map(repr, found))}, "
                               f"not one of {', '.join(values)}: correct those rows, then upgrade again")


def upgrade() -> None:
    _refuse_unknown_values()
    for table in ('document_versions', 'signed_documents'):
        with op.batch_alter_table(table, schema=None) as batch_op:
            for name, column, values, length, default in _COLUMNS:
                if name == table:
                    batch_op.alter_column(column, existing_type=sa.VARCHAR(length=length),
                                          type_=_enum(column, values), existing_nullable=False,
                                          existing_server_default=default)


def downgrade() -> None:
    for table in ('signed_documents', 'document_versions'):
        with op.batch_alter_table(table, schema=None) as batch_op:
            for name, column, values, length, default in _COLUMNS:
                if name == table:
                    batch_op.alter_column(column, existing_type=_enum(column, values),
                                          type_=sa.VARCHAR(length=length), existing_nullable=False,
                                          existing_server_default=default)
