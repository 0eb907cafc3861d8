"""A real SMTP server in the test process (aiosmtpd), for tests about delivery.

`smtp_server` starts one on 127.0.0.1, points Django's SMTP email backend at it and
gives the messages that arrived, parsed by the standard library's email parser, so a
test reads back what the outbox really sent (attachments and calendar parts
included) rather than Django's locmem outbox. Import the fixture into a test module:

    from tests.smtp_server import smtp_server  # noqa: F401 (a fixture)
"""

import socket
import time
from email import message_from_bytes, policy
from email.message import EmailMessage

import pytest
from aiosmtpd.controller import Controller


class Received:
    """What the server was sent: each message with its envelope recipients."""

    def __init__(self):
        self.messages: list[tuple[list[str], EmailMessage]] = []

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 (aiosmtpd's name)
        message = message_from_bytes(envelope.content, policy=policy.default)
        self.messages.append((list(envelope.rcpt_tos), message))
        return "250 Message accepted for delivery"

    def to(self, address: str) -> list[EmailMessage]:
        return [m for rcpt, m in self.messages if address in rcpt]

    def wait_for(self, count: int, timeout: float = 10.0) -> None:
        """Wait until at least `count` messages have arrived (a live server's thread)."""
        deadline = time.monotonic() + timeout
        while len(self.messages) < count and time.monotonic() < deadline:
            time.sleep(0.05)


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def smtp_server(settings):
    """An SMTP server on 127.0.0.1 that Django sends to; yields what it received."""
    received = Received()
    controller = Controller(received, hostname="127.0.0.1", port=_free_port())
    controller.start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = controller.hostname
    settings.EMAIL_PORT = controller.port
    settings.EMAIL_USE_TLS = False
    settings.EMAIL_HOST_USER = settings.EMAIL_HOST_PASSWORD = ""
    try:
        yield received
    finally:
        controller.stop()
