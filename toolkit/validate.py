"""Validation as a step: a registry of application rules, each a pure function that yields Issues.

Modelled on frictionless-py's checks: a rule declares the codes it can raise and yields them; ``validate`` runs
every registered rule in order. A new rule is one module in ``rules/`` plus one line in ``RULES``.

Unit-level decisions (versions, ranking, deadline, quota, duplicates, status) are not rules of one application:
assembly makes them, in one documented order (toolkit.assemble).
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Callable, Iterable

from .campaign import Campaign
from .model import INELIGIBLE, Application, Issue, Report
from .rules.contacts import check_contacts
from .rules.eligibility import check_eligibility
from .rules.fields import check_fields
from .rules.finance import check_finance
from .rules.naming import check_name
from .rules.pairing import check_mismatch
from .rules.region import check_region
from .rules.sections import check_sections


@dataclass(frozen=True)
class Rule:
    """One family of checks on an application. ``decides`` names the status its errors decide (SPEC §6
    precedence, e.g. 不符合申报条件 for eligibility), '' when its errors only make the application 需补正."""

    name: str
    codes: tuple[str, ...]
    check: Callable[[Application, Campaign], Iterable[Issue]]
    decides: str = ""


RULES: tuple[Rule, ...] = (
    Rule("fields", ("field.missing", "field.invalid"), check_fields),
    Rule("contacts", ("field.missing", "field.invalid"), check_contacts),
    Rule("naming", ("name.too-long", "name.pattern"), check_name),
    Rule("sections", ("section.missing", "section.too-long", "section.too-short"), check_sections),
    Rule("mismatch", ("mismatch",), check_mismatch),
    Rule("eligibility", ("eligibility.branch", "eligibility.unprofitable"), check_eligibility, decides=INELIGIBLE),
    Rule("finance", ("finance.suspicious",), check_finance),
    Rule("region", ("region.other",), check_region),
)


@dataclass(frozen=True)
class Validation:
    """What the rules found on one application: its issues, in rule order, and the statuses they decide."""

    issues: tuple = ()
    decided: frozenset = frozenset()  # statuses decided by a rule's errors, e.g. {不符合申报条件}

    @property
    def report(self) -> Report:
        return Report(self.issues)

    @property
    def ineligible(self) -> bool:
        return INELIGIBLE in self.decided


def validate(app: Application, campaign: Campaign, rules: tuple[Rule, ...] = RULES) -> Validation:
    """Run every rule on ``app`` (pure: ``app`` is not changed). Rules yield only codes they declare."""
    issues: list[Issue] = []
    decided = set()
    for rule in rules:
        found = list(rule.check(app, campaign))
        issues.extend(found)
        if rule.decides and any(i.is_error for i in found):
            decided.add(rule.decides)
    return Validation(issues=tuple(issues), decided=frozenset(decided))
