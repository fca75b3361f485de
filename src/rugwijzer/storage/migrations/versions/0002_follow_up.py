"""Follow-up: each entry records whether a doctor has been seen and the advice it produced.

``seen_doctor`` turns the standing flags to routine (clinical rules §9); ``urgency`` and
``flag_ids`` keep the advice given at the time, for the person's own record and export. Entries
written before this revision get ``seen_doctor`` false and no recorded advice (NULL).

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-25
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | None = None
depends_on: str | None = None


def upgrade() -> None:
    with op.batch_alter_table("entries") as batch:
        batch.add_column(sa.Column("seen_doctor", sa.Boolean(), server_default=sa.false(), nullable=False))
        batch.add_column(sa.Column("urgency", sa.String(length=16), nullable=True))
        batch.add_column(sa.Column("flag_ids", sa.JSON(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("entries") as batch:
        batch.drop_column("flag_ids")
        batch.drop_column("urgency")
        batch.drop_column("seen_doctor")
