"""A mobile team's journey through the three life stages, written against the client that
`openapi-python-client` generates from the gateway's merged OpenAPI (package
`wellbeing_api_client`, generated at test time: see test_generated_client.py, which also runs
`mypy --strict` on this file against the generated package).

Only the generated client is used: every call, model and enum below comes from it, so a
schema the generator dropped or a response it cannot parse fails here."""

from __future__ import annotations

from datetime import date, timedelta
from typing import TypeVar

from wellbeing_api_client import AuthenticatedClient, Client
from wellbeing_api_client.api.childcare import (
    childcare_apply_for_place,
    childcare_get_me_summary,
    childcare_list_institutions,
    childcare_register_child,
)
from wellbeing_api_client.api.childcare_statistics_and_plans import childcare_get_stats
from wellbeing_api_client.api.eldercare_activities_and_classes import (
    eldercare_cancel_activity_registration,
    eldercare_list_activities,
    eldercare_list_activity_registrations,
    eldercare_register_for_activity,
)
from wellbeing_api_client.api.eldercare_age_friendly_renovations import (
    eldercare_create_renovation,
    eldercare_get_renovation,
    eldercare_list_renovations,
)
from wellbeing_api_client.api.eldercare_care_requests_2xn import eldercare_create_care_request
from wellbeing_api_client.api.eldercare_elders import (
    eldercare_create_elder,
    eldercare_get_me_summary,
)
from wellbeing_api_client.api.eldercare_facilities_and_the_15_minute_circle import (
    eldercare_get_community_circle,
    eldercare_get_stats,
    eldercare_list_communities,
)
from wellbeing_api_client.api.jobs import (
    jobs_apply_for_support,
    jobs_get_me_summary,
    jobs_get_retention,
    jobs_get_stats,
    jobs_list_fairs,
    jobs_list_programmes,
    jobs_prescreen_eligibility,
    jobs_register_for_fair,
    jobs_register_graduate,
)
from wellbeing_api_client.api.wellbeing import (
    wellbeing_get_citizen_view,
    wellbeing_get_district,
    wellbeing_list_districts,
)
from wellbeing_api_client.models import (
    ActingAs,
    ApplicantFacts,
    ApplicationCreate,
    ApplicationStatus,
    CareRequestCreate,
    CareStatus,
    CareType,
    ChildcareSummary,
    ChildCreate,
    CoordSys,
    Degree,
    District,
    EldercareRegistrationStatus,
    EldercareRenovationStatus,
    EldercareSummary,
    ElderCreate,
    EligibilityRequest,
    EmploymentStatus,
    EnrollmentCreate,
    FairWhen,
    GraduateCreate,
    JobsRetention,
    JobsSummary,
    Outcome,
    Problem,
    ProgrammeKind,
    RegistrationCreate,
    RenovationCreate,
    RenovationItem,
    SectionStatus,
)

T = TypeVar("T")
# a point in 赛罕区 as Amap or Tencent maps give it (GCJ-02), not WGS-84
GCJ02_POINT = (40.841316, 111.756227)


def answer(value: T | Problem | None) -> T:
    """The model of a successful answer, typed as the generated operation declares it (a
    `Problem`, or `None` for an undocumented answer, fails with it shown)."""
    assert value is not None and not isinstance(value, Problem), value
    return value


def run(base_url: str, token: str, sub: str, today: date) -> None:
    """The whole journey as the citizen `sub` (the token's subject). Public reads go through an
    anonymous `Client`, as an app does before sign-in: the generator types an operation for it
    only when the operation names no security of its own (public ones inherit the document's
    optional bearer), so `mypy --strict` on this file proves they may be called without a
    token; what needs one takes the `AuthenticatedClient`."""
    with (
        Client(base_url=base_url, timeout=None) as anonymous,
        AuthenticatedClient(base_url=base_url, token=token, timeout=None) as citizen,
    ):
        childcare(anonymous, citizen, today)
        jobs(anonymous, citizen, today)
        eldercare(anonymous, citizen, today)
        the_view_and_the_figures(anonymous, citizen, sub)


