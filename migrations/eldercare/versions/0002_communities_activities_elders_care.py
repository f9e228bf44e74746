"""communities (awards move off facilities), activities and registrations, elder profiles and
family links, care requests and their history, renovations, visits, the access audit

The downgrade is lossy: it drops every table this revision adds, and of a community only what
0001's facilities can carry comes back (name, street office, awards); its programmes, its
centre (an upgrade puts it at its facilities' mean, ~160 m off a centre set by hand) and a
community without a facility are lost. `downgrade_loss` says how much, and `wellbeing migrate`
refuses it unless told `--allow-data-loss`.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-29 20:02:40
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql
from sqlalchemy.engine import Connection

import common.geo
from common.migrations import rows_in

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

S = "eldercare"
NOW = sa.text("now()")
EMPTY_JSON = sa.text("'[]'::jsonb")
# the one award text revision 0001's demo data used, as the structured award it stands for
AWARD_2022_TEXT = "全国示范性老年友好型社区（2022年推荐）"
AWARD_2022_JSON = '{"title": "全国示范性老年友好型社区", "year": 2022, "note": "2022年推荐名单"}'

# every facility names its community: each (district, community) becomes one community record,
# centred on its facilities, with the awards its facilities carried
COMMUNITIES_FROM_FACILITIES = f"""
INSERT INTO {S}.community (name, district, street_office, lat, lon, awards)
SELECT f.community, f.district, min(f.street_office), avg(f.lat), avg(f.lon),
       coalesce(
         (SELECT jsonb_agg(DISTINCT CASE WHEN a = '{AWARD_2022_TEXT}'
                                         THEN '{AWARD_2022_JSON}'::jsonb
                                         ELSE jsonb_build_object('title', a) END)
          FROM {S}.facility g, unnest(g.awards) AS a
          WHERE g.community = f.community AND g.district = f.district),
         '[]'::jsonb)
FROM {S}.facility f
GROUP BY f.district, f.community
ORDER BY min(f.id)
"""
LINK_FACILITIES = f"""
UPDATE {S}.facility f SET community_id = c.id
FROM {S}.community c WHERE c.name = f.community AND c.district = f.district
"""
UNLINK_FACILITIES = f"""
UPDATE {S}.facility f
SET community = c.name, street_office = c.street_office,
    awards = ARRAY(SELECT coalesce(a ->> 'title', '') FROM jsonb_array_elements(c.awards) a)
