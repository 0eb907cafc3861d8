"""Plain-language checks on the record before it is finalised (reading age, jargon)."""

import re
from dataclasses import dataclass, field

import textstat

# The reading age each band's record aims for.
BAND_TARGETS = {"under_8": 7, "8_to_12": 10, "13_plus": 13}
# And the letters to adults (D-WORDS): parents and carers, whatever the child's age,
# at the reading age most adults read at ease (GOV.UK aims at 9; the letters are at 9
# to 10); professionals' copies may use the terms of their work.
READER_TARGETS = {"parent": 10, "professional": 12}

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
    # Added for the child's documents: more of what professionals say.
    "looked after": "in care",
    "r and d": "what we decided",
    "care order": "the court's decision that the council shares looking after you",
    "interim care order": "the court's decision for now",
    "placement order": "the court's decision that you can be adopted",
    "sgo": "special guardianship (a family member looking after you until you grow up)",
    "special guardianship order": "a family member looking after you until you grow up",
    "s31": "the court's decision that the council shares looking after you",
    "section 31": "the court's decision that the council shares looking after you",
    "child protection": "keeping you safe",
    "cp plan": "the plan to keep you safe",
    "cin": "children who get extra help",
    "ehcp": "your plan for extra help at school",
    "camhs": "the people who help with feelings and worries",
    "lado": "the person who checks that adults working with children are safe",
    "sdq": "the questions about your feelings",
    "pathway plan": "your plan for growing up and leaving care",
    "personal adviser": "the person who helps you after you leave care",
    "pa": "the person who helps you after you leave care",
    "supervising social worker": "your carer's social worker",
    "designated teacher": "the teacher who helps children in care at your school",
    "delegated authority": "the things your carer can say yes to",
    "sibling": "brother or sister",
    "siblings": "brothers and sisters",
    "residential": "children's home",
    "connected person": "family or friends who look after you",
    "kinship care": "living with family or friends",
    "reunification": "going back home",
    "rehabilitation home": "going back home",
    "missing episode": "a time you went missing",
    "multi-agency": "people from different services",
    "core group": "the meeting about keeping you safe",
    "strategy meeting": "the meeting about keeping you safe",
    "yot": "the youth justice team",
    "uasc": "young people who came to this country on their own",
    "legal status": "why you are in care",
    "assessment": "finding out what you need",
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
