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

from contextvars import ContextVar
from typing import Any, Literal, get_args

Lang = Literal["zh-CN", "en"]
LANGS: tuple[Lang, ...] = get_args(Lang)
DEFAULT_LANG: Lang = "zh-CN"

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


def use_lang(lang: Lang) -> None:
    """Sets the language of the current request's text (the middleware calls it)."""
    _current.set(lang)


def t(message: str, lang: Lang | None = None, /, **params: Any) -> str:
    """`message` in `lang` (the request's by default), formatted with `params`."""
    text = translate(message, lang or _current.get())
    return text.format(**params) if params else text


def translate(message: str, lang: Lang) -> str:
    """The catalogue's text for `message` (the msgid itself where none is written yet)."""
    # the catalogues (Babel, zh-CN and en) replace this identity; callers do not change
    return message
