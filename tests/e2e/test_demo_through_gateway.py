"""Every jobs and eldercare endpoint through the gateway on the demo data `make run` loads
(`seed_service` on a scratch database), and the demo citizen's complete view: the real four
processes, started once, called with httpx at the gateway only — except where the bad-token
rule is asserted to answer the same through the gateway as at the service itself."""

from __future__ import annotations

import re
import time
from collections.abc import Iterator
from typing import Any

import httpx
import jwt
import pytest
from cryptography.hazmat.primitives.asymmetric import rsa

from common.demo import DEMO_CITIZEN
from common.provisioning import ProvisionedDatabase
from tests.e2e.platform import Platform, four_processes
from tests.eldercare.factories import id_number
from tests.fixtures.tokens import DevTokens

pytestmark = pytest.mark.e2e
JUNE_10_FAIR = "2023年“十万大学生留呼计划”大型招聘会"
# docs/FACTS.md: rent and home-purchase subsidies, a startup loan up to ¥500,000, a one-time startup
# subsidy, a ¥200,000 grant for tech startups; name → (kind, award kind, amount in fen if named)
PROGRAMMES = {
    "高校毕业生租房补贴": ("rent_subsidy", "fixed", None),
    "高校毕业生购房补贴": ("home_purchase_subsidy", "fixed", None),
    "大学生创业担保贷款": ("startup_loan", "up_to", 50_000_000),
    "一次性创业补贴": ("startup_subsidy", "fixed", None),
    "大学生科技型企业创业资助": ("tech_startup_grant", "fixed", 20_000_000),
}
SINGING_GROUP = "兴康社区歌唱小组（李大娘和老姐妹们）"
NATIONAL_ID = re.compile(r"\d{17}[\dXx]")


@pytest.fixture(scope="module")
def platform(db: ProvisionedDatabase, tokens: DevTokens) -> Iterator[Platform]:
    # the district figures read once at start-up hold for the module, so a GET and a HEAD of
    # them are one representation (childcare's `as_of` is the moment of each read)
    env = {"STATS_CACHE_SECONDS": "3600", "AGGREGATE_DEADLINE_SECONDS": "5"}
    with four_processes(db, tokens, env) as running:
        yield running


@pytest.fixture(scope="module")
def gw(platform: Platform) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=platform.gateway, timeout=15) as client:
        yield client


def ok(response: httpx.Response, status: int = 200) -> Any:
    assert response.status_code == status, f"{response.request.url}: {response.text}"
    return response.json()


def problem(response: httpx.Response, status: int, code: str) -> dict[str, Any]:
    assert response.status_code == status, f"{response.request.url}: {response.text}"
    assert response.headers["content-type"].startswith("application/problem+json")
    body: dict[str, Any] = response.json()
    assert body["code"] == code and body["status"] == status
    return body


def by_name(items: list[dict[str, Any]], value: Any, key: str = "name") -> dict[str, Any]:
    """The one item whose `key` is `value`."""
    found = [i for i in items if i[key] == value]
    assert len(found) == 1, [i[key] for i in items]
    return found[0]


def community(gw: httpx.Client, name: str) -> dict[str, Any]:
    return by_name(ok(gw.get("/eldercare/v1/communities", params={"limit": 100}))["items"], name)


def nearest_first(items: list[dict[str, Any]], radius_m: float) -> None:
    distances = [i["distance_m"] for i in items]
    assert distances and distances == sorted(distances) and distances[-1] <= radius_m


# --- jobs ---------------------------------------------------------------------------------


