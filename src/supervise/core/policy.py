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
import os
import tomllib
from collections.abc import Iterable, Mapping
from datetime import date
from importlib import resources
from pathlib import Path
from typing import Any, cast

import attrs

from supervise.errors import SuperviseError
from supervise.semantics.rules import KINDS, Rule

__all__ = ["BUILTIN_POLICIES", "Policy", "PolicyError", "load_policy", "policy_from_dict"]

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
            "rules": [{"kind": r.kind, **r.params()} for r in self.rules],
        }


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


def load_policy(path_or_name: str | os.PathLike[str]) -> Policy:
    """Load a policy from a TOML file, or a built-in one by name (``"nx-expert-pool"``).

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


def policy_from_dict(data: Mapping[str, Any]) -> Policy:
    """Build a policy from parsed policy-file data (the inverse of :meth:`Policy.to_dict`)."""
    if not isinstance(data, Mapping):
        raise PolicyError(f"a policy must be a table, not {type(data).__name__}")
    unknown = set(data) - {"id", "name", "version", "description", "rules"}
    if unknown:
        raise PolicyError(
            f"unknown key {sorted(unknown)[0]!r} (expected id, name, version, description, rules)"
        )
    for key in ("id", "name", "version", "rules"):
        if key not in data:
            raise PolicyError(f"missing {key!r}")
    raw_rules = data["rules"]
    if not isinstance(raw_rules, list):
        raise PolicyError("rules: must be an array of tables ([[rules]])")
    version = data["version"]
    if not isinstance(version, str | int | float) or isinstance(version, bool):
        raise PolicyError(f"version: must be text, not {version!r}")
    description = data.get("description", "")
    if not isinstance(description, str):
        raise PolicyError(f"description: must be text, not {description!r}")
    return Policy(
        id=data["id"],
        name=data["name"],
        version=str(version),
        description=description,
        rules=[_rule(item, f"rules[{n}]") for n, item in enumerate(raw_rules)],
    )


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
    for name in ("hours", "sessions", "score", "years"):
        if name in params:
            _check_number(params[name], f"{position}.{name}", whole=name in ("sessions", "years"))
    for name in ("program", "phase", "since", "level", "outcome"):
        value = params.get(name)
        if value is not None and not isinstance(value, str | date):
            raise PolicyError(f"{position}.{name}: must be text, not {value!r}")
    try:
        rule: Rule = cls(**params)
    except (ValueError, TypeError) as exc:
        raise PolicyError(f"{position}: {kind}: {exc}") from None
    return rule


def _check_number(value: Any, position: str, *, whole: bool) -> None:
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise PolicyError(f"{position}: must be a number, not {value!r}")
    if whole and not isinstance(value, int):
        raise PolicyError(f"{position}: must be a whole number, not {value!r}")
    if value < 0:
        raise PolicyError(f"{position}: must not be negative, not {value!r}")
