"""One language setting for people-facing text: Chinese (``zh``) or English (``en``).

:func:`resolve` decides which: the ``lang`` a caller passes (``--lang`` on the command line,
``lang=`` in the API), else the ``SUPERVISE_LANG`` environment variable, else the locale
(``LANGUAGE``, ``LC_ALL``, ``LC_MESSAGES``, ``LANG``, then the system's), and Chinese when none
of them says Chinese or English: users read Chinese first, and a server's ``C`` or ``POSIX``
locale says nothing about its users.

Messages live in :class:`Catalogue` objects, one per module that speaks to people, each entry
in both languages; a :class:`Text` is one message rendered in both, and is a ``str`` whose
value is the English (what logs, tracebacks and code matching on messages see) with the
Chinese beside it. :func:`localize` picks the language.

>>> resolve("en"), resolve("zh_CN.UTF-8")
('en', 'zh')
>>> demo = Catalogue("doctest", {"hours": ("还差 {n} 小时", "{n} more hours needed")})
>>> text = demo("hours", n=6)
>>> text, localize(text, "zh"), localize("plain text", "zh")
('6 more hours needed', '还差 6 小时', 'plain text')
"""

from __future__ import annotations

import locale
import os
import string
from collections.abc import Iterator, Mapping
from typing import Any

__all__ = [
    "ENV",
    "LANGS",
    "Catalogue",
    "Text",
    "catalogues",
    "localize",
    "resolve",
]

#: The languages of people-facing text.
LANGS = ("zh", "en")
#: The environment variable that sets the language for every command and call.
ENV = "SUPERVISE_LANG"
# Locale variables in the order POSIX (and GNU gettext, for LANGUAGE) consults them.
_LOCALE_VARIABLES = ("LANGUAGE", "LC_ALL", "LC_MESSAGES", "LANG")


def resolve(lang: str | None = None) -> str:
    """The language to use: ``lang`` when given, else ``$SUPERVISE_LANG``, else the locale's
    language, else ``"zh"``. ``lang`` and ``SUPERVISE_LANG`` may be a language tag or locale
    name (``zh``, ``en``, ``zh_CN.UTF-8``, ``en-US``); anything else raises ``ValueError``."""
    for given, where in ((lang, "lang"), (os.environ.get(ENV) or None, ENV)):
        if given is None:
            continue
        found = _language_of(given)
        if found is None:
            raise ValueError(f"{where} must be zh or en, not {given!r}")
        return found
    return _locale_language() or "zh"


def _language_of(tag: str) -> str | None:
    """``zh`` or ``en`` for a tag or locale name in either language, else ``None``."""
    head = tag.strip().lower().replace("-", "_")
    for lang, names in (("zh", ("zh", "chinese")), ("en", ("en", "english"))):
        if any(head == n or head.startswith((n + "_", n + ".", n + "@")) for n in names):
            return lang
    return None


def _locale_language() -> str | None:
    for variable in _LOCALE_VARIABLES:
        value = os.environ.get(variable)
        if value:
            # LANGUAGE is a priority list (zh_CN:en); the first entry decides. A C or POSIX
            # locale is no language at all.
            return _language_of(value.split(":")[0])
    try:
        system = locale.getlocale(locale.LC_CTYPE)[0]  # Windows: 'Chinese (Simplified)_China'
    except ValueError:
        return None
    return None if system is None else _language_of(system)


class Text(str):
    """A people-facing text in both languages. As a ``str`` it is the English; ``zh`` holds
    the Chinese. Build one with a :class:`Catalogue`; read it with :func:`localize`."""

    zh: str

    def __new__(cls, en: str, zh: str) -> Text:
        text = super().__new__(cls, en)
        text.zh = zh
        return text

    @property
    def en(self) -> str:
        """The English text."""
        return str.__str__(self)

    def __reduce__(self) -> tuple[Any, ...]:
        return (Text, (self.en, self.zh))


def localize(text: object, lang: str | None = None) -> str:
    """``text`` in ``lang`` (default: :func:`resolve`): a :class:`Text` gives its Chinese or
    English, anything else its ``str()`` (text that exists in one language only)."""
    if isinstance(text, Text):
        return text.zh if resolve(lang) == "zh" else text.en
    return str(text)


_CATALOGUES: list[Catalogue] = []


class Catalogue:
    """The messages of one module: ``{key: (chinese, english)}``, each a ``str.format``
    template with the same named fields in both languages. Calling the catalogue with a key
    and the fields' values gives a :class:`Text`; a value that is itself a :class:`Text`
    is put in each language's template in that language."""

    def __init__(self, name: str, entries: Mapping[str, tuple[str, str]]) -> None:
        self.name = name
        self.entries = dict(entries)
        _CATALOGUES.append(self)

    def __call__(self, name: str, /, **values: Any) -> Text:
        zh, en = self.entries[name]
        return Text(en.format(**_in("en", values)), zh.format(**_in("zh", values)))

    def fields(self, key: str) -> tuple[set[str], set[str]]:
        """The named fields of the Chinese and the English template of ``key``."""
        zh, en = self.entries[key]
        return _fields(zh), _fields(en)

    def __iter__(self) -> Iterator[str]:
        return iter(self.entries)

    def __repr__(self) -> str:
        return f"<Catalogue {self.name}: {len(self.entries)} messages>"


def _in(lang: str, values: Mapping[str, Any]) -> dict[str, Any]:
    return {k: localize(v, lang) if isinstance(v, Text) else v for k, v in values.items()}


def _fields(template: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(template) if name}


def catalogues() -> list[Catalogue]:
    """Every catalogue of the modules imported so far."""
    return list(_CATALOGUES)