def test_jobs_directory_fairs_programmes_and_retention(gw: httpx.Client) -> None:
    found = ok(gw.get("/jobs/v1/postings", params={"q": "工程师", "limit": 100}))["items"]
    assert found and all("工程师" in p["title"] and p["open"] for p in found)
    one = ok(gw.get(f"/jobs/v1/postings/{found[0]['id']}"))
    assert (one["title"], one["employer"]) == (found[0]["title"], found[0]["employer"])

    past = ok(gw.get("/jobs/v1/fairs", params={"when": "past"}))["items"]
    june = by_name(past, JUNE_10_FAIR)
    assert june["starts_at"].startswith("2023-06-10") and june["status"] == "past"
    assert june["registered"] >= 1_200 and june["positions"] > 0
    upcoming = ok(gw.get("/jobs/v1/fairs", params={"when": "upcoming"}))["items"]
    assert len(upcoming) == 2 and {f["status"] for f in upcoming} == {"upcoming"}
    assert upcoming[0]["starts_at"] < upcoming[1]["starts_at"]
    assert ok(gw.get(f"/jobs/v1/fairs/{june['id']}"))["employers"] == june["employers"]

    programmes = ok(gw.get("/jobs/v1/programmes"))["items"]
    assert {p["name"] for p in programmes} == set(PROGRAMMES)
    for p in programmes:
        kind, award, amount = PROGRAMMES[p["name"]]
        assert (p["kind"], p["award_kind"]) == (kind, award) and p["rules"]
        assert amount is None or p["amount_fen"] == amount
        assert ok(gw.get(f"/jobs/v1/programmes/{p['id']}")) == p

    retention = ok(gw.get("/jobs/v1/retention"))
    assert retention["target"] == 100_000 and retention["total"] >= 31_736
    [reported] = retention["historical"]
    assert (reported["year"], reported["as_of_date"]) == (2022, "2022-11-30")
    assert reported["graduates"] == 31_736  # FACTS: 3.17万余人 by end of November 2022
    stats = ok(gw.get("/jobs/v1/stats"))
    assert stats["totals"]["graduates"] == retention["total"]
    assert len(stats["by_district"]) == 10


def test_red_bee_stations_and_an_anonymous_check_in(gw: httpx.Client) -> None:
    near = {"lat": 40.7940, "lon": 111.7330, "radius_m": 3000, "limit": 10}
    stations = ok(gw.get("/jobs/v1/stations", params=near))["items"]
    nearest_first(stations, 3000)
    station = ok(gw.get(f"/jobs/v1/stations/{stations[0]['id']}"))
    assert (station["name"], station["district"]) == (stations[0]["name"], "赛罕区")
    assert {"hot_water", "phone_charging"} <= set(station["amenities"])

    layer = ok(gw.get("/jobs/v1/stations.geojson"))
    assert layer["type"] == "FeatureCollection" and len(layer["features"]) >= 140  # FACTS: 140+
    feature = by_name(layer["features"], station["id"], key="id")
    location = station["location"]
    assert feature["geometry"]["coordinates"] == [location["lon"], location["lat"]]  # GeoJSON

    def usage() -> dict[str, int]:
        body = ok(gw.get(f"/jobs/v1/stations/{station['id']}/usage"))
        return {"all": body["check_ins"]} | {
            w["worker_type"]: w["check_ins"] for w in body["by_worker_type"]
        }

    def district_check_ins() -> int:
        rows = ok(gw.get("/jobs/v1/stats"))["by_district"]
        return int(by_name(rows, "赛罕区", key="district")["check_ins"])

    before, district_before = usage(), district_check_ins()
    check_in = ok(
        gw.post(f"/jobs/v1/stations/{station['id']}/check-ins", json={"worker_type": "courier"}),
        201,
    )
    assert (check_in["station_id"], check_in["worker_type"]) == (station["id"], "courier")
    after = usage()
    assert after == before | {"all": before["all"] + 1, "courier": before["courier"] + 1}
    assert district_check_ins() == district_before + 1


def test_the_demo_citizen_in_jobs(gw: httpx.Client, tokens: DevTokens) -> None:
    demo = tokens.headers(DEMO_CITIZEN, "citizen")
    graduate = ok(gw.get("/jobs/v1/graduates/me", headers=demo))
    assert (graduate["university"], graduate["retention"]) == ("内蒙古财经大学", "stayed")
    [application] = ok(gw.get("/jobs/v1/applications", headers=demo))["items"]
    assert application["programme_name"] == "高校毕业生租房补贴"
    assert application["status"] == "approved"
    assert application["decided_at"] == "2023-09-20T07:00:00Z"
    assert ok(gw.get(f"/jobs/v1/applications/{application['id']}", headers=demo)) == application
    registrations = ok(gw.get("/jobs/v1/fair-registrations", headers=demo))["items"]
    assert JUNE_10_FAIR in {r["fair_name"] for r in registrations} and len(registrations) == 2

    programmes = {p["kind"]: p for p in ok(gw.get("/jobs/v1/programmes"))["items"]}

    def prescreen(programme: dict[str, Any], facts: dict[str, Any]) -> dict[str, Any]:
        url = f"/jobs/v1/programmes/{programme['id']}/eligibility"
        problem(gw.post(url, json={"facts": facts}), 401, "unauthenticated")
        answer: dict[str, Any] = ok(gw.post(url, json={"facts": facts}, headers=demo))
        # every rule's result, in the programme's order
        assert [r["rule_id"] for r in answer["rules"]] == [r["id"] for r in programme["rules"]]
        return answer

    rent = prescreen(
        programmes["rent_subsidy"], {"works_in_hohhot": True, "owns_home_in_hohhot": False}
    )
    assert (rent["outcome"], rent["eligible"]) == ("eligible", True)
    assert {r["result"] for r in rent["rules"]} == {"met"}
    assert "graduation_date" in rent["facts_from_graduate_record"]  # from the 2023 record
    grant = prescreen(
        programmes["tech_startup_grant"],
        {"business_registered_in_hohhot": True, "tech_company": False},
    )
    assert grant["outcome"] == "not_eligible"
    assert [r["rule_id"] for r in grant["rules"] if r["result"] == "not_met"] == ["tech_company"]
    # the pre-screen stored nothing
    assert ok(gw.get("/jobs/v1/applications", headers=demo))["items"] == [application]


