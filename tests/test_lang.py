"""One language setting: --lang, SUPERVISE_LANG, the locale, Chinese when undetermined; and
every message in both languages."""

from __future__ import annotations

import importlib
import pickle
import pkgutil
import re
from pathlib import Path

import click
import pytest
from click.testing import CliRunner

import supervise
from supervise.cli import cli
from supervise.lang import Catalogue, Text, catalogues, localize, resolve

CJK = re.compile(r"[\u4e00-\u9fff]")


@pytest.mark.parametrize(
    ("given", "env", "expected"),
    [
        ("en", {"SUPERVISE_LANG": "zh"}, "en"),  # the argument wins
        ("zh", {"LANG": "en_US.UTF-8"}, "zh"),
        (None, {"SUPERVISE_LANG": "en", "LANG": "zh_CN.UTF-8"}, "en"),  # then the variable
        (None, {"SUPERVISE_LANG": "zh-Hans"}, "zh"),
        (None, {"LANG": "en_US.UTF-8"}, "en"),  # then the locale
        (None, {"LANG": "zh_CN.GB18030"}, "zh"),
        (None, {"LC_ALL": "en_GB.UTF-8", "LANG": "zh_CN.UTF-8"}, "en"),
        (None, {"LC_MESSAGES": "zh_TW.UTF-8", "LANG": "en_US.UTF-8"}, "zh"),
        (None, {"LANGUAGE": "en:zh", "LANG": "zh_CN.UTF-8"}, "en"),
        (None, {"LANG": "C.UTF-8"}, "zh"),  # undetermined: Chinese
        (None, {"LANG": "POSIX"}, "zh"),
        (None, {"LANG": "de_DE.UTF-8"}, "zh"),
        (None, {}, "zh"),
    ],
)
def test_the_language_is_the_argument_else_the_variable_else_the_locale_else_chinese(
    monkeypatch: pytest.MonkeyPatch, given: str | None, env: dict[str, str], expected: str
) -> None:
    monkeypatch.delenv("LANG")
    monkeypatch.setattr("locale.getlocale", lambda category: (None, None))
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    assert resolve(given) == expected


def test_a_windows_locale_name_says_the_language(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("LANG")
    monkeypatch.setattr("locale.getlocale", lambda category: ("English_United States", "1252"))
    assert resolve() == "en"
    monkeypatch.setattr("locale.getlocale", lambda category: ("Chinese (Simplified)_China", "936"))
    assert resolve() == "zh"


def test_a_language_that_is_neither_is_refused(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    with pytest.raises(ValueError, match=r"^lang must be zh or en, not 'fr'$"):
        resolve("fr")
    monkeypatch.setenv("SUPERVISE_LANG", "klingon")
    with pytest.raises(ValueError, match=r"^SUPERVISE_LANG must be zh or en, not 'klingon'$"):
        resolve()
    supervise.open(tmp_path / "x.db").close()
    code, _, err = run("imports", "--db", str(tmp_path / "x.db"))
    assert code == 2
    assert "SUPERVISE_LANG must be zh or en, not 'klingon'" in err


def all_modules() -> list[str]:
    names = [supervise.__name__]
    for module in pkgutil.walk_packages(supervise.__path__, supervise.__name__ + "."):
        names.append(module.name)
    for name in names:
        importlib.import_module(name)
    return names


def test_every_message_of_every_catalogue_exists_in_both_languages() -> None:
    all_modules()
    found = catalogues()
    assert len(found) >= 8, [c.name for c in found]
    for catalogue in found:
        for key in catalogue:
            zh, en = catalogue.entries[key]
            where = f"{catalogue.name}: {key!r}"
            assert zh.strip(), f"{where} has no Chinese"
            assert en.strip(), f"{where} has no English"
            assert CJK.search(zh), f"{where}: the Chinese text {zh!r} holds no Chinese"
            assert zh != en, where
            zh_fields, en_fields = catalogue.fields(key)
            assert zh_fields == en_fields, (
                f"{where}: {zh_fields} in Chinese, {en_fields} in English"
            )


def test_a_text_is_its_english_and_carries_its_chinese() -> None:
    demo = Catalogue("test", {"more": ("还差 {n} 小时{what}", "{n} more hours of {what} needed")})
    what = Text("accompanied supervision", "陪伴督导")
    text = demo("more", n=6, what=what)
    assert text == "6 more hours of accompanied supervision needed"
    assert (text.en, text.zh) == (str(text), "还差 6 小时陪伴督导")
    assert localize(text, "zh") == "还差 6 小时陪伴督导"
    assert localize(text, "en") == text.en
    assert localize(42, "zh") == "42"
    copy = pickle.loads(pickle.dumps(text))
    assert (copy, copy.zh) == (text, text.zh)


def run(*args: str, env: dict[str, str] | None = None) -> tuple[int, str, str]:
    result = CliRunner(env=env).invoke(cli, list(args), prog_name="supervise")
    return result.exit_code, result.stdout, result.stderr


@pytest.mark.parametrize("name", sorted(cli.commands))
def test_every_command_takes_lang(name: str) -> None:
    (option,) = [p for p in cli.commands[name].params if p.name == "lang"]
    assert isinstance(option.type, click.Choice)
    assert list(option.type.choices) == ["zh", "en"]
    assert option.default is None  # the setting decides
    assert "--lang [zh|en]" in run(name, "--help")[1]


def test_the_language_variable_sets_every_command(tmp_path: Path) -> None:
    args = ("progress", "--db", str(tmp_path / "none.db"), "--cohort", "c")
    supervise.open(args[2]).close()
    zh = run(*args)[2]
    en = run(*args, env={"SUPERVISE_LANG": "en"})[2]
    assert zh == "Error: 找不到批次 'c'；这里还没有任何批次\n"
    assert en == "Error: Cohort 'c' not found; there are none\n"
    assert run(*args, "--lang", "en", env={"SUPERVISE_LANG": "zh"})[2] == en
    assert run(*args, env={"LANG": "en_US.UTF-8"})[2] == en
