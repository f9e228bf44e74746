"""What a kind of notification says: its title and body as English msgids with `{param}`
placeholders (translated by `common.i18n.t` in the reader's language when shown or pushed), and
whether it may be pushed at night."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from common.i18n import LANGS, Lang, t


@dataclass(frozen=True)
class Kind:
    name: str  # `childcare.offer_made`: stable, never translated (the CloudEvent type's tail)
    title: str
    body: str
    # an offer waits for nobody: it is pushed at any hour; everything else waits for 07:00
    urgent: bool = False


class _Lenient(dict[str, Any]):
    def __missing__(self, key: str) -> str:
        return "{" + key + "}"


@dataclass(frozen=True)
class Text:
    title: str
    body: str


class Catalog:
    """A service's kinds by name."""

    def __init__(self, kinds: Iterable[Kind]) -> None:
        self._kinds = {k.name: k for k in kinds}

    def __getitem__(self, name: str) -> Kind:
        return self._kinds[name]

    def __contains__(self, name: object) -> bool:
        return name in self._kinds

    @property
    def names(self) -> list[str]:
        return sorted(self._kinds)

    @property
    def urgent(self) -> list[str]:
        return sorted(k.name for k in self._kinds.values() if k.urgent)

    def render(self, name: str, params: Mapping[str, Any], lang: Lang) -> Text:
        kind = self._kinds.get(name)
        if kind is None:  # a kind a newer release wrote: shown plainly rather than failing
            return Text(title=name, body="")
        # translated first, then filled; a value an older row lacks shows as its name, never a 500
        values = _Lenient(params)
        return Text(
            title=t(kind.title, lang).format_map(values),
            body=t(kind.body, lang).format_map(values),
        )

    def render_all(self, name: str, params: Mapping[str, Any]) -> dict[str, Text]:
        return {lang: self.render(name, params, lang) for lang in LANGS}
