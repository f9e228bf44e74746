from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from common.errors import BadRequest
from common.geo import (
    CoordSys,
    bd09_to_gcj02,
    from_wgs84,
    gcj02_to_bd09,
    gcj02_to_wgs84,
    haversine_m,
    to_wgs84,
    wgs84_to_gcj02,
)
from common.pagination import CursorCodec
from common.personal_data import id_number_hash, is_valid_id_number, mask_id_number

hohhot_lat = st.floats(min_value=39.5, max_value=41.5)
hohhot_lon = st.floats(min_value=110.5, max_value=112.5)


def test_cursor_round_trips_and_refuses_tampering_and_other_filters() -> None:
    codec = CursorCodec("k")
    cursor = codec.encode([12.5, 7], scope="district=新城区")

    assert codec.decode(cursor, scope="district=新城区") == [12.5, 7]
    with pytest.raises(BadRequest) as other:
        codec.decode(cursor, scope="district=回民区")
    assert other.value.code == "invalid_cursor"
    with pytest.raises(BadRequest):
        codec.decode(
            cursor[:-2] + ("A" if cursor[-2] != "A" else "B") + cursor[-1], scope="district=新城区"
        )
    with pytest.raises(BadRequest):
        CursorCodec("other-key").decode(cursor, scope="district=新城区")


def test_gcj02_offset_in_hohhot_is_a_few_hundred_metres() -> None:
    glat, glon = wgs84_to_gcj02(40.84, 111.75)
    assert 100 < haversine_m(40.84, 111.75, glat, glon) < 1000


# Reference points of the published algorithm, as the widely used gcoord library's own tests state
# them (hujiulong/gcoord, test/unit/crs/{WGS84,GCJ02,BD09}.spec.ts) at lon 123, lat 45. A round
# trip cannot catch a wrong constant (it cancels out); these do.
REFERENCE = [
    # (conversion, input (lat, lon), expected (lat, lon), tolerance in degrees)
    (wgs84_to_gcj02, (45.0, 123.0), (45.00197815, 123.00607541), 1e-7),
    (gcj02_to_bd09, (45.0, 123.0), (45.00636899, 123.00636499), 1e-7),
    (bd09_to_gcj02, (45.0, 123.0), (44.99365430, 122.99363304), 1e-7),
    (
        lambda lat, lon: from_wgs84(lat, lon, CoordSys.bd09),
        (45.0, 123.0),
        (45.0083293, 123.0124491),
        1e-6,
    ),
    # gcoord inverts GCJ-02 by its own approximation; the two agree to gcoord's tolerance
    (gcj02_to_wgs84, (45.0, 123.0), (44.99804071, 122.99395597), 5e-6),
    (
        lambda lat, lon: to_wgs84(lat, lon, CoordSys.bd09),
        (45.0, 123.0),
        (44.99171540, 122.98762210),
        5e-6,
    ),
]


@pytest.mark.parametrize(("convert", "given_point", "expected", "tolerance"), REFERENCE)
def test_coordinate_conversions_match_the_published_reference_points(
    convert: Any, given_point: tuple[float, float], expected: tuple[float, float], tolerance: float
) -> None:
    lat, lon = convert(*given_point)
    assert abs(lat - expected[0]) < tolerance
    assert abs(lon - expected[1]) < tolerance


@given(hohhot_lat, hohhot_lon)
def test_coordinate_systems_round_trip_within_a_metre(lat: float, lon: float) -> None:
    for sys in CoordSys:
        back = to_wgs84(*from_wgs84(lat, lon, sys), sys)
        assert haversine_m(lat, lon, *back) < 1.0
    g = wgs84_to_gcj02(lat, lon)
    assert haversine_m(lat, lon, *gcj02_to_wgs84(*g)) < 0.5
    assert haversine_m(*g, *bd09_to_gcj02(*gcj02_to_bd09(*g))) < 1.0


def test_national_id_is_hashed_with_a_key_and_masked() -> None:
    valid = "11010519491231002X"
    assert is_valid_id_number(valid)
    assert not is_valid_id_number("110105194912310021")
    assert mask_id_number(valid) == "1101**********002X"
    assert id_number_hash(valid, "a") != id_number_hash(valid, "b")
    assert id_number_hash(valid.lower(), "a") == id_number_hash(valid, "a")
