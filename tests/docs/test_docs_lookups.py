"""The guides never hard-code an id: they find a record by name first (`curl … | jq 'select(.name
== "…")'`, or a `q=` search). Every name they look up must be one the demo data loads, or the
example breaks for whoever pastes it; the demo's generators are read directly (no server)."""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path

from services.childcare.demo_data import institutions
from services.eldercare.demo_people import elders
from services.eldercare.demo_places import communities
from services.jobs.demo_data import fairs, postings
from services.jobs.demo_programmes import PROGRAMMES

ROOT = Path(__file__).resolve().parents[2]
GUIDES = sorted([ROOT / "README.md", *(ROOT / "docs").rglob("*.md")])

EXACT = re.compile(r'select\(\.name == "([^"]+)"\)')
SUFFIX = re.compile(r'select\(\.name \| endswith\("([^"]+)"\)\)')
SEARCH = re.compile(r"--data-urlencode 'q=([^']+)'")
# made by a staff step of the childcare guide itself before it is looked up
CREATED_IN_THE_GUIDE = {"小树苗托育园"}


def _demo_names() -> set[str]:
    today = date.today()
    places = communities()
    return (
        {i.name for i in institutions()}
        | {str(p["name"]) for p in PROGRAMMES}
        | {str(f["name"]) for f in fairs(today)}
        | {str(p["title"]) for p in postings(today)}
        | {c.name for c in places}
        | {e.name for e in elders(today, places)}
    )


def _looked_up() -> dict[str, set[str]]:
    texts = [path.read_text(encoding="utf-8") for path in GUIDES]
    return {
        "exact": {m for text in texts for m in EXACT.findall(text)},
        "suffix": {m for text in texts for m in SUFFIX.findall(text)},
        "search": {m for text in texts for m in SEARCH.findall(text)},
    }


def test_the_guides_look_records_up_by_name() -> None:
    looked_up = _looked_up()

    assert {"高校毕业生租房补贴", "三顺店社区", "王秀英"} <= looked_up["exact"]
    assert "高校毕业生专场招聘会" in looked_up["suffix"]
    assert {"赛罕嘟嘟职工托育园", "赛罕彩虹托育园"} <= looked_up["search"]


def test_every_name_the_guides_look_up_is_in_the_demo_data() -> None:
    names = _demo_names()
    looked_up = _looked_up()

    missing = sorted(
        (
            {n for n in looked_up["exact"] if n not in names}
            | {s for s in looked_up["suffix"] if not any(n.endswith(s) for n in names)}
            | {q for q in looked_up["search"] if not any(q in n for n in names)}
        )
        - CREATED_IN_THE_GUIDE
    )

    assert missing == []
