"""Browser journeys run in Debian's Chromium (never a downloaded browser)."""

import shutil

import pytest

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    return {
        **browser_type_launch_args,
        "executable_path": CHROMIUM,
        "args": [
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
        ],
    }


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args):
    return {**browser_context_args, "bypass_csp": True, "locale": "en-GB"}


@pytest.fixture
def demo_service(transactional_db, settings):
    """The demo service, as `make demo` loads it."""
    from django.core.management import call_command

    call_command("seed_demo", force=True, verbosity=0)
