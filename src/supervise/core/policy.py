"""Policies: named, versioned sets of eligibility rules, written as data (TOML).

A policy holds when every one of its rules holds. Files have top-level ``id``, ``name``,
``version`` and ``description``, then an array of tables ``rules``; nested rules are inline
tables under ``rules`` (all_of / any_of) or ``rule`` (not)::

    id = "nx-expert-pool"
    name = "宁夏社会工作人才专家库入库条件"
    version = "2024.1"

    [[rules]]
    kind = "completed_program"
    program = "nx-sup-2024"

    [[rules]]
    kind = "any_of"
    rules = [ { kind = "deliverable_score_at_least", phase = "case_study", score = 85 },
              { kind = "outcome_present", outcome = "standard_drafting" } ]
"""

from __future__ import annotations

import difflib
import itertools
import os
import tomllib
from collections.abc import Iterable, Mapping
from datetime import date
from importlib import resources
from pathlib import Path
from typing import Any, cast

import attrs

from supervise.dates import parse_date
from supervise.errors import SuperviseError
from supervise.semantics.continuing import CycleRequirement
from supervise.semantics.rules import KINDS, Rule

__all__ = [
    "BUILTIN_POLICIES",
    "Policy",
    "PolicyError",
    "VersionedPolicy",
    "deciding",
    "load_policy",
    "policy_from_dict",
]

#: Names of the policies shipped with the library, loadable with ``load_policy(name)``.
BUILTIN_POLICIES = ("nx-expert-pool",)


class PolicyError(SuperviseError, ValueError):
    """A policy file or definition is wrong; the message gives the rule's position
    (``rules[3].rules[0]: unknown kind 'hour_at_least'``)."""


def _text(instance: Any, attribute: attrs.Attribute[Any], value: Any) -> None:
    if not isinstance(value, str) or not value.strip():
        raise PolicyError(f"{attribute.name}: must be non-empty text, not {value!r}")


def _rules(value: Any) -> tuple[Rule, ...]:
    items = tuple(value)
    for n, item in enumerate(items):
        if not isinstance(item, Rule):
            raise PolicyError(f"rules[{n}]: must be a rule, not {item!r}")
    if not items:
        raise PolicyError("rules: a policy needs at least one rule")
    return items


@attrs.frozen(kw_only=True)
class Policy:
    """A named, versioned set of rules that must all hold (入库条件).

    >>> from supervise.semantics import rules
    >>> policy = Policy(id="demo", name="示例", version="1",
    ...                 rules=[rules.credential_at_least("intermediate")])
    >>> policy.rules[0].kind
    'credential_at_least'
    """

    id: str = attrs.field(validator=_text)
    name: str = attrs.field(validator=_text)
    version: str = attrs.field(validator=_text, converter=str)
    description: str = ""
    rules: tuple[Rule, ...] = attrs.field(converter=_rules)
    effective_from: date | None = None
    effective_until: date | None = None
    continuing_education: CycleRequirement | None = None

    @property
    def versions(self) -> tuple[Policy, ...]:
        """This policy, its one version."""
        return (self,)

    def in_force(self, as_of: date) -> Policy:
        """The version in force on ``as_of``: this one, unless its effective dates (when it
        has them) leave ``as_of`` out (:class:`PolicyError` then)."""
        if self.in_force_on(as_of):
            return self
        raise _none_in_force(self.id, as_of, (self,))

    def in_force_on(self, as_of: date) -> bool:
        """Whether ``as_of`` is within the effective dates (both inclusive; none: always)."""
        starts, ends = self.effective_from, self.effective_until
        return (starts is None or starts <= as_of) and (ends is None or as_of <= ends)

    def select(self, version: str) -> Policy:
        """The version called ``version``: this one, or :class:`PolicyError`."""
        return _select(self.id, self.versions, version)

    def check(self, phases_by_program: Mapping[str, Iterable[str]]) -> None:
        """Raise :class:`PolicyError` when a rule names a program or phase the data lacks.

        ``phases_by_program`` maps each known program id to its phase keys."""
        known = {program: set(keys) for program, keys in phases_by_program.items()}
        every_phase = set().union(*known.values()) if known else set()
        for position, rule in _walk(self.rules, "rules"):
            if hasattr(rule, "rules") or hasattr(rule, "rule"):
                continue  # combinations: their rules are checked at their own positions
            for program, phase in rule.programs():
                if program is not None and program not in known:
                    raise PolicyError(
                        f"{position}: unknown program {program!r}{_suggest(program, known)}"
                    )
                pool = known[program] if program is not None else every_phase
                if phase is not None and phase not in pool:
                    where = f" in program {program!r}" if program else ""
                    raise PolicyError(
                        f"{position}: unknown phase {phase!r}{where}{_suggest(phase, pool)}"
                    )

    def to_dict(self) -> dict[str, Any]:
        """The policy as a policy file's data."""
        return {
            "id": self.id,
            "name": self.name,
            "version": self.version,
            "description": self.description,
            **_version_dict(self, with_version=False),
        }


