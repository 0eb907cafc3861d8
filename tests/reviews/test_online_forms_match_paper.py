"""The online consultation forms ask what the paper forms ask (templates/documents/pdf/
consultation_adult.html): each question printed on a person's paper form is a question of the form their
link opens, with the same choices, and what they answer reaches the IRO."""

import re
from datetime import timedelta
from html import unescape

import pytest
from django.urls import reverse
from django.utils import timezone

from documents.documents import consultation_specs
from documents.pdf import render_html
from reviews.models import AccessLink, Consultation, Invitee
from reviews.services import link_issue
from tests.reviews.test_written_for_the_child import _invited_child

pytestmark = pytest.mark.django_db


def _paper(spec) -> dict[str, list[str]]:
    """Each question of a paper form, with the choices printed under it."""
    html = render_html(spec.template, spec.full_context())
    questions: dict[str, list[str]] = {}
    for block in re.findall(
        r'(?s)<h2 class="question">.*?(?=<h2 class="question">|$)', html
    ):
        question = unescape(re.search(r"<h2[^>]*>(.*?)</h2>", block).group(1)).strip()
        questions[question.replace(f" for {spec.child.known_as}", "")] = [
            unescape(choice).strip()
            for choice in re.findall(
                r'<p class="choice"><span class="tick"></span>([^<]*)</p>', block
            )
        ]
    return questions


def _online(page: str) -> dict[str, list[str]]:
    """Each question of the page's form: a box's label, or a set of choices' legend."""
    questions: dict[str, list[str]] = {}
    for legend, body in re.findall(
        r"(?s)<legend[^>]*>(.*?)</legend>(.*?)</fieldset>", page
    ):
        choices = re.findall(
            r'<label class="govuk-label govuk-radios__label"[^>]*>\s*(.*?)\s*</label>',
            body,
        )
        questions[unescape(re.sub(r"<[^>]+>", "", legend)).strip()] = [
            unescape(c) for c in choices
        ]
    for label in re.findall(
        r'(?s)<label[^>]*class="govuk-label"[^>]*>(.*?)</label>', page
    ):
        questions.setdefault(unescape(re.sub(r"<[^>]+>", "", label)).strip(), [])
    return questions


@pytest.mark.parametrize("role", ["parent", "carer"])
def test_an_adults_online_form_asks_every_question_of_their_paper_form(
    world, client, role
):
    """A parent's and a carer's: each is sent the adult form, on paper or online."""
    review = _invited_child(world, "8_to_12")
    mum = Invitee.objects.create(
        review=review,
        name="Mum Inscope",
        role=role,
        method="email",
        email="mum@example.org",
        consultation_type="adult",
    )
    (spec,) = [s for s in consultation_specs(review) if s.invitee == mum]
    paper = _paper(spec)
    assert len(paper) >= 5, paper
    issued = link_issue(
        purpose=AccessLink.Purpose.CONSULTATION,
        recipient=mum,
        review=review,
        now=timezone.now(),
    )
    online = _online(client.get(issued.url).content.decode())
    missing = {q: c for q, c in paper.items() if online.get(q) != c}
    assert not missing, (missing, online)

    answer = client.post(
        issued.url,
        {
            "going_well": "School is going well",
            "anything_else": "Dad's new job means he can come on Fridays",
            "coming": "separately",
        },
    )
    assert answer.status_code == 200 and "Thank you" in answer.content.decode()
    views = Consultation.objects.get(review=review, invitee=mum)
    assert views.coming == "separately"
    assert views.anything_else.startswith("Dad's new job")
    client.force_login(world["iro_a"])
    page = client.get(
        reverse("reviews:consultations", args=[review.pk])
    ).content.decode()
    assert "I would like to speak to the reviewing officer separately" in page
    assert "can come on Fridays" in page
    assert timezone.localdate() + timedelta(days=10) >= views.received_on
