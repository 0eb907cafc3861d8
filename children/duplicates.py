"""Is this child already recorded? The register's check before a child is added
(docs/rules.md, ID-DUP).

A new child is checked against the whole register, whoever may see it: a child with the
same NHS number, or the same first name, last name and date of birth (the names
compared without regard to case). A match in the user's scope is shown with its link;
one outside it is shown only as "A child with these details may already be known: ask
the IRO service manager", without its name, link or id. Either way an access entry on
the matched child records the check (core.audit), so the service manager sees it on that
child's "who viewed or changed" page.

A matching NHS number stops the child being added (no two children share one); a
matching name and date of birth stops it until the user confirms this is a different
child. The confirmation is tied to the children it was given against by a digest that
names none of them (`Matches.digest`).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.db.models import Q
from django.http import HttpRequest
from django.utils.crypto import salted_hmac

from accounts.models import User
from children.models import Child
from children.permissions import children_visible_to
from core.audit import record_access

UNKNOWN_MATCH = (
    "A child with these details may already be known: ask the IRO service manager"
)


@dataclass(frozen=True)
class Match:
    child: Child
    same_nhs_number: bool
    in_scope: bool

    @property
    def why(self) -> str:
        if self.same_nhs_number:
            return "the same NHS number"
        return "the same name and date of birth"


@dataclass(frozen=True)
class Matches:
    found: tuple[Match, ...] = ()

    def __bool__(self) -> bool:
        return bool(self.found)

    @property
    def shown(self) -> list[Match]:
        """The matches the user may see: shown with their name and link."""
        return [m for m in self.found if m.in_scope]

    @property
    def any_unseen(self) -> bool:
        """A match outside the user's scope: said to exist, never who it is."""
        return any(not m.in_scope for m in self.found)

    @property
    def same_nhs_number(self) -> Match | None:
        return next((m for m in self.found if m.same_nhs_number), None)

    @property
    def digest(self) -> str:
        """What a confirmation that the child is a different one is given against: a
        keyed hash of the matched children, which tells nothing about them."""
        pks = ",".join(str(m.child.pk) for m in self.found)
        return salted_hmac("children.duplicates", pks).hexdigest()


def possible_duplicates(
    user: User,
    *,
    nhs_number: str | None,
    first_name: str,
    last_name: str,
    date_of_birth: date | None,
    other_than: Child | None = None,
) -> Matches:
    """The children already recorded who may be this one, in the whole register.

    other_than: the child being changed, who is not their own duplicate.
    """
    query = Q(pk__in=[])
    if nhs_number:
        query |= Q(nhs_number=nhs_number)
    first, last = first_name.strip(), last_name.strip()
    if first and last and date_of_birth is not None:
        query |= Q(
            date_of_birth=date_of_birth,
            first_name__iexact=first,
            last_name__iexact=last,
        )
    candidates = Child.objects.filter(query)
    if other_than is not None:
        candidates = candidates.exclude(pk=other_than.pk)
    children = list(candidates.order_by("pk"))
    if not children:
        return Matches()
    seen = set(
        children_visible_to(user)
        .filter(pk__in=[c.pk for c in children])
        .values_list("pk", flat=True)
    )
    return Matches(
        tuple(
            Match(
                child=c,
                same_nhs_number=bool(nhs_number) and c.nhs_number == nhs_number,
                in_scope=c.pk in seen,
            )
            for c in children
        )
    )


def record_check(request: HttpRequest, matches: Matches, *, doing: str) -> None:
    """An access entry on each matched child: shown to the user, or checked unseen.

    doing: what the user was doing, e.g. "adding a new child".
    """
    for match in matches.found:
        if match.in_scope:
            what = f"shown as possibly the same child as one {doing} ({match.why})"
        else:
            what = (
                f"checked as possibly the same child as one {doing} ({match.why}); "
                "not shown: outside the user's scope"
            )
        record_access(match.child, request=request, what=what)