def _version_dict(policy: Policy, with_version: bool = True) -> dict[str, Any]:
    data: dict[str, Any] = {"version": policy.version} if with_version else {}
    if policy.effective_from is not None:
        data["effective_from"] = policy.effective_from.isoformat()
    if policy.effective_until is not None:
        data["effective_until"] = policy.effective_until.isoformat()
    if policy.continuing_education is not None:
        data["continuing_education"] = _requirement_dict(policy.continuing_education)
    data["rules"] = [{"kind": r.kind, **r.params()} for r in policy.rules]
    return data


def _requirement_dict(requirement: CycleRequirement) -> dict[str, Any]:
    return {"cycle_years": requirement.years, "hours": dict(requirement.hours)}


def _versions(value: Any) -> tuple[Policy, ...]:
    items = tuple(value)
    if not items or not all(isinstance(v, Policy) for v in items):
        raise PolicyError("versions: a versioned policy needs at least one version (a Policy)")
    return items


@attrs.frozen(kw_only=True)
class VersionedPolicy:
    """A policy whose rules change over time: ``versions``, each a :class:`Policy` with
    its ``effective_from`` (and maybe ``effective_until``) dates, which must not overlap.
    Evaluation on a date uses the version in force (:meth:`in_force`), or the one named
    (:meth:`select`)."""

    id: str = attrs.field(validator=_text)
    name: str = attrs.field(validator=_text)
    description: str = ""
    versions: tuple[Policy, ...] = attrs.field(converter=_versions)

    def __attrs_post_init__(self) -> None:
        seen: set[str] = set()
        for v in self.versions:
            if v.version in seen:
                raise PolicyError(f"versions: version {v.version!r} appears twice")
            seen.add(v.version)
            if v.effective_from is None:
                raise PolicyError(f"versions: version {v.version!r} needs effective_from")
        dated = sorted(self.versions, key=lambda v: v.effective_from or date.min)
        for before, after in itertools.pairwise(dated):
            if before.effective_until is None or before.effective_until >= (
                after.effective_from or date.min
            ):
                runs = (
                    "has no end"
                    if before.effective_until is None
                    else f"runs until {before.effective_until}"
                )
                raise PolicyError(
                    f"versions: {before.version!r} and {after.version!r} overlap: "
                    f"{before.version!r} {runs}, {after.version!r} starts on "
                    f"{after.effective_from}"
                )
        object.__setattr__(self, "versions", tuple(dated))

    def in_force(self, as_of: date) -> Policy:
        """The version in force on ``as_of``; :class:`PolicyError` naming every version's
        dates when none is."""
        for version in self.versions:
            if version.in_force_on(as_of):
                return version
        raise _none_in_force(self.id, as_of, self.versions)

    def select(self, version: str) -> Policy:
        """The version called ``version``; :class:`PolicyError` listing them otherwise."""
        return _select(self.id, self.versions, version)

    def check(self, phases_by_program: Mapping[str, Iterable[str]]) -> None:
        """:meth:`Policy.check` of every version."""
        for version in self.versions:
            try:
                version.check(phases_by_program)
            except PolicyError as exc:
                n = self.versions.index(version)
                raise PolicyError(f"versions[{n}].{exc}") from None

    def to_dict(self) -> dict[str, Any]:
        """The policy as a policy file's data."""
        return {
            "id": self.id,
            "name": self.name,
            "description": self.description,
            "versions": [_version_dict(v) for v in self.versions],
        }


