"""The ``intake:`` section: merge window, tiers, classification and severity rules, proxy cases, social words."""

from __future__ import annotations

from typing import Annotated, Any

from pydantic import Field, field_validator, model_validator

from .common import Category, Channel, Duration, OneOrMany, PolicyProblem, Strict, Text, checked, problem, unique_ids

SEVERITIES = ("LOW", "MEDIUM", "HIGH", "CRITICAL")
TIERS = (1, 2, 3)
Tier = Annotated[int, Field(ge=1, le=3)]


def _severity(value: Any) -> int:
    """1..4 or LOW/MEDIUM/HIGH/CRITICAL, kept as the number."""
    if isinstance(value, int) and not isinstance(value, bool):
        if not 1 <= value <= 4:
            raise problem("severity", "must be at {edge}, got {value}",
                          edge="least 1" if value < 1 else "most 4", value=value)
        return value
    if value not in SEVERITIES:
        raise problem("severity", "expected one of {options}, got {value}", options=", ".join(SEVERITIES),
                      value=repr(value))
    return SEVERITIES.index(value) + 1


Severity = Annotated[int, *checked(_severity, {"anyOf": [{"type": "integer", "minimum": 1, "maximum": 4},
                                                         {"enum": list(SEVERITIES)}]})]


class RegulatorRisk(Strict):
    """Points towards an appeal to the regulator (越级投诉)."""

    repeat_contact: float = Field(15, ge=0)
    new_channel: float = Field(5, ge=0)
    regulator_channel: float = Field(60, ge=0)
    tier1: float = Field(10, ge=0)
    maximum: float = Field(100, ge=1)


class CategoryRule(Strict):
    id: Text
    category: Category
    words: list[Text] = Field(description="any one of them, as whole words of the segmented text")

    @field_validator("words")
    @classmethod
    def _some_words(cls, words: list[str]) -> list[str]:
        if not words:
            raise PolicyProblem("a category rule needs at least one word")
        return words


class SeverityRule(Strict):
    id: Text
    severity: Severity
    channel: OneOrMany(Channel) = []
    tier: OneOrMany(Tier) = []
    category: OneOrMany(Category) = []
    min_contacts: int = Field(1, ge=1)


class Proxy(Strict):
    """代用户投诉: many reports of one fault become one case."""

    categories: list[Category] = ["network_signal", "broadband_outage"]
    threshold: int = Field(20, ge=2)
    window: Duration = "10m"
    incident_lifetime: Duration = "24h"
    severity: Severity = 3
    late_tolerance: Duration = "30m"

    @model_validator(mode="after")
    def _lifetime_covers_the_window(self) -> Proxy:
        if self.incident_lifetime < self.window:
            raise PolicyProblem("must not be shorter than the window", "incident_lifetime")
        return self


class Classifier(Strict):
    """The learned category model (issue 16); the keyword rules above it are overrides that win."""

    min_confidence: float = Field(0.5, gt=0, lt=1, description="below this a person triages the category")
    candidates: int = Field(3, ge=1, le=5, description="how many of the model's best categories are recorded")


class Merge(Strict):
    """A repeat contact is the same problem when its category is the case's, or in the same family, or
    its text is at least ``similarity`` alike (issue 16); the customer and the window must match too."""

    families: dict[Text, list[Category]] = Field({}, description="family name -> its categories")
    similarity: float = Field(0.5, gt=0, le=1, description="cosine of the texts in the model's features")

    @field_validator("families")
    @classmethod
    def _one_family_each(cls, families: dict[str, list[str]]) -> dict[str, list[str]]:
        seen: dict[str, str] = {}
        for family, categories in families.items():
            for category in categories:
                if category in seen:
                    raise PolicyProblem(f"{category!r} is already in family {seen[category]!r}", family)
                seen[category] = family
        return families


class Social(Strict):
    """A post is relevant when it names the brand and either the category model files it under a
    complaint category with at least ``min_confidence``, or it has a signal word."""

    brand_words: list[Text] = ["联通", "沃", "10010", "电信", "10000"]
    signal_words: list[Text] = ["投诉", "信号差", "断网", "乱扣费"]
    min_confidence: float = Field(0.75, gt=0, lt=1, description="the model's probability that makes a post relevant")

    @field_validator("brand_words", "signal_words")
    @classmethod
    def _some_words(cls, words: list[str]) -> list[str]:
        if not words:
            raise PolicyProblem("at least one word is required")
        return words


def _priorities(value: Any) -> dict[int, int]:
    """Tier -> queue priority (1 is served first); tiers left out keep their own number."""
    if not isinstance(value, dict):
        raise PolicyProblem(f"expected a mapping, got {type(value).__name__}")
    given = {str(key): number for key, number in value.items()}
    for key in given:
        if key not in {str(tier) for tier in TIERS}:
            raise PolicyProblem("tiers are 1, 2 and 3", key)
    priorities = {tier: given.get(str(tier), tier) for tier in TIERS}
    for tier, number in priorities.items():
        if not isinstance(number, int) or isinstance(number, bool):
            raise PolicyProblem(f"expected a whole number, got {number!r}", tier)
        if not 1 <= number <= 9:
            raise PolicyProblem(f"must be at {'least 1' if number < 1 else 'most 9'}, got {number}", tier)
    for tier in TIERS[1:]:
        if priorities[tier] < priorities[tier - 1]:
            raise PolicyProblem(f"tier {tier} cannot be served before tier {tier - 1}", tier)
    return priorities


Priorities = Annotated[dict[int, int], *checked(_priorities, {
    "type": "object", "propertyNames": {"pattern": "^[123]$"},
    "additionalProperties": {"type": "integer", "minimum": 1, "maximum": 9}})]


class IntakeSection(Strict):
    merge_window: Duration = "72h"
    default_tier: Tier = 3
    priority_by_tier: Priorities = {1: 1, 2: 2, 3: 3}
    regulator_risk: RegulatorRisk = RegulatorRisk()
    categories: list[CategoryRule] = Field([], validate_default=True,
                                           description="overrides of the model: the first matching rule wins")
    severity: list[SeverityRule] = Field([], validate_default=True,
                                         description="the highest matching severity wins")
    proxy: Proxy = Proxy()
    social: Social = Social()
    classifier: Classifier = Classifier()
    merge: Merge = Merge()

    @field_validator("categories", "severity")
    @classmethod
    def _rules(cls, rules: list[Any]) -> list[Any]:
        if not rules:
            raise PolicyProblem("at least one rule is required")
        return unique_ids(rules)

