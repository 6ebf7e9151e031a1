"""The error credentials raise: one message in Chinese and one in English."""

from __future__ import annotations

from supervise.errors import SuperviseError

__all__ = ["CredentialError"]


class CredentialError(SuperviseError, ValueError):
    """A credential, key or status list cannot be issued, read or checked.

    ``zh`` and ``en`` hold the message in each language; ``str()`` gives both, Chinese
    first, since either reader may meet it."""

    def __init__(self, zh: str, en: str) -> None:
        self.zh = zh
        self.en = en
        super().__init__(f"{zh} ({en})")

    def message(self, lang: str | None = None) -> str:
        """The message in ``lang`` (default: the language setting)."""
        from supervise.lang import resolve

        return self.zh if resolve(lang) == "zh" else self.en