def _when(policy: Policy) -> str:
    starts, ends = policy.effective_from, policy.effective_until
    if starts is None and ends is None:
        return f"{policy.version} (no dates)"
    if ends is None:
        return f"{policy.version} from {starts}"
    if starts is None:
        return f"{policy.version} until {ends}"
    return f"{policy.version} from {starts} until {ends}"


def _none_in_force(policy: str, as_of: date, versions: Iterable[Policy]) -> PolicyError:
    listed = "; ".join(_when(v) for v in versions)
    return PolicyError(
        f"policy {policy!r} has no version in force on {as_of} (versions: {listed}); "
        f"入库条件 {policy} 在 {as_of} 没有生效的版本"
    )


def _select(policy: str, versions: tuple[Policy, ...], version: str) -> Policy:
    for v in versions:
        if v.version == str(version):
            return v
    listed = ", ".join(v.version for v in versions)
    raise PolicyError(
        f"policy {policy!r} has no version {str(version)!r} (versions: {listed}); "
        f"入库条件 {policy} 没有版本 {version}"
    )


def _walk(rules: Iterable[Rule], prefix: str) -> Iterable[tuple[str, Rule]]:
    for n, rule in enumerate(rules):
        yield from _walk_one(rule, f"{prefix}[{n}]")


def _walk_one(rule: Rule, position: str) -> Iterable[tuple[str, Rule]]:
    """``rule`` and every rule nested in it, with their positions in a policy file."""
    yield position, rule
    children = getattr(rule, "rules", None)
    if children is not None:
        yield from _walk(children, f"{position}.rules")
    elif (child := getattr(rule, "rule", None)) is not None:
        yield from _walk_one(child, f"{position}.rule")


def _suggest(word: str, choices: Iterable[str]) -> str:
    close = difflib.get_close_matches(word, list(choices), n=1)
    return f" (did you mean {close[0]!r}?)" if close else ""


# -- loading ----------------------------------------------------------------------------------


def deciding(
    policy: Policy | VersionedPolicy | str | os.PathLike[str],
    as_of: date,
    version: str | None = None,
) -> Policy:
    """The version of ``policy`` (a policy, a versioned one, a policy file or a built-in
    name) that decides on ``as_of``: the one ``version`` names, else the one in force
    (:class:`PolicyError` when there is none)."""
    chosen = load_policy(policy) if isinstance(policy, str | os.PathLike) else policy
    return chosen.select(version) if version is not None else chosen.in_force(as_of)


def load_policy(path_or_name: str | os.PathLike[str]) -> Policy | VersionedPolicy:
    """Load a policy from a TOML file, or a built-in one by name (``"nx-expert-pool"``): a
    :class:`Policy`, or a :class:`VersionedPolicy` when the file holds ``[[versions]]``.

    Errors name the file and the rule's position: ``rules[3].rules[0]: unknown kind
    'hour_at_least' (did you mean 'hours_at_least'?)``."""
    path = Path(path_or_name)
    if path.is_file():
        text, where = path.read_text(encoding="utf-8"), str(path)
    elif str(path_or_name) in BUILTIN_POLICIES:
        name = str(path_or_name)
        resource = resources.files("supervise") / "policies" / f"{name}.toml"
        text, where = resource.read_text(encoding="utf-8"), f"built-in policy {name!r}"
    else:
        raise PolicyError(
            f"no policy file {str(path_or_name)!r}, and no built-in policy of that name "
            f"(built-in: {', '.join(BUILTIN_POLICIES)})"
        )
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise PolicyError(f"{where}: not valid TOML: {exc}") from None
    try:
        return policy_from_dict(data)
    except PolicyError as exc:
        raise PolicyError(f"{where}: {exc}") from None


