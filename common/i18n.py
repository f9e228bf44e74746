"""The language of an answer's human text (DESIGN §2 "Language"): `zh-CN` first, `en` on request.

One call for every human text: `t(message, lang, **params)`. `message` is the English source text
(the gettext msgid, with `{name}` placeholders); it is looked up in the language's catalogue and
then formatted with `params`, so a placeholder's value is never translated and never decides the
lookup. The machine `code` of a problem, an enum value, an event kind never go through here.

The request's language is negotiated once from `Accept-Language` (`negotiate`) and kept for the
request in a context variable (`current_lang`); code that renders text for someone who is not
the caller (a notification) passes that person's language explicitly.
"""

from __future__ import annotations

from contextvars import ContextVar, Token
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any, Literal, get_args

from babel.messages.pofile import read_po

Lang = Literal["zh-CN", "en"]
LANGS: tuple[Lang, ...] = get_args(Lang)
DEFAULT_LANG: Lang = "zh-CN"
# the catalogue directory of each language (gettext names locales with an underscore)
LOCALE_DIRS: dict[Lang, str] = {"zh-CN": "zh_CN", "en": "en"}
LOCALES = Path(__file__).parent / "locales"

_current: ContextVar[Lang] = ContextVar("lang", default=DEFAULT_LANG)


def negotiate(accept_language: str | None) -> Lang:
    """The best of our languages for an `Accept-Language` header (RFC 9110 §12.5.4): the highest
    q-value whose primary tag we speak (`zh`, `zh-Hans`, `zh-CN` → zh-CN; `en-*` → en), the
    header's order breaking ties; nothing usable → zh-CN."""
    best: tuple[float, int, Lang] | None = None
    for position, part in enumerate((accept_language or "").split(",")):
        tag, _, rest = part.strip().partition(";")
        q = 1.0
        for param in rest.split(";"):
            name, _, value = param.strip().partition("=")
            if name.strip().lower() == "q":
                try:
                    q = float(value)
                except ValueError:
                    q = 0.0
        primary = tag.strip().lower().split("-", 1)[0]
        lang: Lang | None = {"zh": "zh-CN", "en": "en"}.get(primary)  # type: ignore[assignment]
        if lang is None or q <= 0:
            continue
        if best is None or (q, -position) > (best[0], -best[1]):
            best = (q, position, lang)
    return best[2] if best else DEFAULT_LANG


def current_lang() -> Lang:
    return _current.get()


def use_lang(lang: Lang) -> Token[Lang]:
    """Sets the language of the current request's text (the middleware calls it)."""
    return _current.set(lang)


def reset_lang(token: Token[Lang]) -> None:
    _current.reset(token)


def t(message: str, lang: Lang | None = None, /, **params: Any) -> str:
    """`message` in `lang` (the request's by default), formatted with `params`."""
    text = translate(message, lang or _current.get())
    return text.format(**params) if params else text


@dataclass(frozen=True)
class Text:
    """A text kept to be rendered later, in the language of whoever reads it: for what is held
    beyond one request (a cached reading shown to callers of every language)."""

    message: str
    params: dict[str, Any] = field(default_factory=dict)

    def render(self, lang: Lang | None = None) -> str:
        return t(self.message, lang, **self.params)


def N_(message: str) -> str:
    """Marks `message` for the catalogues where it is defined, translated later with `t` (a
    table of titles, a label): `make messages` extracts it, nothing is looked up here."""
    return message


def translate(message: str, lang: Lang) -> str:
    """The catalogue's text for `message` (the msgid itself where none is written)."""
    return catalogue(lang).get(message) or message


def catalogue_path(lang: Lang) -> Path:
    return LOCALES / LOCALE_DIRS[lang] / "LC_MESSAGES" / "messages.po"


@cache
def catalogue(lang: Lang) -> dict[str, str]:
    """msgid → text of a language, read from its `.po` once per process: the plain text file is
    what ships, so a fresh checkout needs no compile step."""
    with catalogue_path(lang).open("rb") as file:
        parsed = read_po(file, locale=LOCALE_DIRS[lang])
    return {
        str(message.id): str(message.string)
        for message in parsed
        if message.id and message.string and not message.fuzzy
    }


for _lang in LANGS:  # read at import: a broken catalogue fails the start, not a request
    catalogue(_lang)
