"""The exceptions `supervise` raises, rooted at :class:`SuperviseError`.

Catch ``SuperviseError`` to handle anything the library reports about your data; each subclass
also derives from the builtin a caller would naturally catch (``ValueError``, ``LookupError``).
Every message names the record and the field; national ID numbers in messages are masked.

``str(error)`` is English (for logs, tracebacks and code that matches on messages);
``error.message(lang)`` is the message in the language setting, Chinese or English (see
:mod:`supervise.lang`), which is what the command line prints.

>>> reason = Text("must be at most 24", "不能大于 24")
>>> error = InvalidRecord("Activity 'a1'", "hours", 25.0, reason)
>>> print(error)
Activity 'a1': hours: must be at most 24 (got 25.0)
>>> print(error.message("zh"))
Activity 'a1'：hours：不能大于 24（实际为 25.0）
"""

from __future__ import annotations

import math
import reprlib
from collections.abc import Sequence
from typing import Any

from supervise.lang import Catalogue, Text, localize, resolve
from supervise.pii import mask_lookalikes

__all__ = [
    "CorruptRegistry",
    "ExportsRefused",
    "ImportFailed",
    "IntegrityError",
    "InvalidRecord",
    "KeyRequired",
    "MissingExtra",
    "NationalIdWarning",
    "NotFound",
    "RegistryBusy",
    "SchemaVersionError",
    "SuperviseError",
    "digits_shown",
    "printable",
    "reason_of",
    "shown",
    "shown_in_both",
]

_T = Catalogue(
    __name__,
    {
        "invalid": (
            "{record}：{field}：{reason}（实际为 {value}）",
            "{record}: {field}: {reason} (got {value})",
        ),
        "not_found": ("找不到{record} {key}", "{record} {key} not found"),
        "not_found_known": (
            "找不到{record} {key}；现有的{record}：{known}",
            "{record} {key} not found; there are: {known}",
        ),
        "none": (
            "找不到{record} {key}；这里还没有任何{record}",
            "{record} {key} not found; there are none",
        ),
        "in_all": (", …（共 {total} 个）", ", … ({total} in all)"),
        "more": ("；另有 {more} 个问题", "; and {more} more problems"),
        "one_more": ("；另有 {more} 个问题", "; and {more} more problem"),
        "import_failed": (
            "无法导入 {source}：{total} 个问题；未写入任何内容",
            "cannot import {source}: {total} problems; nothing was written",
        ),
        "import_failed_one": (
            "无法导入 {source}：{total} 个问题；未写入任何内容",
            "cannot import {source}: {total} problem; nothing was written",
        ),
        "and_more": ("… 另有 {more} 个", "… and {more} more"),
        "exports_refused": (
            "无法汇总这些导出文件：{total} 个问题；未使用其中任何一行",
            "cannot roll up these exports: {total} problems; none of their rows was used",
        ),
        "exports_refused_one": (
            "无法汇总这些导出文件：{total} 个问题；未使用其中任何一行",
            "cannot roll up these exports: {total} problem; none of their rows was used",
        ),
        "digits": ("<{digits} 位的数>", "<a number of {digits} digits>"),
        "list": ("<含 {n} 项的列表>", "<a list of {n} items>"),
        "object": ("<含 {n} 个键的对象>", "<an object of {n} keys>"),
        "long_text": ("{start}…（共 {n} 个字符）", "{start}… ({n} characters)"),
        "corrupt": (
            "登记库文件 {path} 已损坏（SQLite：{detail}）；未改动任何内容。"
            "请用备份恢复（supervise backup 写的副本），或请管理员用 sqlite3 的 .recover 抢救",
            "the registry file {path} is damaged (SQLite: {detail}); nothing was changed. "
            "Restore it from a backup (a copy written by supervise backup), or ask an "
            "administrator to salvage it with sqlite3's .recover",
        ),
        "busy": (
            "登记库 {path} 正由另一个进程写入；已等待 {seconds} 秒，未写入任何内容。请稍后再试",
            "the registry {path} is being written by another process; waited {seconds} s and "
            "wrote nothing. Try again later",
        ),
        "busy_import": (
            "登记库 {path} 正在{writer}；已等待 {seconds} 秒，未写入任何内容。请在其完成后再试",
            "the registry {path} is busy with {writer}; waited {seconds} s and wrote nothing. "
            "Try again when it has finished",
        ),
    },
)
# Values longer than this are cut in messages; numbers beyond it are summarised.
_SHOWN_LIMIT = 60