def policy_from_dict(data: Mapping[str, Any]) -> Policy | VersionedPolicy:
    """Build a policy from parsed policy-file data (the inverse of ``to_dict()``): a
    :class:`Policy` from a file with ``version`` and ``rules``, a :class:`VersionedPolicy`
    from one with ``[[versions]]``."""
    if not isinstance(data, Mapping):
        raise PolicyError(f"a policy must be a table, not {type(data).__name__}")
    if "versions" in data:
        return _versioned(data)
    allowed = ("id", "name", "version", "description", "rules", "continuing_education")
    _known_keys(data, allowed, "")
    for key in ("id", "name", "version", "rules"):
        if key not in data:
            raise PolicyError(f"missing {key!r}")
    head = _head(data)
    return _one_version(data, "", head)


def _head(data: Mapping[str, Any]) -> dict[str, Any]:
    description = data.get("description", "")
    if not isinstance(description, str):
        raise PolicyError(f"description: must be text, not {description!r}")
    return {"id": data.get("id"), "name": data.get("name"), "description": description}


def _known_keys(data: Mapping[str, Any], allowed: Iterable[str], where: str) -> None:
    unknown = set(data) - set(allowed)
    if unknown:
        raise PolicyError(
            f"{where}unknown key {sorted(unknown)[0]!r} (expected {', '.join(allowed)})"
        )


def _one_version(data: Mapping[str, Any], where: str, head: Mapping[str, Any]) -> Policy:
    raw_rules = data["rules"]
    if not isinstance(raw_rules, list):
        raise PolicyError(f"{where}rules: must be an array of tables ([[rules]])")
    version = data["version"]
    if not isinstance(version, str | int | float) or isinstance(version, bool):
        raise PolicyError(f"{where}version: must be text, not {version!r}")
    requirement = data.get("continuing_education", head.get("continuing_education"))
    return Policy(
        **{k: v for k, v in head.items() if k != "continuing_education"},
        version=str(version),
        rules=[_rule(item, f"{where}rules[{n}]") for n, item in enumerate(raw_rules)],
        effective_from=_day(data, "effective_from", where),
        effective_until=_day(data, "effective_until", where),
        continuing_education=None
        if requirement is None
        else _requirement(requirement, f"{where}continuing_education"),
    )


def _versioned(data: Mapping[str, Any]) -> VersionedPolicy:
    if "version" in data or "rules" in data:
        raise PolicyError(
            "a policy has either version and rules, or [[versions]] each with its own "
            "version and rules, not both"
        )
    _known_keys(data, ("id", "name", "description", "versions", "continuing_education"), "")
    for key in ("id", "name"):
        if key not in data:
            raise PolicyError(f"missing {key!r}")
    raw = data["versions"]
    if not isinstance(raw, list) or not raw:
        raise PolicyError("versions: must be an array of tables ([[versions]])")
    head = _head(data)
    if "continuing_education" in data:
        head["continuing_education"] = data["continuing_education"]
    versions = []
    allowed = ("version", "effective_from", "effective_until", "rules", "continuing_education")
    for n, item in enumerate(raw):
        where = f"versions[{n}]."
        if not isinstance(item, Mapping):
            raise PolicyError(f"versions[{n}]: must be a table, not {item!r}")
        _known_keys(item, allowed, where)
        for key in ("version", "effective_from", "rules"):
            if key not in item:
                raise PolicyError(f"{where[:-1]}: missing {key!r}")
        versions.append(_one_version(item, where, head))
    return VersionedPolicy(
        id=head["id"], name=head["name"], description=head["description"], versions=versions
    )