FROM {S}.community c WHERE c.id = f.community_id
"""


def _one_of(column: str, values: tuple[str, ...]) -> str:
    return f"{column} IN (" + ",".join(f"'{v}'" for v in values) + ")"


def _created_at() -> sa.Column[object]:
    return sa.Column("created_at", sa.DateTime(timezone=True), server_default=NOW, nullable=False)


def upgrade() -> None:
    op.create_table(
        "access_audit",
        sa.Column("id", sa.BigInteger(), autoincrement=True, nullable=False),
        sa.Column("actor_sub", sa.String(length=200), nullable=False),
        sa.Column("actor_roles", sa.String(length=200), nullable=False),
        sa.Column("action", sa.String(length=50), nullable=False),
        sa.Column("resource", sa.String(length=200), nullable=False),
        sa.Column("purpose", sa.String(length=200), nullable=False),
        sa.Column("request_id", sa.String(length=128), nullable=True),
        sa.Column("at", sa.DateTime(timezone=True), server_default=NOW, nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_access_audit")),
        schema=S,
    )
    op.create_index("ix_access_audit_at", "access_audit", ["at"], schema=S)

    _communities()
    _activities()
    _elders()
    _registrations()
    _care()
    _renovations_and_visits()


def _communities() -> None:
    op.create_table(
        "community",
        sa.Column("id", sa.BigInteger(), autoincrement=True, nullable=False),
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column("district", sa.String(length=20), nullable=False),
        sa.Column("street_office", sa.String(length=100), nullable=False),
        sa.Column("lat", sa.Double(), nullable=False),
        sa.Column("lon", sa.Double(), nullable=False),
        sa.Column(
            "earth_loc",
            common.geo.Earth(),
            sa.Computed("public.ll_to_earth(lat, lon)", persisted=True),
            nullable=False,
        ),
        sa.Column("awards", postgresql.JSONB(), server_default=EMPTY_JSON, nullable=False),
        sa.Column("programmes", postgresql.JSONB(), server_default=EMPTY_JSON, nullable=False),
        _created_at(),
        sa.CheckConstraint(
            "lat BETWEEN -90 AND 90 AND lon BETWEEN -180 AND 180",
            name=op.f("ck_community_coordinates"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_community")),
        schema=S,
    )
    op.create_index("ix_community_district_id", "community", ["district", "id"], schema=S)
    op.create_index(
        "ix_community_earth_loc", "community", ["earth_loc"], schema=S, postgresql_using="gist"
    )
    op.create_index(
        "uq_community_district_name", "community", ["district", "name"], unique=True, schema=S
    )

    # facilities reference their community; its name, street office and awards move there
    op.add_column("facility", sa.Column("community_id", sa.BigInteger()), schema=S)
    op.execute(COMMUNITIES_FROM_FACILITIES)
    op.execute(LINK_FACILITIES)
    op.alter_column("facility", "community_id", nullable=False, schema=S)
    op.drop_index("ix_facility_community_id", table_name="facility", schema=S)
    op.create_index("ix_facility_community_id_id", "facility", ["community_id", "id"], schema=S)
    op.create_foreign_key(
        op.f("fk_facility_community_id_community"),
        "facility",
        "community",
        ["community_id"],
        ["id"],
        source_schema=S,
        referent_schema=S,
        ondelete="RESTRICT",
    )
    op.drop_column("facility", "awards", schema=S)
    op.drop_column("facility", "street_office", schema=S)
    op.drop_column("facility", "community", schema=S)


def _activities() -> None:
    categories = (
        "singing",
        "reading",
        "painting",
        "musical_instruments",
        "dance",
        "calligraphy",
        "silk_flowers",
        "health_lecture",
        "caregiver_course",
    )
    op.create_table(
        "activity",
        sa.Column("id", sa.BigInteger(), autoincrement=True, nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("category", sa.String(length=30), nullable=False),
        sa.Column("description", sa.String(length=1000), nullable=False),
        sa.Column("community_id", sa.BigInteger(), nullable=False),
        sa.Column("facility_id", sa.BigInteger(), nullable=True),
        sa.Column("place", sa.String(length=200), nullable=False),
        sa.Column("starts_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("ends_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("capacity", sa.Integer(), nullable=False),
        sa.Column("registered", sa.Integer(), nullable=False),
        sa.Column("waitlist_capacity", sa.Integer(), nullable=False),
        sa.Column("waitlisted", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(length=12), nullable=False),
        _created_at(),
        sa.Column("updated_at", sa.DateTime(timezone=True), server_default=NOW, nullable=False),
        sa.CheckConstraint(_one_of("category", categories), name=op.f("ck_activity_category")),
        sa.CheckConstraint("status IN ('scheduled','cancelled')", name=op.f("ck_activity_status")),
        sa.CheckConstraint("ends_at > starts_at", name=op.f("ck_activity_time_range")),
        sa.CheckConstraint(
            "registered >= 0 AND registered <= capacity",
            name=op.f("ck_activity_within_capacity"),
        ),
        sa.CheckConstraint(
            "waitlisted >= 0 AND waitlisted <= waitlist_capacity",
            name=op.f("ck_activity_within_waitlist"),
        ),
        sa.ForeignKeyConstraint(
            ["community_id"],
            [f"{S}.community.id"],
            name=op.f("fk_activity_community_id_community"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["facility_id"],
            [f"{S}.facility.id"],
            name=op.f("fk_activity_facility_id_facility"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_activity")),
        schema=S,
    )
    op.create_index(
        "ix_activity_category_starts_at", "activity", ["category", "starts_at", "id"], schema=S
    )
    op.create_index(
        "ix_activity_community_id_starts_at",
        "activity",
        ["community_id", "starts_at", "id"],
        schema=S,
    )
    op.create_index("ix_activity_starts_at_id", "activity", ["starts_at", "id"], schema=S)


def _elders() -> None:
    op.create_table(
        "elder",
        sa.Column("id", sa.BigInteger(), autoincrement=True, nullable=False),
        sa.Column("name", sa.String(length=50), nullable=False),
        sa.Column("birth_date", sa.Date(), nullable=False),
        sa.Column("id_number_hash", sa.String(length=64), nullable=True),
        sa.Column("id_number_masked", sa.String(length=20), nullable=True),
        sa.Column("community_id", sa.BigInteger(), nullable=True),
        sa.Column("lives_alone", sa.Boolean(), nullable=False),
        sa.Column("lost_only_child", sa.Boolean(), nullable=False),
        sa.Column("care_needs", postgresql.ARRAY(sa.String(length=30)), nullable=False),
        sa.Column("subject_sub", sa.String(length=200), nullable=True),
        sa.Column("created_by_sub", sa.String(length=200), nullable=False),
        sa.Column("created_by_role", sa.String(length=10), nullable=False),
        sa.Column("last_visited_at", sa.DateTime(timezone=True), nullable=True),
        _created_at(),
        sa.Column("updated_at", sa.DateTime(timezone=True), server_default=NOW, nullable=False),
        sa.CheckConstraint(
            "created_by_role <> 'self' OR subject_sub IS NOT NULL",
            name=op.f("ck_elder_self_has_subject"),
        ),
        sa.CheckConstraint(
            "created_by_role IN ('self','family','staff')", name=op.f("ck_elder_created_by_role")
        ),
        sa.ForeignKeyConstraint(
            ["community_id"],
            [f"{S}.community.id"],
            name=op.f("fk_elder_community_id_community"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_elder")),
        schema=S,
    )
    op.create_index("ix_elder_community_id_id", "elder", ["community_id", "id"], schema=S)
    op.create_index("ix_elder_id_number_hash", "elder", ["id_number_hash"], schema=S)
    op.create_index(
        "ix_elder_special_group",
        "elder",
        ["community_id", "id"],
        schema=S,
        postgresql_where=sa.text("lives_alone OR lost_only_child"),
    )
    op.create_index(
        "uq_elder_creator_id_number_hash",
        "elder",
        ["created_by_sub", "id_number_hash"],
        unique=True,
        schema=S,
        postgresql_where=sa.text("id_number_hash IS NOT NULL"),
    )
    op.create_index(
        "uq_elder_subject_sub",
        "elder",
        ["subject_sub"],
        unique=True,
        schema=S,
        postgresql_where=sa.text("subject_sub IS NOT NULL"),
    )
    op.create_table(
        "elder_family",
        sa.Column("elder_id", sa.BigInteger(), nullable=False),
        sa.Column("citizen_sub", sa.String(length=200), nullable=False),
        sa.Column("linked_by_sub", sa.String(length=200), nullable=False),
        sa.Column("linked_at", sa.DateTime(timezone=True), server_default=NOW, nullable=False),
        sa.ForeignKeyConstraint(
            ["elder_id"],
            [f"{S}.elder.id"],
            name=op.f("fk_elder_family_elder_id_elder"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("elder_id", "citizen_sub", name=op.f("pk_elder_family")),
        schema=S,
    )
    op.create_index(
        "ix_elder_family_citizen_sub", "elder_family", ["citizen_sub", "elder_id"], schema=S
    )


def _registrations() -> None:
    op.create_table(
        "activity_registration",
        sa.Column("id", sa.BigInteger(), autoincrement=True, nullable=False),
        sa.Column("activity_id", sa.BigInteger(), nullable=False),
        sa.Column("registrant_sub", sa.String(length=200), nullable=False),
        sa.Column("elder_id", sa.BigInteger(), nullable=True),
        sa.Column("participant", sa.String(length=220), nullable=False),
        sa.Column("status", sa.String(length=12), nullable=False),
        sa.Column("registered_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("status_changed_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "status IN ('registered','waitlisted','cancelled')",
            name=op.f("ck_activity_registration_status"),
        ),
        sa.ForeignKeyConstraint(
            ["activity_id"],
            [f"{S}.activity.id"],
            name=op.f("fk_activity_registration_activity_id_activity"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["elder_id"],
            [f"{S}.elder.id"],
            name=op.f("fk_activity_registration_elder_id_elder"),
            ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_activity_registration")),
        schema=S,
    )
    op.create_index(
        "ix_activity_registration_elder_id_id",
        "activity_registration",
        ["elder_id", "id"],
        schema=S,
    )
    op.create_index(
        "ix_activity_registration_registrant_sub_id",
        "activity_registration",
        ["registrant_sub", "id"],
        schema=S,
    )
    op.create_index(
        "ix_activity_registration_waitlist",
        "activity_registration",
        ["activity_id", "id"],
        schema=S,
        postgresql_where=sa.text("status = 'waitlisted'"),
    )
    op.create_index(
        "uq_activity_registration_active_participant",
        "activity_registration",
        ["activity_id", "participant"],
        unique=True,
        schema=S,
        postgresql_where=sa.text("status IN ('registered','waitlisted')"),
    )


def _care() -> None:
    care_types = (
        "meal",
        "cleaning",
        "health_check",
        "companionship",
        "psychological_support",
        "day_care",
        "bathing",
        "medical_escort",
        "rehabilitation",
    )
    op.create_table(
        "care_request",
        sa.Column("id", sa.BigInteger(), autoincrement=True, nullable=False),
        sa.Column("elder_id", sa.BigInteger(), nullable=False),
        sa.Column("requested_by_sub", sa.String(length=200), nullable=False),
        sa.Column("care_type", sa.String(length=30), nullable=False),
        sa.Column("provider_category", sa.String(length=12), nullable=False),
        sa.Column("details", sa.String(length=500), nullable=False),
        sa.Column("preferred_date", sa.Date(), nullable=True),
        sa.Column("provider_name", sa.String(length=200), nullable=True),
        sa.Column("price_fen", sa.BigInteger(), nullable=True),
        sa.Column("status", sa.String(length=12), nullable=False),
        sa.Column("requested_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("assigned_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("completed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("cancelled_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("status_changed_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            _one_of("care_type", care_types), name=op.f("ck_care_request_care_type")
        ),
        sa.CheckConstraint(
            "price_fen IS NULL OR (price_fen >= 0 AND provider_category = 'market')",
            name=op.f("ck_care_request_price_only_for_market"),
        ),
        sa.CheckConstraint(
            "provider_category IN ('public','market','social_org','volunteer')",
            name=op.f("ck_care_request_provider"),
        ),
        sa.CheckConstraint(
            "status = 'requested' OR status = 'cancelled' OR provider_name IS NOT NULL",
            name=op.f("ck_care_request_assigned_has_provider"),
        ),
        sa.CheckConstraint(
            "status IN ('requested','assigned','completed','cancelled')",
            name=op.f("ck_care_request_status"),
        ),
        sa.ForeignKeyConstraint(
            ["elder_id"],
            [f"{S}.elder.id"],
            name=op.f("fk_care_request_elder_id_elder"),
            ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_care_request")),
        schema=S,
    )
    op.create_index("ix_care_request_elder_id_id", "care_request", ["elder_id", "id"], schema=S)
    op.create_index(
        "ix_care_request_open",
        "care_request",
        ["status", "id"],
        schema=S,
        postgresql_where=sa.text("status IN ('requested','assigned')"),
    )
    op.create_table(
        "care_request_event",
        sa.Column("id", sa.BigInteger(), autoincrement=True, nullable=False),
        sa.Column("care_request_id", sa.BigInteger(), nullable=False),
        sa.Column("from_status", sa.String(length=12), nullable=True),
        sa.Column("to_status", sa.String(length=12), nullable=False),
        sa.Column("actor_sub", sa.String(length=200), nullable=False),
        sa.Column("actor_role", sa.String(length=20), nullable=False),
        sa.Column("note", sa.String(length=500), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["care_request_id"],
            [f"{S}.care_request.id"],
            name=op.f("fk_care_request_event_care_request_id_care_request"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_care_request_event")),
        schema=S,
    )
    op.create_index(
        "ix_care_request_event_request_id_id",
        "care_request_event",
        ["care_request_id", "id"],
        schema=S,
    )


def _renovations_and_visits() -> None:
    items = "'handrails','ramp','bathroom','lighting','anti_slip_flooring','washbasin','stairs'"
    op.create_table(
        "renovation",
        sa.Column("id", sa.BigInteger(), autoincrement=True, nullable=False),
        sa.Column("elder_id", sa.BigInteger(), nullable=False),
        sa.Column("requested_by_sub", sa.String(length=200), nullable=False),
        sa.Column("items", postgresql.ARRAY(sa.String(length=30)), nullable=False),
        sa.Column("details", sa.String(length=500), nullable=False),
        sa.Column("status", sa.String(length=12), nullable=False),
        sa.Column("estimated_cost_fen", sa.BigInteger(), nullable=True),
        sa.Column("assessment_note", sa.String(length=500), nullable=True),
        sa.Column("scheduled_for", sa.Date(), nullable=True),
        sa.Column("requested_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("assessed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("scheduled_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("completed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("cancelled_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("status_changed_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            f"items <@ ARRAY[{items},'emergency_call']::varchar[]",
            name=op.f("ck_renovation_items"),
        ),
        sa.CheckConstraint(
            "status IN ('requested','assessed','scheduled','completed','cancelled')",
            name=op.f("ck_renovation_status"),
        ),
        sa.CheckConstraint(
            "status NOT IN ('scheduled','completed') OR scheduled_for IS NOT NULL",
            name=op.f("ck_renovation_scheduled_has_date"),
        ),
        sa.CheckConstraint("cardinality(items) >= 1", name=op.f("ck_renovation_has_items")),
        sa.CheckConstraint(
            "estimated_cost_fen IS NULL OR estimated_cost_fen >= 0",
            name=op.f("ck_renovation_cost"),
        ),
        sa.ForeignKeyConstraint(
            ["elder_id"],
            [f"{S}.elder.id"],
            name=op.f("fk_renovation_elder_id_elder"),
            ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_renovation")),
        schema=S,
    )
    op.create_index("ix_renovation_elder_id_id", "renovation", ["elder_id", "id"], schema=S)
    op.create_table(
        "visit",
        sa.Column("id", sa.BigInteger(), autoincrement=True, nullable=False),
        sa.Column("elder_id", sa.BigInteger(), nullable=False),
        sa.Column("visited_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("visitor_sub", sa.String(length=200), nullable=False),
        sa.Column("visitor_name", sa.String(length=50), nullable=False),
        sa.Column("outcome", sa.String(length=12), nullable=False),
        sa.Column("missed_reason", sa.String(length=20), nullable=True),
        sa.Column("notes", sa.String(length=500), nullable=False),
        _created_at(),
        sa.CheckConstraint(
            "(outcome = 'missed') = (missed_reason IS NOT NULL)",
            name=op.f("ck_visit_missed_has_reason"),
        ),
        sa.CheckConstraint(
            "missed_reason IS NULL OR "
            "missed_reason IN ('not_home','refused','in_hospital','moved','other')",
            name=op.f("ck_visit_missed_reason"),
        ),
        sa.CheckConstraint("outcome IN ('completed','missed')", name=op.f("ck_visit_outcome")),
        sa.ForeignKeyConstraint(
            ["elder_id"],
            [f"{S}.elder.id"],
            name=op.f("fk_visit_elder_id_elder"),
            ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_visit")),
        schema=S,
    )
    op.create_index("ix_visit_elder_id_visited_at", "visit", ["elder_id", "visited_at"], schema=S)


DROPPED = (
    "visit",
    "renovation",
    "care_request_event",
    "care_request",
    "activity_registration",
    "elder_family",
    "elder",
    "activity",
    "access_audit",
)


def downgrade_loss(connection: Connection) -> str | None:
    rows = rows_in(connection, S, DROPPED)
    communities = connection.scalar(sa.text(f"SELECT count(*) FROM {S}.community"))
    lost = [rows] if rows else []
    if communities:
        lost.append(
            f"the programmes and centres of {communities} communities (facilities keep their "
            "community's name, street office and awards)"
        )
    return "; ".join(lost) or None


def downgrade() -> None:
    for table in DROPPED:
        op.drop_table(table, schema=S)  # their indexes go with them

    # facilities carry their community's name, street office and awards again
    op.add_column("facility", sa.Column("community", sa.String(length=100)), schema=S)
    op.add_column("facility", sa.Column("street_office", sa.String(length=100)), schema=S)
    op.add_column(
        "facility",
        sa.Column("awards", postgresql.ARRAY(sa.String(length=200)), server_default="{}"),
        schema=S,
    )
    op.execute(UNLINK_FACILITIES)
    op.execute(
        f"UPDATE {S}.facility SET awards = array_replace(awards, "
        f"'全国示范性老年友好型社区', '{AWARD_2022_TEXT}')"
    )
    for column in ("community", "street_office", "awards"):
        op.alter_column("facility", column, nullable=False, schema=S)
    op.alter_column("facility", "awards", server_default=None, schema=S)
    op.drop_constraint(
        op.f("fk_facility_community_id_community"), "facility", schema=S, type_="foreignkey"
    )
    op.drop_index("ix_facility_community_id_id", table_name="facility", schema=S)
    op.drop_column("facility", "community_id", schema=S)
    op.create_index("ix_facility_community_id", "facility", ["community", "id"], schema=S)
    op.drop_table("community", schema=S)