def test_a_new_graduate_registers_for_a_fair_and_cancels(
    gw: httpx.Client, tokens: DevTokens
) -> None:
    citizen = tokens.headers("citizen-e2e-graduate", "citizen")
    problem(gw.get("/jobs/v1/graduates/me", headers=citizen), 404, "graduate_not_registered")
    total = ok(gw.get("/jobs/v1/retention"))["total"]
    body = {"university": "内蒙古大学", "degree": "master", "graduation_date": "2025-07-01"}
    body |= {"retention": "returned", "employment_status": "employed", "district": "新城区"}
    registered = ok(gw.post("/jobs/v1/graduates", json=body, headers=citizen), 201)
    assert ok(gw.get("/jobs/v1/graduates/me", headers=citizen)) == registered
    assert ok(gw.get("/jobs/v1/retention"))["total"] == total + 1

    fair = ok(gw.get("/jobs/v1/fairs", params={"when": "upcoming"}))["items"][0]
    seat = ok(gw.post(f"/jobs/v1/fairs/{fair['id']}/registrations", headers=citizen), 201)
    assert (seat["fair_id"], seat["status"]) == (fair["id"], "registered")
    assert ok(gw.get(f"/jobs/v1/fairs/{fair['id']}"))["registered"] == fair["registered"] + 1
    mine = ok(gw.get("/jobs/v1/fair-registrations", headers=citizen))["items"]
    assert mine == [seat]
    cancelled = ok(gw.post(f"/jobs/v1/fair-registrations/{seat['id']}/cancel", headers=citizen))
    assert cancelled["status"] == "cancelled" and cancelled["cancelled_at"] is not None
    assert ok(gw.get(f"/jobs/v1/fairs/{fair['id']}"))["seats_left"] == fair["seats_left"]


def test_jobs_staff_publish_a_posting_that_search_finds(
    gw: httpx.Client, tokens: DevTokens
) -> None:
    posting = {
        "employer": "内蒙古青城软件有限公司",
        "title": "网关联调测试专员",
        "category": "technology",
        "district": "赛罕区",
        "salary_min_fen": 600_000,
        "salary_max_fen": 900_000,
        "education": "bachelor",
        "graduate_friendly": True,
        "expires_at": "2099-12-31T18:00:00+08:00",
    }
    citizen = tokens.headers("citizen-e2e-graduate", "citizen")
    problem(gw.post("/jobs/v1/postings", json=posting, headers=citizen), 403, "forbidden")
    staff = tokens.headers("jobs-staff-e2e", "jobs_staff")
    created = ok(gw.post("/jobs/v1/postings", json=posting, headers=staff), 201)
    assert created["open"] and created["title"] == posting["title"]
    found = ok(gw.get("/jobs/v1/postings", params={"q": "联调测试"}))["items"]
    assert [p["id"] for p in found] == [created["id"]]


# --- eldercare ----------------------------------------------------------------------------