def shown(value: Any, lang: str | None = None, limit: int = _SHOWN_LIMIT) -> str:
    """How messages show ``value``: its ``repr`` (which escapes control characters, so a
    terminal escape or a right-to-left override in a value cannot act on the reader's
    screen), text cut after ``limit`` characters, and huge numbers, lists and objects
    summarised rather than spelled out.

    >>> shown("王雪梅"), shown(10**100, "en"), shown([[[[1]]], list(range(9))], "en")
    ("'王雪梅'", '<a number of 101 digits>', '[[[...]], [0, 1, 2, 3, 4, ...]]')
    >>> print(shown(chr(27) + "[2J" + "x" * 80, "en"))
    '\\x1b[2Jxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx'… (84 characters)
    """
    if isinstance(value, int) and value.bit_length() > 3.33 * limit:
        digits = math.floor(value.bit_length() * math.log10(2)) + 1
        return localize(digits_shown(digits), lang)
    if isinstance(value, str) and len(value) > limit:
        return localize(_T("long_text", start=repr(value[:limit]), n=f"{len(value):,}"), lang)
    if isinstance(value, list | tuple | dict | set | frozenset):
        try:  # nested to any depth, or holding a number too long to spell out
            return _REPR.repr(value)
        except (ValueError, RecursionError):
            kind = "object" if isinstance(value, dict) else "list"
            return localize(_T(kind, n=len(value)), lang)
    return repr(value)


def printable(text: str) -> str:
    """``text`` as a name in a message: every character a reader would not see as itself (a
    control character such as a terminal escape, an invisible or bidirectional formatting
    character, a lone surrogate) written as its escape, ``\\x1b`` or ``\\u202e``. For names of
    files, sheets and ZIP members, which come from whoever made the file."""
    if text.isprintable():
        return text
    return "".join(c if c.isprintable() or c == " " else _escape(c) for c in text)


def _escape(char: str) -> str:
    code = ord(char)
    return (
        f"\\x{code:02x}"
        if code < 0x100
        else f"\\u{code:04x}"
        if code < 0x10000
        else f"\\U{code:08x}"
    )


def digits_shown(digits: int) -> Text:
    """How messages show a number too long to spell out: ``<a number of 5,000 digits>``."""
    return _T("digits", digits=f"{digits:,}")


def reason_of(error: BaseException) -> str:
    """The message of ``error`` with both its languages when it has them: its
    :class:`~supervise.lang.Text` argument, else ``str(error)``."""
    if len(error.args) == 1 and isinstance(error.args[0], Text):
        return error.args[0]
    return str(error)


def shown_in_both(value: Any) -> Text:
    """:func:`shown` in both languages, to put in a message of a
    :class:`~supervise.lang.Catalogue`."""
    return Text(shown(value, "en"), shown(value, "zh"))


_REPR = reprlib.Repr()
_REPR.maxlevel = 3
_REPR.maxlist = _REPR.maxtuple = _REPR.maxdict = _REPR.maxset = _REPR.maxfrozenset = 5
_REPR.maxstring = _REPR.maxlong = _REPR.maxother = 40


class SuperviseError(Exception):
    """Root of every error the library raises about data, files or the store."""

    def message(self, lang: str | None = None) -> str:
        """The message in ``lang`` (default: the language setting, see
        :func:`supervise.lang.resolve`); ``str(error)`` is the English one."""
        if len(self.args) == 1 and isinstance(self.args[0], Text):
            return localize(self.args[0], lang)
        return str(self)


