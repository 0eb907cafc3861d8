"""Issue a two-factor setup code from the server, for when no administrator can.

For the only administrator who has lost their phone: whoever runs this has the server's
own access. In every other case an administrator issues the code in /manage/.
"""

from django.core.management.base import BaseCommand, CommandError

from accounts import two_factor
from accounts.models import User


class Command(BaseCommand):
    help = "Issue a two-factor setup code for a user (voids any older code)."

    def add_arguments(self, parser):
        parser.add_argument("username")

    def handle(self, *args, username, **options):
        user = User.objects.filter(username=username).first()
        if user is None:
            raise CommandError(f"No user is called {username!r}.")
        code = two_factor.issue_setup_code_on_server(user)
        days = two_factor.code_lifetime().days
        self.stdout.write(
            f"Setup code for {username}: {code} (works once, for {days} days)"
        )