def test_eldercare_directory_circles_and_classes(gw: httpx.Client) -> None:
    xingkang, sanshundian = community(gw, "兴康社区"), community(gw, "三顺店社区")
    assert (xingkang["district"], xingkang["street_office"]) == ("赛罕区", "人民路街道")
    assert ("全国示范性老年友好型社区", 2022) in {
        (a["title"], a["year"]) for a in xingkang["awards"]
    }
    assert ok(gw.get(f"/eldercare/v1/communities/{sanshundian['id']}")) == sanshundian
    assert "老年大学" in {p["name"] for p in sanshundian["programmes"]}

    centre = xingkang["centre"]
    near = {"lat": centre["lat"], "lon": centre["lon"], "radius_m": 1000, "limit": 50}
    facilities = ok(gw.get("/eldercare/v1/facilities", params=near))["items"]
    nearest_first(facilities, 1000)
    facility = ok(gw.get(f"/eldercare/v1/facilities/{facilities[0]['id']}"))
    assert facility["name"] == facilities[0]["name"] and facility["community"] == "兴康社区"

    circle = ok(gw.get(f"/eldercare/v1/communities/{xingkang['id']}/circle"))
    assert circle["community"]["name"] == "兴康社区" and circle["complete"] is True
    at_point = ok(
        gw.get(
            "/eldercare/v1/circle",
            params={"lat": centre["lat"], "lon": centre["lon"], "minutes": 15},
        )
    )
    walking = at_point["walking"]
    assert walking["minutes"] == 15 and at_point["missing_essential"] == []
    assert set(at_point["essential_kinds"]) <= {k["kind"] for k in at_point["by_kind"]}
    for kind in at_point["by_kind"]:
        for f in kind["facilities"]:
            expected = f["distance_m"] * walking["detour_factor"] / walking["speed_m_per_min"]
            assert f["walk_minutes"] <= 15 and abs(f["walk_minutes"] - expected) < 0.06

    stats = ok(gw.get("/eldercare/v1/stats"))
    assert len(stats["by_district"]) == 10
    assert stats["totals"]["communities"] == sum(d["communities"] for d in stats["by_district"])
    gap = next(g for d in stats["by_district"] for g in d["communities_with_gaps"])
    gapped = ok(gw.get(f"/eldercare/v1/communities/{gap['id']}/circle"))
    assert (gapped["complete"], gapped["missing_essential"]) == (False, gap["missing"])
    point = gapped["centre"]
    around = ok(gw.get("/eldercare/v1/circle", params={**point, "minutes": 15}))
    assert around["missing_essential"] == gap["missing"]

    params = {"community_id": xingkang["id"], "category": "singing"}
    sessions = ok(gw.get("/eldercare/v1/activities", params=params))["items"]
    assert sessions and {s["title"] for s in sessions} == {SINGING_GROUP}
    assert {s["community_name"] for s in sessions} == {"兴康社区"}
    assert ok(gw.get(f"/eldercare/v1/activities/{sessions[0]['id']}")) == sessions[0]


def test_the_demo_citizen_in_eldercare(gw: httpx.Client, tokens: DevTokens) -> None:
    demo = tokens.headers(DEMO_CITIZEN, "citizen")
    [mum] = ok(gw.get("/eldercare/v1/elders", headers=demo))["items"]
    assert (mum["name"], mum["relation"], mum["age_years"]) == ("王秀英", "family", 82)
    assert mum["lives_alone"] and mum["community_name"] == "三顺店社区"
    care = ok(gw.get("/eldercare/v1/care-requests", headers=demo))["items"]
    assert {(c["care_type"], c["status"]) for c in care} == {
        ("meal", "requested"),
        ("health_check", "completed"),
    }
    [renovation] = ok(gw.get("/eldercare/v1/renovations", headers=demo))["items"]
    assert set(renovation["items"]) == {"bathroom", "handrails"}
    assert renovation["status"] == "assessed"

    stranger = tokens.headers("citizen-e2e-stranger", "citizen")
    problem(gw.get(f"/eldercare/v1/elders/{mum['id']}", headers=stranger), 404, "elder_not_found")
    assert ok(gw.get("/eldercare/v1/elders", headers=stranger))["items"] == []

    li = tokens.headers("elder-li-daniang", "citizen")  # 李大娘, with her own account
    hers = ok(gw.get("/eldercare/v1/activity-registrations", params={"limit": 100}, headers=li))
    assert SINGING_GROUP in {r["title"] for r in hers["items"]}


