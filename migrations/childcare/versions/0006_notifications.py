"""notifications: the outbox and the inbox (DESIGN §10)

Revision ID: 0006
Revises: 0003
Create Date: 2026-12-04 22:00:00
"""

from collections.abc import Sequence

from common.notifications.migration import downgrade_0006, upgrade_0006

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# downgrade loses every notice, read or not, and every event not yet delivered


def upgrade() -> None:
    upgrade_0006("childcare")


def downgrade() -> None:
    downgrade_0006("childcare")
