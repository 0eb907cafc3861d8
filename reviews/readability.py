"""Plain-language checks on the record before it is finalised (reading age, jargon)."""

import re
from dataclasses import dataclass, field

import textstat

# The reading age each band's record aims for.
BAND_TARGETS = {"under_8": 7, "8_to_12": 10, "13_plus": 13}

# Words professionals use that children should not have to decode, with plain words.
JARGON = {
    "lac": "children in care",
    "cla": "children in care",
    "looked after child": "child in care",
    "pep": "your school plan",
    "r&d": "what we decided",
    "iro": "your reviewing officer (say their name)",
    "contact": "time with your family",
    "placement": "where you live",
    "s20": "living here with your parents' agreement",
    "section 20": "living here with your parents' agreement",
    "care plan": "your plan",
    "la": "the council",
    "statutory": "the law says",
    "respite": "short breaks",
    "permanence": "where you will grow up",
}


@dataclass(frozen=True)
class RecordCheck:
    reading_age: int | None
    target: int
    jargon: list[tuple[str, str]] = field(default_factory=list)

    @property
    def too_hard(self) -> bool:
        return self.reading_age is not None and self.reading_age > self.target

    def warning_text(self) -> str:
        parts = []
        if self.too_hard:
            parts.append(
                f"Reading age {self.reading_age} is above the target of {self.target}"
            )
        if self.jargon:
            parts.append("Jargon: " + ", ".join(word for word, _ in self.jargon))
        return "; ".join(parts)


def reading_age(text: str) -> int | None:
    """An approximate reading age (Flesch–Kincaid grade + 5), None for too little text."""
    if len(text.split()) < 20:
        return None
    return max(5, round(textstat.flesch_kincaid_grade(text) + 5))


def find_jargon(text: str) -> list[tuple[str, str]]:
    lowered = text.lower()
    return [
        (word, plain)
        for word, plain in JARGON.items()
        if re.search(rf"(?<![\w&]){re.escape(word)}(?![\w&])", lowered)
    ]


def check_record(record) -> RecordCheck:
    """Check the child's version of the record against its band's reading-age target."""
    text = " ".join(section.text for section in record.sections.all())
    text += " " + " ".join(
        d.child_wording or d.what for d in record.review.decisions.all()
    )
    return RecordCheck(reading_age(text), BAND_TARGETS[record.band], find_jargon(text))
