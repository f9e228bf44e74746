"""`Accept-Language` negotiation: zh-CN first, en on request, q-values honoured."""

from __future__ import annotations

import pytest

from common.i18n import negotiate, t


@pytest.mark.parametrize(
    ("header", "lang"),
    [
        (None, "zh-CN"),
        ("", "zh-CN"),
        ("en", "en"),
        ("en-US,en;q=0.9", "en"),
        ("zh-CN,zh;q=0.9,en;q=0.8", "zh-CN"),
        ("zh-Hans-CN", "zh-CN"),
        ("fr-FR, en;q=0.5", "en"),
        ("fr-FR, de", "zh-CN"),
        ("en;q=0.3, zh;q=0.7", "zh-CN"),
        ("zh;q=0, en", "en"),
        ("en;q=abc, zh", "zh-CN"),
        ("*", "zh-CN"),
    ],
)
def test_the_best_language_we_speak_or_chinese(header: str | None, lang: str) -> None:
    assert negotiate(header) == lang


def test_placeholders_are_filled_after_the_lookup() -> None:
    assert t("Child {id} does not exist.", "en", id=7) == "Child 7 does not exist."
