"""Calendar invitations (.ics, METHOD:REQUEST) for review meetings."""

from datetime import timedelta

from django.conf import settings
from icalendar import Calendar, Event, vCalAddress, vText

from reviews.services import sharing

MEETING_LENGTH = timedelta(minutes=45)


def invitation_ics(review, invitee) -> bytes:
    """Return an .ics invitation for one invitee; icalendar escapes every text value."""
    calendar = Calendar()
    calendar.add("prodid", f"-//{settings.COUNCIL_NAME}//{settings.SERVICE_NAME}//EN")
    calendar.add("version", "2.0")
    calendar.add("method", "REQUEST")
    event = Event()
    event.add(
        "uid",
        f"review-{review.pk}-{review.scheduled_for:%Y%m%d%H%M}@{settings.SERVICE_NAME.replace(' ', '-').lower()}",
    )
    event.add("summary", "Review meeting")
    event.add("dtstart", review.scheduled_for)
    event.add("dtend", review.scheduled_for + MEETING_LENGTH)
    event.add("dtstamp", review.updated_at)
    # V3: no place for someone the child keeps something from (the IRO tells them).
    place = sharing.meeting_place_for(review, invitee)
    event["location"] = vText(place[:1].upper() + place[1:])
    organiser = vCalAddress(f"mailto:{settings.DEFAULT_FROM_EMAIL}")
    organiser.params["cn"] = vText("IRO service")
    event["organizer"] = organiser
    if invitee.email:
        attendee = vCalAddress(f"mailto:{invitee.email}")
        attendee.params["cn"] = vText(invitee.name)
        attendee.params["role"] = vText("REQ-PARTICIPANT")
        event.add("attendee", attendee, encode=0)
    calendar.add_component(event)
    return calendar.to_ical()
