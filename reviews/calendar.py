"""Calendar entries (.ics) for review meetings that calendars keep right (docs/rules.md,
D-CAL1): RFC 5545, with iTIP's REQUEST and CANCEL (RFC 5546), sent by email (iMIP,
RFC 6047: see core.notifications for the email's parts).

Each person invited has an entry of their own: its UID is the random UUID kept on
their place on the list (RFC 7986 §5.3), so every version of it, and its
cancellation, replaces the one their calendar holds (same UID, higher SEQUENCE).
The entry carries nothing about the child: no name, no case detail; its place is
left out for someone the child keeps something from (V3), and for everyone when the
child's placement address is confidential (a calendar entry is shared with
delegates and copied to phones, beyond the email).
"""

import ipaddress
from dataclasses import dataclass
from datetime import datetime, timedelta
from urllib.parse import urlsplit

from django.conf import settings
from icalendar import Calendar, Event, vCalAddress, vText

MEETING_LENGTH = timedelta(minutes=45)
REQUEST, CANCEL = "REQUEST", "CANCEL"
ORGANISER_NAME = "IRO service"
SUMMARY = "Review meeting"
NO_REPLIES = (
    "Replies to this calendar entry are not read: to say whether you can come, "
    "contact the Independent Reviewing Officer service."
)


@dataclass(frozen=True)
class Entry:
    """What one person's calendar entry says, in one version."""

    uid: str
    sequence: int
    method: str  # REQUEST or CANCEL
    start: datetime
    attendee_name: str
    attendee_email: str
    location: str | None  # None: left out (V3, a confidential placement)
    place_note: str  # what the description says about the place
    format_label: str
    stamp: datetime


def uid_domain() -> str:
    """The domain part of every UID: the service's own host (SITE_URL), or, when that
    is an address or a name without a dot (a demo on 127.0.0.1), the domain of the
    address the emails come from (DEFAULT_FROM_EMAIL)."""
    host = urlsplit(settings.SITE_URL).hostname or ""
    try:
        ipaddress.ip_address(host)
        is_domain = False
    except ValueError:
        is_domain = "." in host
    if is_domain:
        return host.lower()
    return settings.DEFAULT_FROM_EMAIL.rpartition("@")[2].lower()


def uid_for(calendar_uid) -> str:
    return f"{calendar_uid}@{uid_domain()}"


def description(entry: Entry) -> str:
    """The entry's description: no case detail, only the meeting's arrangements."""
    if entry.method == CANCEL:
        lines = ["This review meeting is cancelled. You do not need to do anything."]
    else:
        lines = [
            "A review meeting arranged by the Independent Reviewing Officer service.",
            f"How people take part: {entry.format_label or 'to be confirmed'}.",
        ]
        if entry.place_note:
            lines.append(entry.place_note)
    return "\n".join([*lines, NO_REPLIES])


def entry_ics(entry: Entry) -> bytes:
    """The .ics of one version of one person's entry; icalendar escapes every value."""
    calendar = Calendar()
    calendar.add("prodid", f"-//{settings.COUNCIL_NAME}//{settings.SERVICE_NAME}//EN")
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", entry.method)
    event = Event()
    event.add("uid", entry.uid)
    event.add("sequence", entry.sequence)
    event.add("dtstamp", entry.stamp)
    event.add("dtstart", entry.start)
    event.add("dtend", entry.start + MEETING_LENGTH)
    event.add("summary", SUMMARY)
    event.add("description", description(entry))
    event.add("status", "CANCELLED" if entry.method == CANCEL else "CONFIRMED")
    event.add("transp", "TRANSPARENT" if entry.method == CANCEL else "OPAQUE")
    if entry.location:
        event["location"] = vText(entry.location)
    organiser = vCalAddress(f"mailto:{settings.DEFAULT_FROM_EMAIL}")
    organiser.params["cn"] = vText(ORGANISER_NAME)
    event["organizer"] = organiser
    if entry.attendee_email:
        attendee = vCalAddress(f"mailto:{entry.attendee_email}")
        attendee.params["cn"] = vText(entry.attendee_name)
        attendee.params["role"] = vText("REQ-PARTICIPANT")
        attendee.params["partstat"] = vText("NEEDS-ACTION")
        # Nobody reads replies: no calendar should offer to send one.
        attendee.params["rsvp"] = vText("FALSE")
        event.add("attendee", attendee, encode=0)
    calendar.add_component(event)
    return calendar.to_ical()
