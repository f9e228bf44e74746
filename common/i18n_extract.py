"""The message catalogues kept in step with the code (`make messages`).

Every English text a client can read is a msgid: the first argument of `t("…")` and `N_("…")`,
and an error class's `message=` / `title=` template (`class X(NotFound, message="…")`, or the
`message`/`title` a class body assigns). `python -m common.i18n_extract` finds them all in
`common/`, `gateway/` and `services/` and rewrites `common/locales/*/LC_MESSAGES/messages.po`:
new msgids are added (the English catalogue with the msgid as its text, the Chinese one
empty, for a translator), msgids no code uses any more are dropped, translations kept.

`--merge FILE.po …` first takes the translations of other `.po` files (a helper's pending
file, a translator's answer) into the Chinese catalogue; `--check` changes nothing and fails
when a catalogue is out of step or a Chinese text is missing (what the test suite asserts too).
"""

from __future__ import annotations

import argparse
import ast
import sys
from collections.abc import Iterable, Iterator
from pathlib import Path
from string import Formatter

from babel.messages.catalog import Catalog
from babel.messages.pofile import read_po, write_po

from common.i18n import LANGS, Lang, catalogue_path

ROOT = Path(__file__).resolve().parent.parent
SOURCES = ("common", "gateway", "services")
_CALLS = {"t", "N_"}
_TEMPLATES = {"message", "title"}


def _text(node: ast.expr | None) -> str | None:
    # adjacent literals ("a " "b") are one Constant in the tree
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value
    return None


def _texts_of(tree: ast.AST) -> Iterator[tuple[str, int]]:
    for node in ast.walk(tree):
        if isinstance(node, ast.Call) and node.args:
            func = node.func
            name = func.id if isinstance(func, ast.Name) else None
            if name in _CALLS and (text := _text(node.args[0])) is not None:
                yield text, node.lineno
        elif isinstance(node, ast.ClassDef):
            for keyword in node.keywords:
                if keyword.arg in _TEMPLATES and (text := _text(keyword.value)) is not None:
                    yield text, keyword.value.lineno
            for statement in node.body:
                target: ast.expr
                value: ast.expr | None
                if isinstance(statement, ast.AnnAssign):
                    target, value = statement.target, statement.value
                elif isinstance(statement, ast.Assign) and len(statement.targets) == 1:
                    target, value = statement.targets[0], statement.value
                else:
                    continue
                if (
                    isinstance(target, ast.Name)
                    and target.id in _TEMPLATES
                    and (text := _text(value)) is not None
                ):
                    yield text, statement.lineno


def source_files(root: Path = ROOT) -> Iterator[Path]:
    for top in SOURCES:
        yield from sorted((root / top).rglob("*.py"))


def extract(files: Iterable[Path] | None = None, root: Path = ROOT) -> dict[str, list[str]]:
    """msgid → the files that use it, in the order first met."""
    found: dict[str, list[str]] = {}
    for path in files if files is not None else source_files(root):
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
        for text, _ in _texts_of(tree):
            where = found.setdefault(text, [])
            relative = str(path.relative_to(root))
            if relative not in where:
                where.append(relative)
    return found


def placeholders(text: str) -> set[str]:
    """The `{name}` fields of a text, as `str.format` sees them (conversion and spec included,
    so `{id!r}` must stay `{id!r}` in a translation)."""
    fields = set()
    for _, name, spec, conversion in Formatter().parse(text):
        if name is not None:
            fields.add(
                name + (f"!{conversion}" if conversion else "") + (f":{spec}" if spec else "")
            )
    return fields


def read(lang: Lang) -> Catalog:
    path = catalogue_path(lang)
    if not path.exists():
        return Catalog(locale=path.parent.parent.name)
    with path.open("rb") as file:
        return read_po(file, locale=path.parent.parent.name)


def read_file(path: Path) -> Catalog:
    with path.open("rb") as file:
        return read_po(file)


def updated(lang: Lang, found: dict[str, list[str]], extra: Iterable[Catalog] = ()) -> Catalog:
    """The language's catalogue holding exactly the msgids `found`, its translations kept and
    those of `extra` catalogues filling what it lacks."""
    old = read(lang)
    known = {str(m.id): str(m.string) for m in old if m.id and m.string}
    if lang != "en":
        for other in extra:
            for message in other:
                if message.id and message.string and not known.get(str(message.id)):
                    known[str(message.id)] = str(message.string)
    new = Catalog(
        locale=old.locale,
        project="hohhot-wellbeing",
        msgid_bugs_address="",
        header_comment="# The human text of the Hohhot wellbeing API. Kept by `make messages`.",
        fuzzy=False,
        # kept from the file: a run that changes no text changes no line
        creation_date=old.creation_date,
        revision_date=old.revision_date,
    )
    for msgid, files in found.items():
        text = known.get(msgid) or (msgid if lang == "en" else "")
        new.add(msgid, text, locations=[(file, 0) for file in files])
    return new


def _write(catalog: Catalog, path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("wb") as file:
        write_po(file, catalog, width=100, include_lineno=False, omit_header=False)


def problems(found: dict[str, list[str]]) -> list[str]:
    """What is wrong with the catalogues as they are on disk, in words."""
    wrong = []
    for lang in LANGS:
        texts = {str(m.id): str(m.string) for m in read(lang) if m.id}
        missing = [msgid for msgid in found if msgid not in texts]
        if missing:
            wrong.append(f"{lang}: {len(missing)} msgids not in the catalogue, e.g. {missing[0]!r}")
        for msgid in found:
            text = texts.get(msgid)
            if msgid in texts and not text:
                wrong.append(f"{lang}: no text for {msgid!r}")
            elif text and placeholders(text) != placeholders(msgid):
                wrong.append(f"{lang}: placeholders differ for {msgid!r}: {text!r}")
    return wrong


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--merge", nargs="*", type=Path, default=[], help="take translations")
    parser.add_argument("--check", action="store_true", help="change nothing; fail if stale")
    args = parser.parse_args(argv)
    found = extract()
    if args.check:
        wrong = problems(found)
        print("\n".join(wrong) or f"{len(found)} msgids, every one in zh-CN and en")
        return 1 if wrong else 0
    extra = [read_file(path) for path in args.merge]
    for lang in LANGS:
        catalog = updated(lang, found, extra)
        _write(catalog, catalogue_path(lang))
        untranslated = sum(1 for m in catalog if m.id and not m.string)
        print(
            f"{catalogue_path(lang).relative_to(ROOT)}: {len(found)} msgids, "
            f"{untranslated} without text"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
