"""`/wellbeing/v1/districts`: figures of all three services per district, cached briefly, the
last good figures served `stale` when a service fails, warmed at start-up."""

from __future__ import annotations

from urllib.parse import quote

from common.districts import District
from tests.gateway.backends import NOW, stats
from tests.gateway.conftest import GatewayFactory, dead_url, set_modes

SERVICES = ("childcare", "jobs", "eldercare")


def _urls(contract_url: str, **replaced: str) -> dict[str, str]:
    return {f"{s}_url": replaced.get(s, contract_url) for s in SERVICES}


async def test_every_district_with_the_figures_of_all_three_services(
    make_gateway: GatewayFactory, contract_url: str
) -> None:
    await set_modes(contract_url)
    async with make_gateway(**_urls(contract_url), startup_warm_seconds=0) as gw:
        r = await gw.get("/wellbeing/v1/districts")

    assert r.status_code == 200, r.text
    body = r.json()
    assert body["complete"] is True
    assert [i["district"] for i in body["items"]] == [d.value for d in District]
    assert [i["key"] for i in body["items"]] == [d.name for d in District]
    saihan = next(i for i in body["items"] if i["key"] == "saihan")
    assert saihan["childcare"]["status"] == "ok" and saihan["childcare"]["age_seconds"] is None
    assert saihan["childcare"]["as_of"] == NOW
    # saihan is the 4th district: figures (4 * 10 + generation) from the backend
    generation = saihan["childcare"]["data"]["institutions"] - 40
    expected = stats("childcare", generation)["by_district"][3]
    assert saihan["childcare"]["data"] == {
        k: expected[k]
        for k in ("institutions", "slots", "vacancies", "population", "slots_per_1000")
    } | {"meets_target": True}
    assert saihan["jobs"]["data"]["stations"] == 3
    assert saihan["jobs"]["data"]["graduates"] == (40 + generation) * 100
    assert saihan["eldercare"]["data"]["circle_coverage"] == 0.75
    assert saihan["eldercare"]["data"]["open_care_requests"] == 40 + generation


async def test_one_district_by_chinese_or_api_name_and_unknown_is_404(
    make_gateway: GatewayFactory, contract_url: str
) -> None:
    await set_modes(contract_url)
    async with make_gateway(**_urls(contract_url), stats_cache_seconds=60) as gw:
        by_key = await gw.get("/wellbeing/v1/districts/xincheng")
        by_name = await gw.get(f"/wellbeing/v1/districts/{quote('新城区')}")
        unknown = await gw.get("/wellbeing/v1/districts/atlantis")

    assert by_key.status_code == 200 and by_key.json()["district"] == "新城区"
    assert by_key.json() == by_name.json()
    assert unknown.status_code == 404
    assert unknown.headers["content-type"] == "application/problem+json"
    assert unknown.json()["code"] == "district_not_found"
    assert "xincheng" in unknown.json()["detail"]


async def test_a_failing_service_is_served_stale_with_its_age(
    make_gateway: GatewayFactory, contract_url: str
) -> None:
    await set_modes(contract_url)
    async with make_gateway(**_urls(contract_url), startup_warm_seconds=0) as gw:
        good = (await gw.get("/wellbeing/v1/districts/saihan")).json()
        await set_modes(contract_url, jobs="not_found", eldercare="slow")
        later = await gw.get("/wellbeing/v1/districts/saihan")
        # the same reading in English: another representation, so another ETag (the Chinese
        # one's tag does not revalidate it)
        english = await gw.get(
            "/wellbeing/v1/districts/saihan",
            headers={"Accept-Language": "en", "If-None-Match": later.headers["etag"]},
        )

    assert later.status_code == 200
    view = later.json()
    assert view["complete"] is False
    assert view["childcare"]["status"] == "ok"
    for service in ("jobs", "eldercare"):
        assert view[service]["status"] == "stale"
        assert view[service]["data"] == good[service]["data"]
        assert view[service]["as_of"] == good[service]["as_of"]
        # the age of the gateway's copy (read a moment ago), not of the service's `as_of`
        # (NOW, hours or years back)
        assert 0 <= view[service]["age_seconds"] <= 30
        assert view[service]["detail"]
    assert view["eldercare"]["detail"] == "eldercare 未及时应答"  # zh-CN, the default
    assert later.headers["content-language"] == "zh-CN"
    assert "Accept-Language" in later.headers["vary"]
    assert english.status_code == 200 and english.headers["content-language"] == "en"
    assert english.json()["eldercare"]["detail"] == "eldercare did not answer in time"
    assert english.json()["eldercare"]["data"] == view["eldercare"]["data"]
    assert english.headers["etag"] != later.headers["etag"]


async def test_a_service_never_read_is_unavailable_not_empty(
    make_gateway: GatewayFactory, contract_url: str
) -> None:
    await set_modes(contract_url, childcare="garbage")
    async with make_gateway(**_urls(contract_url, jobs=dead_url())) as gw:
        r = await gw.get("/wellbeing/v1/districts/wuchuan")

    view = r.json()
    assert r.status_code == 200
    assert (view["jobs"]["status"], view["jobs"]["data"]) == ("unavailable", None)
    assert (view["childcare"]["status"], view["childcare"]["data"]) == ("error", None)
    assert view["eldercare"]["status"] == "ok"


async def test_figures_are_cached_for_the_configured_time(
    make_gateway: GatewayFactory, contract_url: str
) -> None:
    await set_modes(contract_url)
    async with make_gateway(**_urls(contract_url), stats_cache_seconds=60) as gw:
        first = (await gw.get("/wellbeing/v1/districts/huimin")).json()
        await set_modes(contract_url)  # the backend's figures change now
        second = (await gw.get("/wellbeing/v1/districts/huimin")).json()

    assert second == first


async def test_the_cache_is_warmed_at_start_up(
    make_gateway: GatewayFactory, contract_url: str
) -> None:
    await set_modes(contract_url)
    async with make_gateway(**_urls(contract_url), startup_warm_seconds=2) as gw:
        # the services break before the first caller comes: the warmed figures are served
        await set_modes(contract_url, childcare="crash", jobs="crash", eldercare="crash")
        r = await gw.get("/wellbeing/v1/districts")

    items = r.json()["items"]
    assert {i["childcare"]["status"] for i in items} == {"stale"}
    assert all(i["jobs"]["data"] is not None for i in items)