class InvalidRecord(SuperviseError, ValueError):
    """A record (model object or imported row) has a field with an unacceptable value.

    Attributes name the record (``record``, e.g. ``"Activity 'a17'"``), the ``field`` and the
    offending ``value`` (already masked when it is personal data), and the ``reason`` (a
    :class:`~supervise.lang.Text` in both languages, or plain text).
    """

    def __init__(self, record: str, field: str, value: Any, reason: str) -> None:
        self.record = record
        self.field = field
        self.value = value
        self.reason = reason
        super().__init__(
            _T("invalid", record=record, field=field, reason=reason, value=shown(value))
        )

    def message(self, lang: str | None = None) -> str:
        values = {"record": self.record, "field": self.field, "reason": self.reason}
        return localize(_T("invalid", **values, value=shown(self.value, lang)), lang)


class NotFound(SuperviseError, LookupError):
    """A record asked for by key is not in the registry. ``known`` lists the records there
    are (when the caller looked them up, e.g. the cohorts of the registry) and ``total``
    counts them when the list is cut short; ``record_zh`` names the kind of record in Chinese
    (default: ``record``)."""

    def __init__(
        self,
        record: str,
        key: Any,
        *,
        known: Sequence[str] | None = None,
        total: int | None = None,
        record_zh: str | None = None,
    ) -> None:
        self.record = record
        self.key = key
        self.known = None if known is None else list(known)
        self.total = len(self.known or ()) if total is None else total
        self.record_zh = record_zh or record
        super().__init__(Text(self.message("en"), self.message("zh")))

    def message(self, lang: str | None = None) -> str:
        chosen = resolve(lang)
        listed = ", ".join(self.known or ())
        if self.known is not None and self.total > len(self.known):
            listed += localize(_T("in_all", total=self.total), chosen)
        kind = "not_found" if self.known is None else "not_found_known" if self.known else "none"
        record = self.record_zh if chosen == "zh" else self.record
        # The key is what the caller asked for: a national ID number typed as a person id
        # is shown masked, like every other.
        key = mask_lookalikes(shown(self.key, chosen))
        return localize(_T(kind, record=record, key=key, known=listed), chosen)


class IntegrityError(SuperviseError):
    """A write would break the registry's consistency (a reference to a missing record, a
    national ID already held by another person). Nothing was written. ``more`` counts the
    further problems of the same write."""

    def __init__(self, record: str, field: str, value: Any, reason: str, more: int = 0) -> None:
        self.record = record
        self.field = field
        self.value = value
        self.reason = reason
        self.more = more
        super().__init__(Text(self.message("en"), self.message("zh")))

    def message(self, lang: str | None = None) -> str:
        values = {"record": self.record, "field": self.field, "reason": self.reason}
        text = localize(_T("invalid", **values, value=shown(self.value, lang)), lang)
        if self.more:
            text += localize(_T("more" if self.more > 1 else "one_more", more=self.more), lang)
        return text


class ImportFailed(SuperviseError, ValueError):
    """An exchange file was refused and nothing was written.

    ``problems`` holds the problems found (each names the file, table, row, field, value and
    reason; at most a few hundred are kept), ``total`` counts every problem found. The message
    lists the kept problems one per line; :meth:`message` (or :meth:`to_text`) gives it in
    either language, :meth:`to_dict` as JSON values.
    """

    def __init__(self, source: str, problems: Sequence[Any], total: int) -> None:
        self.source = source
        self.problems = list(problems)
        self.total = total
        super().__init__(self.message("en"))

    def message(self, lang: str | None = None) -> str:
        chosen = resolve(lang)
        key = "import_failed_one" if self.total == 1 else "import_failed"
        head = _T(key, source=self.source, total=self.total)
        lines = [localize(head, chosen)]
        lines.extend(f"  {_problem_text(problem, chosen)}" for problem in self.problems)
        if self.total > len(self.problems):
            more = _T("and_more", more=self.total - len(self.problems))
            lines.append(f"  {localize(more, chosen)}")
        return "\n".join(lines)

    def to_text(self, lang: str | None = None) -> str:
        """The message: a line saying what was refused, then a line per problem."""
        return self.message(lang)

    def to_dict(self, lang: str | None = None) -> dict[str, Any]:
        """The refusal as JSON values: ``source``, ``ok`` (false), ``total``, the ``problems``
        kept (each with its ``message`` in ``lang``) and the whole ``message``."""
        chosen = resolve(lang)
        problems = [
            p.to_dict(chosen) if hasattr(p, "to_dict") else {"message": str(p)}
            for p in self.problems
        ]
        return {
            "source": self.source,
            "ok": False,
            "total": self.total,
            "problems": problems,
            "message": self.message(chosen),
        }