def childcare(anonymous: Client, citizen: AuthenticatedClient, today: date) -> None:
    lat, lon = GCJ02_POINT
    page = answer(
        childcare_list_institutions.sync(
            client=anonymous,
            lat=lat,
            lon=lon,
            radius_m=5000,
            coord_sys=CoordSys.GCJ02,
            has_vacancy=True,
            age_months=17,
            limit=10,
        ),
    )
    distances = [i.distance_m for i in page.items]
    assert page.items and all(isinstance(d, float) and d <= 5000 for d in distances)
    assert distances == sorted(d for d in distances if isinstance(d, float))
    institution = page.items[0]
    assert institution.vacancies > 0
    assert institution.min_age_months <= 17 <= institution.max_age_months
    # answered in the system asked in: near the GCJ-02 point, not 500 m off it
    assert abs(institution.location.lat - lat) < 0.05 and abs(institution.location.lon - lon) < 0.06

    child = answer(
        childcare_register_child.sync(
            client=citizen,
            body=ChildCreate(name="生成客户端", birth_date=today - timedelta(days=530)),
            idempotency_key="generated-client-child",
        ),
    )
    assert (child.name, child.age_months) == ("生成客户端", 17)
    enrollment = answer(
        childcare_apply_for_place.sync(
            client=citizen,
            body=EnrollmentCreate(
                child_id=child.id,
                institution_id=institution.id,
                start_date=today + timedelta(days=7),
            ),
        ),
    )
    assert enrollment.status.value == "enrolled"
    mine = answer(childcare_get_me_summary.sync(client=citizen))
    assert [c.id for c in mine.children] == [child.id]
    assert [e.id for e in mine.enrollments] == [enrollment.id]


def jobs(anonymous: Client, citizen: AuthenticatedClient, today: date) -> None:
    graduate = answer(
        jobs_register_graduate.sync(
            client=citizen,
            body=GraduateCreate(
                university="内蒙古大学",
                degree=Degree.BACHELOR,
                graduation_date=today - timedelta(days=120),
                retention=JobsRetention.STAYED,
                employment_status=EmploymentStatus.EMPLOYED,
                district=District.赛罕区,
            ),
        ),
    )
    assert graduate.retention is JobsRetention.STAYED

    fairs = answer(jobs_list_fairs.sync(client=anonymous, when=FairWhen.UPCOMING))
    fair = next(f for f in fairs.items if f.seats_left > 0)
    seat = answer(jobs_register_for_fair.sync(client=citizen, fair_id=fair.id))
    assert seat.fair_id == fair.id

    programmes = answer(jobs_list_programmes.sync(client=anonymous))
    rent = next(p for p in programmes.items if p.kind is ProgrammeKind.RENT_SUBSIDY)
    facts = ApplicantFacts(works_in_hohhot=True, owns_home_in_hohhot=False)
    screened = answer(
        jobs_prescreen_eligibility.sync(
            client=citizen, programme_id=rent.id, body=EligibilityRequest(facts=facts)
        ),
    )
    assert (screened.outcome, screened.eligible) == (Outcome.ELIGIBLE, True)
    applied = answer(
        jobs_apply_for_support.sync(
            client=citizen, body=ApplicationCreate(programme_id=rent.id, facts=facts)
        ),
    )
    assert (applied.programme_id, applied.status) == (rent.id, ApplicationStatus.PENDING)

    mine = answer(jobs_get_me_summary.sync(client=citizen))
    assert mine.graduate is not None and mine.graduate.id == graduate.id
    assert [a.id for a in mine.applications] == [applied.id]
    assert [r.id for r in mine.fair_registrations] == [seat.id]


