"""Fill a PostgreSQL database with a whole country's looked-after children.

For benchmarks only (bench/, docs/performance.md); the population is described in
bench/scale_seed.py. Refuses to run on a database holding anything that does not look
like its own data, and with DJANGO_DEBUG=false, unless --force.
"""

import time
from datetime import date
from decimal import Decimal

import psycopg
from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import Group
from django.contrib.contenttypes.models import ContentType
from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction

from accounts.models import Role, Team, User
from bench import scale_seed
from bench.scale_seed import CHILD_ID_PREFIX, PASSWORD, USERNAME_PREFIX
from children.models import Child, PeriodOfCare
from reviews.models import Review

# Emptied by --reset (TRUNCATE ... CASCADE also empties every table that refers to
# these: reviews, allocations, challenges, notifications, the audit log...).
RESET_TABLES = [
    "accounts_team",
    "accounts_user",
    "children_child",
    "auditlog_logentry",
    "django_session",
    "axes_accessattempt",
    "axes_accesslog",
]


class Command(BaseCommand):
    help = (
        "Build a large fictional population for benchmarks (PostgreSQL only): "
        "teams, 1,800 IROs, N children with ten years of reviews."
    )

    def add_arguments(self, parser):
        parser.add_argument("--children", type=int, default=120_000)
        parser.add_argument("--seed", type=int, default=2025)
        parser.add_argument(
            "--today",
            type=date.fromisoformat,
            default=None,
            help="The day the history runs up to (default: today).",
        )
        parser.add_argument(
            "--reset",
            action="store_true",
            help="Empty this database's seeded data first (only if it is all seeded).",
        )
        parser.add_argument(
            "--force",
            action="store_true",
            help="Run with DJANGO_DEBUG=false or on a database that holds other data. "
            "Never on a live council database.",
        )
        parser.add_argument(
            "--if-empty",
            action="store_true",
            help="Do nothing if this database already holds seeded children "
            "(make bench and make load).",
        )
        parser.add_argument(
            "--no-check",
            action="store_true",
            help="Skip the orphan check after the load.",
        )

    def handle(self, *args, **options):
        force, reset = options["force"], options["reset"]
        children = options["children"]
        today = options["today"] or date.today()
        if connection.vendor != "postgresql":
            raise CommandError("seed_scale needs PostgreSQL (it loads with COPY).")
        if not settings.DEBUG and not force:
            raise CommandError(
                "Refusing to seed with DJANGO_DEBUG=false. Use --force only on a "
                "benchmark database that holds no real children."
            )
        if children < 1:
            raise CommandError("--children must be at least 1")
        if options["if_empty"] and Child.objects.exists():
            self._guard(force=force, reset=True)
            self.stdout.write(
                f"Already seeded ({Child.objects.count():,} children): nothing to do."
            )
            return
        self._guard(force=force, reset=reset)
        name = connection.settings_dict["NAME"]
        self.stdout.write(
            f"Seeding {children:,} children into {name} with seed {options['seed']}, "
            f"history up to {today:%d %B %Y}."
        )
        started = time.perf_counter()
        if reset:
            self._reset()
        content_types = {
            key: ContentType.objects.get_for_model(model).pk
            for key, model in (
                ("child", Child),
                ("period", PeriodOfCare),
                ("review", Review),
            )
        }
        population = scale_seed.seed(
            children=children,
            seed_value=options["seed"],
            today=today,
            connect=self._connect,
            make_staff=self._staff,
            content_types=content_types,
            progress=scale_seed.stderr_progress,
        )
        self.stderr.write("")
        loaded = time.perf_counter() - started
        self._finish(population)
        if not options["no_check"]:
            self._check(population)
        total = time.perf_counter() - started
        counts = population.counts
        tables = population.tables
        self.stdout.write(
            self.style.SUCCESS(
                f"Seeded in {total:.0f} s (rows written in {loaded:.0f} s; "
                f"foreign-key triggers {'skipped' if counts.extra['fast_load'] else 'on'} "
                f"during the load): "
                f"{counts.children:,} children, {counts.periods:,} periods of care, "
                f"{counts.episodes:,} episodes, {counts.reviews:,} reviews "
                f"({counts.open_reviews:,} open, {counts.overdue:,} overdue), "
                f"{counts.decisions:,} decisions, {counts.consultations:,} consultations, "
                f"{tables['contact'].count:,} IRO contacts, {counts.challenges:,} challenges, "
                f"{counts.audit:,} audit entries. Seed {options['seed']}."
            )
        )
        self.stdout.write(
            f"Sign in as {USERNAME_PREFIX}manager01 (IRO service manager), "
            f"{USERNAME_PREFIX}iro0001 (IRO), {USERNAME_PREFIX}sw00001 (social worker) "
            f"or {USERNAME_PREFIX}tm001 (team manager); password {PASSWORD}."
        )

    # -- guards --------------------------------------------------------------------

    def _guard(self, *, force: bool, reset: bool) -> None:
        foreign_children = Child.objects.exclude(child_id__startswith=CHILD_ID_PREFIX)
        foreign_users = User.objects.exclude(username__startswith=USERNAME_PREFIX)
        if (foreign_children.exists() or foreign_users.exists()) and not force:
            raise CommandError(
                "This database holds children or users that seed_scale did not make "
                "(real-looking data). Use an empty benchmark database, or --force."
            )
        if (Child.objects.exists() or User.objects.exists()) and not reset:
            raise CommandError(
                "This database already holds data: add --reset to empty it first."
            )

    def _reset(self) -> None:
        self.stdout.write("Emptying the seeded data (--reset)...")
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT tablename FROM pg_tables WHERE schemaname = 'public'"
                " AND tablename = ANY(%s)",
                [RESET_TABLES],
            )
            present = [row[0] for row in cursor.fetchall()]
            cursor.execute(
                f"TRUNCATE {', '.join(present)} RESTART IDENTITY CASCADE"  # noqa: S608
            )

    # -- staff ---------------------------------------------------------------------

    def _connect(self):
        params = connection.get_connection_params()
        params.pop("cursor_factory", None)
        params.pop("context", None)
        params.pop("prepare_threshold", None)
        params.pop("server_side_binding", None)
        return psycopg.connect(**params)

    @transaction.atomic
    def _staff(self) -> scale_seed.Staff:
        """Teams, users and roles through the ORM (a few thousand rows)."""
        groups = {
            role: Group.objects.get_or_create(name=role.value)[0] for role in Role
        }
        iro_team = Team.objects.bulk_create(
            [
                Team(
                    name="Scale Independent Reviewing Service",
                    kind=Team.Kind.IRO_SERVICE,
                )
            ]
        )[0]
        regions = scale_seed.REGIONS
        teams = Team.objects.bulk_create(
            Team(
                name=f"Scale {regions[i % len(regions)]} children in care team {i + 1:03d}"
            )
            for i in range(scale_seed.TEAMS)
        )
        # One hash for every bench user: Argon2 is slow by design.
        password = make_password(PASSWORD)
        users: list[User] = []
        roles: list[tuple[int, list[Role]]] = []

        def add(username, first, last, user_roles, team=None, **extra):
            roles.append((len(users), user_roles))
            users.append(
                User(
                    username=f"{USERNAME_PREFIX}{username}",
                    first_name=first,
                    last_name=last,
                    email=f"{USERNAME_PREFIX}{username}@scale.example.gov.uk",
                    password=password,
                    team=team,
                    **extra,
                )
            )

        firsts, lasts = scale_seed.FIRST_NAMES, scale_seed.LAST_NAMES
        ftes = [Decimal("1.00"), Decimal("1.00"), Decimal("0.80"), Decimal("0.60")]
        for i in range(1, scale_seed.IROS + 1):
            user_roles = [Role.IRO]
            if i <= scale_seed.DUTY_IROS:
                user_roles.append(Role.DUTY_IRO)
            add(
                f"iro{i:04d}",
                firsts[i % len(firsts)],
                lasts[(i * 7) % len(lasts)],
                user_roles,
                iro_team,
                fte=ftes[i % len(ftes)],
                job_title="Independent Reviewing Officer",
            )
        sw_number = 0
        for t, team in enumerate(teams, start=1):
            add(
                f"tm{t:03d}",
                firsts[(t * 3) % len(firsts)],
                lasts[(t * 11) % len(lasts)],
                [Role.TEAM_MANAGER],
                team,
            )
            for _ in range(scale_seed.SOCIAL_WORKERS_PER_TEAM):
                sw_number += 1
                add(
                    f"sw{sw_number:05d}",
                    firsts[(sw_number * 5) % len(firsts)],
                    lasts[(sw_number * 13) % len(lasts)],
                    [Role.SOCIAL_WORKER],
                    team,
                )
        for i in range(1, scale_seed.MANAGERS + 1):
            add(f"manager{i:02d}", "Sam", f"Manager{i}", [Role.IRO_MANAGER], iro_team)
        for i in range(1, scale_seed.SENIOR_MANAGERS + 1):
            add(
                f"hos{i:02d}",
                "Alex",
                f"Head{i}",
                [Role.SENIOR_MANAGER],
                senior_level=User.SeniorLevel.HEAD_OF_SERVICE,
            )
        for i in range(1, scale_seed.BUSINESS_SUPPORT + 1):
            add(f"bs{i:02d}", "Jo", f"Support{i}", [Role.BUSINESS_SUPPORT], iro_team)
        add("admin", "Pat", "Admin", [Role.ADMINISTRATOR])
        users = User.objects.bulk_create(users, batch_size=1000)
        through = User.groups.through
        through.objects.bulk_create(
            (
                through(user_id=users[index].pk, group_id=groups[role].pk)
                for index, user_roles in roles
                for role in user_roles
            ),
            batch_size=2000,
        )
        overseen = User.overseen_teams.through
        seniors = [u for u in users if u.username.startswith(f"{USERNAME_PREFIX}hos")]
        per = len(teams) // len(seniors)
        overseen.objects.bulk_create(
            overseen(user_id=senior.pk, team_id=team.pk)
            for s, senior in enumerate(seniors)
            for team in teams[s * per : (s + 1) * per]
        )
        by_name = {u.username: u.pk for u in users}
        p = USERNAME_PREFIX
        social_workers: dict[int, list[int]] = {}
        team_managers: dict[int, int] = {}
        for u in users:
            if u.username.startswith(f"{p}sw"):
                social_workers.setdefault(u.team_id, []).append(u.pk)
            elif u.username.startswith(f"{p}tm"):
                team_managers[u.team_id] = u.pk
        return scale_seed.Staff(
            teams=[t.pk for t in teams],
            iro_team=iro_team.pk,
            iros=[by_name[f"{p}iro{i:04d}"] for i in range(1, scale_seed.IROS + 1)],
            social_workers=social_workers,
            team_managers=team_managers,
            managers=[by_name[f"{p}manager{i:02d}"] for i in range(1, 11)],
            business_support=[by_name[f"{p}bs{i:02d}"] for i in range(1, 31)],
        )

    # -- after the load ------------------------------------------------------------

    def _finish(self, population) -> None:
        started = time.perf_counter()
        self.stderr.write("Setting sequences and analysing the tables...")
        with connection.cursor() as cursor:
            for table in population.tables.values():
                cursor.execute(
                    f"SELECT setval(pg_get_serial_sequence('{table.name}', 'id'), "  # noqa: S608
                    f"GREATEST((SELECT max(id) FROM {table.name}), 1))"
                )
        # VACUUM cannot run in a transaction: use a plain connection.
        with self._connect() as conn:
            conn.autocommit = True
            for table in population.tables.values():
                conn.execute(f"VACUUM (ANALYZE) {table.name}")
        self.stderr.write(f"  done in {time.perf_counter() - started:.0f} s")

    def _check(self, population) -> None:
        """Every foreign key of the loaded tables points at a row (triggers were off)."""
        started = time.perf_counter()
        problems = []
        with connection.cursor() as cursor:
            for table in population.tables.values():
                for f in table.model._meta.concrete_fields:
                    if not f.is_relation or f.column not in table.columns:
                        continue
                    target = f.related_model._meta.db_table
                    cursor.execute(
                        f"SELECT count(*) FROM {table.name} t WHERE t.{f.column} IS NOT NULL "  # noqa: S608
                        f"AND NOT EXISTS (SELECT 1 FROM {target} p WHERE p.id = t.{f.column})"
                    )
                    orphans = cursor.fetchone()[0]
                    if orphans:
                        problems.append(f"{table.name}.{f.column}: {orphans}")
        if problems:
            raise CommandError("Rows pointing nowhere: " + "; ".join(problems))
        self.stderr.write(
            f"Foreign keys checked in {time.perf_counter() - started:.0f} s: no orphans."
        )