def _problem_text(problem: Any, lang: str) -> str:
    return problem.message(lang) if hasattr(problem, "message") else localize(problem, lang)


class ExportsRefused(SuperviseError, ValueError):
    """Provinces' exports given to a national roll-up were refused, and none of their rows
    was used: an answer from records of which some failed their checks would be wrong in ways
    nobody could see.

    ``problems`` holds the problems found (each names the province and file, table, row,
    field, value and reason; at most a few hundred are kept), ``total`` counts every problem
    found. The message lists the kept problems one per line, in either language
    (:meth:`message`).
    """

    def __init__(self, problems: Sequence[Any], total: int) -> None:
        self.problems = list(problems)
        self.total = total
        super().__init__(self.message("en"))

    def message(self, lang: str | None = None) -> str:
        chosen = resolve(lang)
        key = "exports_refused_one" if self.total == 1 else "exports_refused"
        lines = [localize(_T(key, total=self.total), chosen)]
        lines.extend(f"  {_problem_text(problem, chosen)}" for problem in self.problems)
        if self.total > len(self.problems):
            more = _T("and_more", more=self.total - len(self.problems))
            lines.append(f"  {localize(more, chosen)}")
        return "\n".join(lines)


class SchemaVersionError(SuperviseError):
    """The database was written by a newer version of `supervise` than the one running, or
    is not a registry at all (an SQLite file of another application)."""


class CorruptRegistry(SuperviseError):
    """The registry file is damaged (SQLite found a malformed page, or the file is not a
    database): nothing was changed. ``path`` names the file, ``detail`` what SQLite said."""

    def __init__(self, path: str, detail: str) -> None:
        self.path = path
        self.detail = detail
        super().__init__(_T("corrupt", path=path, detail=detail))


class KeyRequired(SuperviseError):
    """A registry that keeps national ID and phone numbers encrypted was asked to read or
    write them without its key, or given a key that is not its own (see
    :mod:`supervise.store.protection`)."""


class RegistryBusy(SuperviseError):
    """Another process held the registry's write lock for longer than this one would wait:
    nothing was written. ``writer`` describes the write under way when it could be known
    (an import: what it reads, who started it and when), else ``None``."""

    def __init__(self, path: str, waited: float, writer: Text | None = None) -> None:
        self.path = path
        self.waited = waited
        self.writer = writer
        seconds = f"{waited:g}"
        if writer is None:
            text = _T("busy", path=path, seconds=seconds)
        else:
            text = _T("busy_import", path=path, seconds=seconds, writer=writer)
        super().__init__(text)


class MissingExtra(SuperviseError, ImportError):
    """An optional dependency is needed; the message names the extra to install."""

    def __init__(self, feature: str, extra: str, module: str) -> None:
        self.extra = extra
        super().__init__(
            f"{feature} needs the optional dependency '{module}': pip install 'supervise[{extra}]'"
        )


class NationalIdWarning(UserWarning):
    """A national ID number passes its checksum but its location code is unknown for the
    birth year (for example a county created after the person was born). Real people carry such
    numbers, so this is a warning, never an error."""
