from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = "Accounts and roles"

    def ready(self):
        from django.db.models.signals import post_migrate

        from accounts import security_log

        security_log.connect()
        # After every migrate (and a test database's flush): the role groups and the
        # permissions the admin pages need (accounts.roles).
        post_migrate.connect(_grant_role_permissions, sender=self)


def _grant_role_permissions(sender, using="default", **kwargs):
    from accounts.roles import grant_role_permissions

    grant_role_permissions(using=using)