def _day(data: Mapping[str, Any], key: str, where: str) -> date | None:
    value = data.get(key)
    if value is None:
        return None
    try:
        return parse_date(value)
    except (ValueError, TypeError) as exc:
        raise PolicyError(f"{where}{key}: {exc}") from None


def _requirement(value: Any, where: str) -> CycleRequirement:
    from supervise.core.continuing import requirement_from_dict

    try:
        return requirement_from_dict(value)
    except ValueError as exc:
        raise PolicyError(f"{where}: {exc}") from None


def _rule(item: Any, position: str) -> Rule:
    if not isinstance(item, Mapping):
        raise PolicyError(f"{position}: must be a table with a 'kind', not {item!r}")
    kind = item.get("kind")
    if kind is None:
        raise PolicyError(f"{position}: missing 'kind'")
    cls = KINDS.get(kind) if isinstance(kind, str) else None
    if cls is None:
        raise PolicyError(f"{position}: unknown kind {kind!r}{_suggest(str(kind), KINDS)}")
    fields = {f.name: f for f in attrs.fields(cast(Any, cls))}
    params = {k: v for k, v in item.items() if k != "kind"}
    for name in params:
        if name not in fields:
            expected = ", ".join(fields) or "none"
            raise PolicyError(
                f"{position}: {kind} has no parameter {name!r} (parameters: {expected})"
            )
    for name, field in fields.items():
        if field.default is attrs.NOTHING and name not in params:
            raise PolicyError(f"{position}: {kind} needs parameter {name!r}")
    if "rules" in params:
        nested = params["rules"]
        if not isinstance(nested, list):
            raise PolicyError(f"{position}.rules: must be an array of inline tables")
        params["rules"] = tuple(_rule(r, f"{position}.rules[{n}]") for n, r in enumerate(nested))
    if "rule" in params:
        params["rule"] = _rule(params["rule"], f"{position}.rule")
    _check_params(params, position)
    try:
        rule: Rule = cls(**params)
    except (ValueError, TypeError) as exc:
        raise PolicyError(f"{position}: {kind}: {exc}") from None
    return rule


# Parameters by what they hold: numbers (True: whole numbers), text, text or a list of text,
# and tables (the two sides of a ratio).
_NUMBERS = {
    "hours": False,
    "sessions": True,
    "score": False,
    "years": True,
    "ratio": False,
    "n": True,
    "max_group_sessions": True,
}
_TEXTS = ("program", "since", "until", "level", "outcome")
_LISTS = ("phase", "form")
_TABLES = ("numerator", "denominator")


def _check_params(params: Mapping[str, Any], position: str) -> None:
    for name, whole in _NUMBERS.items():
        if params.get(name) is not None:
            _check_number(params[name], f"{position}.{name}", whole=whole)
    for name in _TEXTS:
        value = params.get(name)
        if value is not None and not isinstance(value, str | date):
            raise PolicyError(f"{position}.{name}: must be text, not {value!r}")
    for name in _LISTS:
        value = params.get(name)
        items = value if isinstance(value, list) else [value]
        if value is not None and not all(isinstance(v, str) for v in items):
            raise PolicyError(f"{position}.{name}: must be text or a list of text, not {value!r}")
    for name in _TABLES:
        value = params.get(name)
        if value is not None and not isinstance(value, Mapping):
            raise PolicyError(
                f'{position}.{name}: must be a table such as {{ measure = "hours" }}, not {value!r}'
            )
        if isinstance(value, Mapping):
            _check_params(value, f"{position}.{name}")


def _check_number(value: Any, position: str, *, whole: bool) -> None:
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise PolicyError(f"{position}: must be a number, not {value!r}")
    if whole and not isinstance(value, int):
        raise PolicyError(f"{position}: must be a whole number, not {value!r}")
    if value < 0:
        raise PolicyError(f"{position}: must not be negative, not {value!r}")
