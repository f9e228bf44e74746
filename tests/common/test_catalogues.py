"""The message catalogues (common/locales): every English text the code can show has a Chinese
text with the same placeholders, and the catalogues are in step with the code (`make messages`)."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from common.i18n import LANGS, catalogue, t, translate
from common.i18n_extract import extract, main, placeholders, problems, read


def test_every_text_in_the_code_has_chinese_and_english_with_the_same_placeholders() -> None:
    found = extract()
    assert len(found) > 150  # the extractor sees the code's texts, not nothing
    assert problems(found) == []


def test_the_catalogues_hold_no_text_the_code_no_longer_uses() -> None:
    found = set(extract())
    for lang in LANGS:
        assert {str(m.id) for m in read(lang) if m.id} == found, lang


def test_check_fails_on_a_new_english_text_without_chinese(tmp_path: Path) -> None:
    source = tmp_path / "services" / "new.py"
    source.parent.mkdir()
    source.write_text('from common.i18n import t\nX = t("A text nobody translated yet.")\n')
    found = {**extract(), **extract([source], root=tmp_path)}
    assert any("A text nobody translated yet." in line for line in problems(found))


def test_the_extractor_finds_calls_templates_and_titles(tmp_path: Path) -> None:
    source = tmp_path / "errors.py"
    source.write_text(
        "class A(NotFound, code='a', message='A {id} is gone.', title='Gone'): ...\n"
        "class B(Base):\n    message: ClassVar[str] = 'B default.'\n"
        "x = t('Called ' 'in two parts {n}.', n=1)\ny = N_('Marked.')\nz = f('not ours')\n"
    )
    assert list(extract([source], root=tmp_path)) == [
        "A {id} is gone.",
        "Gone",
        "B default.",
        "Called in two parts {n}.",
        "Marked.",
    ]


@pytest.mark.parametrize(
    ("text", "fields"),
    [("{id} and {id}", {"id"}), ("{x!r}: {y:.5f}", {"x!r", "y:.5f"}), ("{{literal}}", set())],
)
def test_placeholders_keep_conversion_and_spec(text: str, fields: set[str]) -> None:
    assert placeholders(text) == fields


def test_a_translation_is_looked_up_then_filled() -> None:
    assert t("Child {id} does not exist.", "zh-CN", id=7) == "儿童 7 不存在。"
    assert t("Child {id} does not exist.", "en", id=7) == "Child 7 does not exist."
    # a value is never translated, and never decides the lookup
    assert t("Child {id} does not exist.", "zh-CN", id="Not found") == "儿童 Not found 不存在。"
    assert translate("A text no catalogue has.", "zh-CN") == "A text no catalogue has."


def test_the_catalogues_are_read_from_the_po_files_as_shipped() -> None:
    # no compiled .mo is needed on a fresh machine: the .po is the source read at import
    zh = catalogue("zh-CN")
    assert zh["Not found"] == "未找到"
    assert all(text for text in zh.values())


def test_make_messages_check_passes_on_the_repository(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--check"]) == 0
    assert "every one in zh-CN and en" in capsys.readouterr().out


def _problem_classes() -> set[str]:
    import services.childcare.main
    import services.eldercare.main
    import services.jobs.main  # noqa: F401  (every error class of the code is defined)
    from common.errors import ProblemError

    names, todo = set(), [ProblemError]
    while todo:
        cls = todo.pop()
        names.add(cls.__name__)
        todo.extend(cls.__subclasses__())
    return names


def test_every_error_class_raised_with_a_text_uses_the_catalogue() -> None:
    """No raise of a problem with a bare English string or f-string: its text is `t("…")`."""
    problem_classes = _problem_classes()
    bare = []
    for path in extract.__globals__["source_files"]():
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Raise) and isinstance(node.exc, ast.Call) and node.exc.args:
                first = node.exc.args[0]
                # `(A if x else B)("…")` counts as a problem too
                name = getattr(node.exc.func, "id", getattr(node.exc.func, "attr", "ProblemError"))
                # a literal, an f-string, or one built with `+` from them
                plain = any(
                    isinstance(part, ast.JoinedStr)
                    or (isinstance(part, ast.Constant) and isinstance(part.value, str))
                    for part in ast.walk(first)
                    if not isinstance(first, ast.Call)
                )
                if plain and name in problem_classes:
                    bare.append(f"{path}:{node.lineno} {name}")
    assert bare == []
