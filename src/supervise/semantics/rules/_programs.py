"""Rule kinds about programs and phases completed."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, ClassVar

import attrs

from supervise.semantics.rules._base import (
    _NO_LABELS,
    Compiled,
    Facts,
    Labels,
    Rule,
    RuleResult,
    _optional_text,
    _text,
    _where_zh,
)


@attrs.frozen
class CompletedProgram(Rule):
    """Every phase complete or exempt in some cohort of ``program`` (of any program when not
    given), not withdrawn from it."""

    kind: ClassVar[str] = "completed_program"
    program: str | None = attrs.field(default=None, validator=_optional_text)

    def programs(self) -> set[tuple[str | None, str | None]]:
        return {(self.program, None)}

    def compile(self, facts: Facts, children: Sequence[Compiled] = ()) -> Compiled:
        done = facts.completed(self.program)
        return Compiled(done, done)

    def explain(
        self, value: Any, met: bool, children: Sequence[RuleResult], labels: Labels = _NO_LABELS
    ) -> RuleResult:
        if self.program is None:
            zh, en = "培养项目", "a program"
        else:
            zh, en = labels.program(self.program, "zh"), labels.program(self.program, "en")
        return RuleResult(
            kind=self.kind,
            met=met,
            actual=met,
            required=True,
            message_zh=f"已完成{zh}" if met else f"尚未完成{zh}",
            message_en=f"completed {en}" if met else f"{en} not completed",
        )


@attrs.frozen
class PhaseComplete(Rule):
    """Phase ``phase`` complete or exempt in some cohort of ``program``."""

    kind: ClassVar[str] = "phase_complete"
    program: str = attrs.field(validator=_text)
    phase: str = attrs.field(validator=_text)

    def programs(self) -> set[tuple[str | None, str | None]]:
        return {(self.program, self.phase)}

    def compile(self, facts: Facts, children: Sequence[Compiled] = ()) -> Compiled:
        done = facts.phase_done(self.program, self.phase)
        return Compiled(done, done)

    def explain(
        self, value: Any, met: bool, children: Sequence[RuleResult], labels: Labels = _NO_LABELS
    ) -> RuleResult:
        zh = _where_zh(labels, self.phase, self.program)
        en = f"{labels.phase(self.phase, 'en')} in {labels.program(self.program, 'en')}"
        return RuleResult(
            kind=self.kind,
            met=met,
            actual=met,
            required=True,
            message_zh=f"已完成{zh}环节" if met else f"尚未完成{zh}环节",
            message_en=f"completed {en}" if met else f"{en} not complete",
        )