def test_a_citizen_registers_for_a_class_and_cancels(gw: httpx.Client, tokens: DevTokens) -> None:
    citizen = tokens.headers("citizen-e2e-reader", "citizen")
    xingkang = community(gw, "兴康社区")
    params = {"community_id": xingkang["id"], "category": "reading"}
    sessions = ok(gw.get("/eldercare/v1/activities", params=params))["items"]
    session = next(s for s in sessions if s["seats_left"] > 0)
    url = f"/eldercare/v1/activities/{session['id']}/registrations"
    seat = ok(gw.post(url, json={}, headers=citizen), 201)  # for oneself: no elder_id
    assert (seat["status"], seat["elder_id"]) == ("registered", None)
    assert seat["title"] == "兴康社区读书会"
    taken = ok(gw.get(f"/eldercare/v1/activities/{session['id']}"))
    assert taken["seats_left"] == session["seats_left"] - 1
    assert ok(gw.get("/eldercare/v1/activity-registrations", headers=citizen))["items"] == [seat]
    url = f"/eldercare/v1/activity-registrations/{seat['id']}/cancel"
    assert ok(gw.post(url, headers=citizen))["status"] == "cancelled"
    assert ok(gw.get(f"/eldercare/v1/activities/{session['id']}")) == session


def test_the_staff_round_is_audited_for_the_admin(gw: httpx.Client, tokens: DevTokens) -> None:
    staff_sub = "eldercare-staff-e2e"
    staff = tokens.headers(staff_sub, "eldercare_staff")
    family = tokens.headers("citizen-e2e-family", "citizen")
    national_id = id_number("15010519450815003")
    father = ok(
        gw.post(
            "/eldercare/v1/elders",
            json={"name": "张德福", "birth_date": "1945-08-15", "id_number": national_id},
            headers=family,
        ),
        201,
    )
    assert father["id_number_masked"] == national_id[:4] + "*" * 10 + national_id[-4:]

    def at_risk() -> list[dict[str, Any]]:
        items: list[dict[str, Any]] = ok(
            gw.get("/eldercare/v1/at-risk", params={"limit": 100}, headers=staff)
        )["items"]
        waits = [
            float("inf") if e["days_since_visit"] is None else e["days_since_visit"] for e in items
        ]
        assert waits == sorted(waits, reverse=True)  # the longest unvisited first
        return items

    demo = tokens.headers(DEMO_CITIZEN, "citizen")
    [mum] = ok(gw.get("/eldercare/v1/elders", headers=demo))["items"]
    before = by_name(at_risk(), mum["id"], key="elder_id")
    assert (before["days_since_visit"], before["reasons"]) == (12, ["aged_living_alone"])
    assert ok(gw.get(f"/eldercare/v1/elders/{father['id']}", headers=staff))["name"] == "张德福"
    visit = {"visitor_name": "社工小刘", "outcome": "completed", "notes": "血压平稳"}
    logged = ok(gw.post(f"/eldercare/v1/elders/{mum['id']}/visits", json=visit, headers=staff), 201)
    assert (logged["visitor_sub"], logged["outcome"]) == (staff_sub, "completed")
    after = by_name(at_risk(), mum["id"], key="elder_id")
    assert (after["days_since_visit"], after["overdue"]) == (0, False)

    problem(gw.get("/eldercare/v1/audit", headers=staff), 403, "forbidden")
    admin = tokens.headers("admin-e2e", "admin")
    audit = gw.get(
        "/eldercare/v1/audit", params={"actor_sub": staff_sub, "limit": 100}, headers=admin
    )
    rows = ok(audit)["items"]
    seen = {(r["action"], r["resource"]) for r in rows}
    assert {
        ("read_at_risk", f"elder/{mum['id']}"),
        ("read_elder", f"elder/{father['id']}"),
        ("log_visit", f"elder/{mum['id']}"),
    } <= seen
    assert all(r["actor_sub"] == staff_sub and r["purpose"] for r in rows)
    assert all(r["actor_roles"] == ["eldercare_staff"] for r in rows)
    assert not NATIONAL_ID.search(audit.text) and national_id not in audit.text


# --- the gateway's own answers --------------------------------------------------------------


