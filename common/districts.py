"""Hohhot's county-level divisions (旗县区), the names every service and the gateway share."""

from __future__ import annotations

from enum import StrEnum


class District(StrEnum):
    xincheng = "新城区"
    huimin = "回民区"
    yuquan = "玉泉区"
    saihan = "赛罕区"
    tumote_zuoqi = "土默特左旗"
    tuoketuo = "托克托县"
    helingeer = "和林格尔县"
    qingshuihe = "清水河县"
    wuchuan = "武川县"
    economic_development_zone = "经济技术开发区"


# Rough WGS-84 centres, used to place generated demo records plausibly inside each district.
DISTRICT_CENTRES: dict[District, tuple[float, float]] = {
    District.xincheng: (40.8636, 111.6934),
    District.huimin: (40.8090, 111.6244),
    District.yuquan: (40.7526, 111.6746),
    District.saihan: (40.7940, 111.7330),
    District.tumote_zuoqi: (40.7270, 111.1480),
    District.tuoketuo: (40.2770, 111.1940),
    District.helingeer: (40.3790, 111.8220),
    District.qingshuihe: (39.9210, 111.6470),
    District.wuchuan: (41.0960, 111.4510),
    District.economic_development_zone: (40.8300, 111.7900),
}
