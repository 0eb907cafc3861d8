"""The load test: 50 users, each waiting 1 second between requests.

    locust -f bench/locustfile.py --headless -u 50 -r 10 -t 60s \
        --host http://127.0.0.1:8010

Users are locust's FastHttpUser (geventhttpclient): the load generator shares the two
cores with the server, and this client costs about 60% of the CPU of the
requests-based HttpUser for the same run (4.4 s against 7.2 s).

Every user signs in through the real sign-in form (REQUIRE_2FA=false on the server)
as one of seed_scale's users, then opens pages in the proportions below. Most are IROs
(their My work, their children's pages, the child list filtered to overdue reviews);
one in ten is the IRO service manager (every child in scope).

The measured minute starts when the last of the users has signed in: the sign-ins
(50 Argon2 hashes, about 0.17 s of CPU each, in the first seconds) are the warm-up,
timed apart, and the statistics are reset then; LOAD_MEASURED_SECONDS later (60 by
default) the run stops, so the pages are measured with every user signed in for the
whole minute. -t is only a safety limit. Failures are counted over the whole run,
warm-up included, and written with the sign-ins' times to LOAD_WARMUP_FILE.
"""

import itertools
import json
import os
import random
import re
import statistics

import gevent
from locust import FastHttpUser, between, events, task

PASSWORD = os.environ.get("BENCH_PASSWORD", "scale-bench-password")
CHILD_LINK = re.compile(r'href="/children/(\d+)/"')
CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
IRO_NUMBERS = itertools.count(1)
MANAGER_NUMBERS = itertools.count(1)
MEASURED_SECONDS = float(os.environ.get("LOAD_MEASURED_SECONDS", "60"))
WARMUP_FILE = os.environ.get("LOAD_WARMUP_FILE", "")
run = {
    "signed_in": 0,
    "sign_in_ms": [],
    "failures": 0,
    "requests": 0,
    "measuring": False,
}


@events.request.add_listener
def count(name, response_time, exception, **kwargs):
    run["requests"] += 1
    if exception is not None:
        run["failures"] += 1
    if name == "sign in":
        run["sign_in_ms"].append(response_time)


def signed_in(environment) -> None:
    """After the last user's sign-in, start the measured minute."""
    run["signed_in"] += 1
    if run["signed_in"] == environment.parsed_options.num_users:
        environment.runner.stats.reset_all()
        run["measuring"] = True
        gevent.spawn_later(MEASURED_SECONDS, environment.runner.quit)


@events.quitting.add_listener
def write_warmup(environment, **kwargs):
    if not WARMUP_FILE:
        return
    times = sorted(run["sign_in_ms"])
    with open(WARMUP_FILE, "w") as f:
        json.dump(
            {
                "users": environment.parsed_options.num_users,
                "signed_in": run["signed_in"],
                "measured": run["measuring"],
                "sign_in_median_ms": statistics.median(times) if times else None,
                "sign_in_max_ms": times[-1] if times else None,
                "requests": run["requests"],
                "failures": run["failures"],
            },
            f,
        )


class SignedIn(FastHttpUser):
    abstract = True
    wait_time = between(1, 1)
    username = ""

    def sign_in(self) -> None:
        page = self.client.get("/account/sign-in/", name="sign in (form)")
        token = CSRF.search(page.text).group(1)
        with self.client.post(
            "/account/sign-in/",
            data={
                "username": self.username,
                "password": PASSWORD,
                "csrfmiddlewaretoken": token,
            },
            headers={"Referer": f"{self.host}/account/sign-in/"},
            name="sign in",
            allow_redirects=False,
            catch_response=True,
        ) as response:
            if response.status_code != 302:
                response.failure(f"sign-in gave {response.status_code}")
        signed_in(self.environment)

    def children_from(self, url: str, name: str) -> list[str]:
        page = self.client.get(url, name=name)
        return CHILD_LINK.findall(page.text)


class Iro(SignedIn):
    weight = 9

    def on_start(self):
        self.username = f"scale_iro{next(IRO_NUMBERS):04d}"
        self.sign_in()
        self.children = self.children_from("/", "my work") or ["1"]

    @task(3)
    def my_work(self):
        self.client.get("/", name="my work")

    @task(3)
    def child_page(self):
        self.client.get(f"/children/{random.choice(self.children)}/", name="child page")

    @task(2)
    def overdue(self):
        self.client.get("/children/?overdue=on", name="child list, overdue")


class Manager(SignedIn):
    weight = 1

    def on_start(self):
        self.username = f"scale_manager{next(MANAGER_NUMBERS) % 10 + 1:02d}"
        self.sign_in()
        self.children = self.children_from(
            "/children/?overdue=on", "child list, overdue (manager)"
        ) or ["1"]

    @task(2)
    def overdue(self):
        self.client.get("/children/?overdue=on", name="child list, overdue (manager)")

    @task(2)
    def child_page(self):
        self.client.get(
            f"/children/{random.choice(self.children)}/", name="child page (manager)"
        )

    @task(1)
    def my_work(self):
        self.client.get("/", name="my work (manager)")