def test_the_demo_citizens_complete_view(gw: httpx.Client, tokens: DevTokens) -> None:
    answer = gw.get("/wellbeing/v1/me", headers=tokens.headers(DEMO_CITIZEN, "citizen"))
    view = ok(answer)
    assert answer.headers["cache-control"] == "no-store"
    assert view["sub"] == DEMO_CITIZEN and view["complete"] is True
    assert {view[s]["status"] for s in ("childcare", "jobs", "eldercare")} == {"ok"}

    childcare = view["childcare"]["data"]
    assert {c["name"] for c in childcare["children"]} == {"小满", "小禾"}
    assert {
        (e["child_name"], e["institution_name"], e["status"], e["waitlist_position"])
        for e in childcare["enrollments"]
    } == {
        ("小满", "抱抱熊托育中心（金地家园）", "enrolled", None),
        ("小禾", "抱抱熊托育园", "waitlisted", 3),
    }

    jobs = view["jobs"]["data"]
    assert jobs["graduate"]["university"] == "内蒙古财经大学"
    assert [(a["programme_name"], a["status"]) for a in jobs["applications"]] == [
        ("高校毕业生租房补贴", "approved")
    ]
    assert JUNE_10_FAIR in {r["fair_name"] for r in jobs["fair_registrations"]}

    eldercare = view["eldercare"]["data"]
    [mum] = eldercare["elders"]
    assert (mum["name"], mum["relation"]) == ("王秀英", "family")
    assert "专家讲座：慢性病预防" in {a["title"] for a in eldercare["activities"]}
    assert [c["care_type"] for c in eldercare["care_requests"]] == ["meal"]  # open ones only
    assert [r["status"] for r in eldercare["renovations"]] == ["assessed"]


def test_districts_are_complete_and_agree_with_the_services(gw: httpx.Client) -> None:
    districts = ok(gw.get("/wellbeing/v1/districts"))
    assert districts["complete"] is True and len(districts["items"]) == 10
    jobs = {d["district"]: d for d in ok(gw.get("/jobs/v1/stats"))["by_district"]}
    eldercare = {d["district"]: d for d in ok(gw.get("/eldercare/v1/stats"))["by_district"]}
    for item in districts["items"]:
        assert {item[s]["status"] for s in ("childcare", "jobs", "eldercare")} == {"ok"}
        name = item["district"]
        assert item["jobs"]["data"]["stations"] == jobs[name]["stations"]
        assert item["eldercare"]["data"]["facilities"] == eldercare[name]["facilities"]
    assert sum(i["jobs"]["data"]["stations"] for i in districts["items"]) >= 140


@pytest.mark.parametrize("path", ["/jobs/v1/programmes", "/wellbeing/v1/districts/saihan"])
def test_head_through_the_gateway_is_the_get_without_its_body(gw: httpx.Client, path: str) -> None:
    def headers(response: httpx.Response) -> dict[str, str]:
        return {k: v for k, v in response.headers.items() if k not in ("date", "x-request-id")}

    got, head = gw.get(path), gw.head(path)
    assert (got.status_code, head.status_code) == (200, 200)
    assert head.content == b"" and got.content
    assert headers(head) == headers(got)


def _rs256_token(tokens: DevTokens) -> str:
    """Well formed, right issuer and audience, unexpired — signed with a key nobody trusts,
    in an algorithm the platform's key does not use."""
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    now = int(time.time())
    claims = {
        "sub": "citizen-rs256",
        "roles": ["citizen"],
        "iss": tokens.auth.jwt_issuer,
        "aud": tokens.auth.jwt_audience,
        "iat": now,
        "exp": now + 600,
    }
    return jwt.encode(claims, key, algorithm="RS256")


def test_an_rs256_token_is_refused_through_the_gateway_as_at_the_service(
    gw: httpx.Client, platform: Platform, tokens: DevTokens
) -> None:
    bad = {"Authorization": f"Bearer {_rs256_token(tokens)}"}
    for path in ("/wellbeing/v1/me", "/eldercare/v1/elders", "/jobs/v1/graduates/me"):
        refused = gw.get(path, headers=bad)
        problem(refused, 401, "invalid_token")
        assert refused.headers["www-authenticate"].startswith("Bearer")
    # public reads too: a token that is sent is verified, and one that cannot be is a 401
    public = "/jobs/v1/programmes"
    assert ok(gw.get(public))["items"]
    through = problem(gw.get(public, headers=bad), 401, "invalid_token")
    direct_url = f"http://127.0.0.1:{platform.ports['jobs']}{public}"
    direct = problem(httpx.get(direct_url, headers=bad, timeout=15), 401, "invalid_token")
    assert through == direct
