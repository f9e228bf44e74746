"""What the docs say holds for whoever pastes it: every example URL is URL-encoded (a raw
Chinese character in a pasted URL gets a plain-text 400 from the server), and the docs give one
figure for how long Idempotency-Keys are kept, the one the code enforces."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from pydantic import ValidationError

from common.settings import ServiceSettings

ROOT = Path(__file__).resolve().parents[2]
DOCS = sorted([ROOT / "README.md", *(ROOT / "docs").rglob("*.md")])

# an API path or an absolute URL, up to whitespace, a backtick, a quote, a bracket or a pipe
URL = re.compile(r"(?:https?://|/(?:childcare|jobs|eldercare|wellbeing)/v1/)[^\s`'\"()<>\[\]|]*")
# `…` standing for a whole path segment ("/childcare/v1/…") is prose, not a URL to paste
ELIDED_SEGMENT = re.compile(r"/…$")
# a query parameter shown on its own (`q=抱抱熊`) is pasted as well: CJK in its value (unless
# curl is told to encode it)
CJK_PARAMETER = re.compile(
    r"(?<!--data-urlencode ')\b[a-z_]+=[^\s`'\"&,;()]*[\u3000-\u9fff\uff00-\uffef]"
)


def _unencoded(text: str) -> list[tuple[int, str]]:
    found = []
    for number, line in enumerate(text.splitlines(), start=1):
        urls = [m.group().rstrip(".,;:") for m in URL.finditer(line)]
        found += [(number, u) for u in urls if not ELIDED_SEGMENT.sub("", u).isascii()]
        found += [(number, m.group()) for m in CJK_PARAMETER.finditer(line)]
    return found


def test_the_docs_are_found() -> None:
    names = {path.relative_to(ROOT).as_posix() for path in DOCS}
    assert {"README.md", "docs/api/README.md", "docs/api/jobs.md", "docs/FACTS.md"} <= names


def test_every_url_in_the_docs_is_url_encoded() -> None:
    raw = [
        f"{path.relative_to(ROOT)}:{number}: {url}"
        for path in DOCS
        for number, url in _unencoded(path.read_text(encoding="utf-8"))
    ]
    assert raw == [], "URL-encode these (urllib.parse.quote):\n" + "\n".join(raw)


def test_the_scan_catches_raw_chinese_and_passes_encoded_and_elided() -> None:
    sample = (
        "GET /jobs/v1/postings?q=工程师&limit=2\n"
        "GET /jobs/v1/postings?q=%E5%B7%A5%E7%A8%8B%E5%B8%88&limit=2 (q=%E5%B7%A5 is fine)\n"
        "paths start /childcare/v1/…; search with `q=抱抱熊`\n"
        "curl -G --data-urlencode 'q=抱抱熊' http://127.0.0.1:8000/childcare/v1/institutions\n"
    )
    assert _unencoded(sample) == [
        (1, "/jobs/v1/postings?q=工程师&limit=2"),
        (1, "q=工程师"),
        (3, "q=抱抱熊"),
    ]


def test_one_idempotency_retention_figure_the_one_the_code_enforces() -> None:
    field = ServiceSettings.model_fields["idempotency_retention_hours"]
    floor = next(m.ge for m in field.metadata if hasattr(m, "ge"))
    said = {
        f"{path.relative_to(ROOT)}: {match.group()}"
        for path in [*DOCS, ROOT / "common" / "idempotency.py"]  # the OpenAPI's header text
        for match in re.finditer(
            r"[Kk]eys are kept[^.]*?(\d+)\s*h(?:ours)?\b", path.read_text(encoding="utf-8")
        )
    }
    figures = {re.search(r"(\d+)\s*h(?:ours)?\b$", s).group(1) for s in said}  # type: ignore[union-attr]
    assert len(said) >= 4, "the guides and the OpenAPI say how long Idempotency-Keys are kept"
    assert figures == {str(floor)}, said
    assert all("at least" in s for s in said), said
    assert field.default == 48 and floor == 24
    with pytest.raises(ValidationError):  # no deployment keeps them shorter than the docs say
        ServiceSettings(idempotency_retention_hours=floor - 1)