def eldercare(anonymous: Client, citizen: AuthenticatedClient, today: date) -> None:
    communities = answer(eldercare_list_communities.sync(client=anonymous, limit=100))
    xingkang = next(c for c in communities.items if c.name == "兴康社区")
    circle = answer(eldercare_get_community_circle.sync(client=anonymous, community_id=xingkang.id))
    assert circle.community is not None and circle.community.name == "兴康社区"
    assert circle.complete and circle.missing_essential == []
    assert circle.by_kind and all(
        f.walk_minutes <= 15 for k in circle.by_kind for f in k.facilities
    )

    mother = answer(
        eldercare_create_elder.sync(
            client=citizen,
            body=ElderCreate(
                name="生成客户端的母亲",
                birth_date=date(1948, 3, 8),
                community_id=xingkang.id,
                acting_as=ActingAs.FAMILY,
            ),
        ),
    )
    assert mother.community_name == "兴康社区"

    classes = answer(
        eldercare_list_activities.sync(client=anonymous, community_id=xingkang.id, limit=100),
    )
    session = next(a for a in classes.items if a.seats_left > 0)
    seat = answer(
        eldercare_register_for_activity.sync(
            client=citizen,
            activity_id=session.id,
            body=RegistrationCreate(elder_id=mother.id),
            idempotency_key="generated-client-class",
        ),
    )
    assert (seat.elder_id, seat.status) == (mother.id, EldercareRegistrationStatus.REGISTERED)
    seats = answer(eldercare_list_activity_registrations.sync(client=citizen))
    assert [r.id for r in seats.items] == [seat.id]

    care = answer(
        eldercare_create_care_request.sync(
            client=citizen,
            body=CareRequestCreate(
                elder_id=mother.id, care_type=CareType.MEAL, preferred_date=today + timedelta(3)
            ),
        ),
    )
    assert (care.elder_id, care.status) == (mother.id, CareStatus.REQUESTED)

    renovation = answer(
        eldercare_create_renovation.sync(
            client=citizen,
            body=RenovationCreate(
                elder_id=mother.id, items=[RenovationItem.HANDRAILS, RenovationItem.BATHROOM]
            ),
        ),
    )
    assert renovation.status is EldercareRenovationStatus.REQUESTED
    again = answer(
        eldercare_get_renovation.sync(client=citizen, renovation_id=renovation.id),
    )
    assert set(again.items) == {RenovationItem.HANDRAILS, RenovationItem.BATHROOM}
    listed = answer(eldercare_list_renovations.sync(client=citizen))
    assert [r.id for r in listed.items] == [renovation.id]

    mine = answer(eldercare_get_me_summary.sync(client=citizen))
    assert [e.id for e in mine.elders] == [mother.id]
    assert [(a.registration_id, a.activity_id) for a in mine.activities] == [(seat.id, session.id)]
    assert [c.id for c in mine.care_requests] == [care.id]
    assert [r.id for r in mine.renovations] == [renovation.id]


def the_view_and_the_figures(anonymous: Client, citizen: AuthenticatedClient, sub: str) -> None:
    view = answer(wellbeing_get_citizen_view.sync(client=citizen))
    assert view.sub == sub and view.complete
    assert view.childcare.status is SectionStatus.OK
    assert view.jobs.status is SectionStatus.OK
    assert view.eldercare.status is SectionStatus.OK
    assert isinstance(view.childcare.data, ChildcareSummary)
    assert [c.name for c in view.childcare.data.children] == ["生成客户端"]
    assert isinstance(view.jobs.data, JobsSummary)
    assert view.jobs.data.graduate is not None and len(view.jobs.data.applications) == 1
    assert len(view.jobs.data.fair_registrations) == 1
    assert isinstance(view.eldercare.data, EldercareSummary)
    assert [e.name for e in view.eldercare.data.elders] == ["生成客户端的母亲"]
    assert len(view.eldercare.data.activities) == 1
    assert len(view.eldercare.data.care_requests) == 1
    assert len(view.eldercare.data.renovations) == 1

    districts = answer(wellbeing_list_districts.sync(client=anonymous))
    assert len(districts.items) == 10
    assert sum(d.childcare.data.slots for d in districts.items if d.childcare.data) > 0
    saihan = answer(wellbeing_get_district.sync("saihan", client=anonymous))
    assert (saihan.district, saihan.key) == (District.赛罕区, "saihan")

    childcare = answer(childcare_get_stats.sync(client=anonymous))
    assert childcare.totals.institutions > 0 and len(childcare.by_district) == 10
    jobs = answer(jobs_get_stats.sync(client=anonymous))
    retention = answer(jobs_get_retention.sync(client=anonymous))
    assert jobs.totals.graduates == retention.total and len(jobs.by_district) == 10
    eldercare = answer(eldercare_get_stats.sync(client=anonymous))
    assert eldercare.totals.communities == sum(d.communities for d in eldercare.by_district)

    # the class is cancelled last: the view above still showed it
    seats = answer(eldercare_list_activity_registrations.sync(client=citizen))
    cancelled = answer(
        eldercare_cancel_activity_registration.sync(
            client=citizen, registration_id=seats.items[0].id
        ),
    )
    assert cancelled.status is EldercareRegistrationStatus.CANCELLED
