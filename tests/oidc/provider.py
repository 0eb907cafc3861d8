"""Start a real OpenID Connect provider (node's oidc-provider, tests/oidc/provider.mjs)
on 127.0.0.1 with a signing key generated here, and sign in through it.

The accounts are Microsoft Entra ID's shape of person: tid, oid, preferred_username
(the user principal name), groups or the groups-overage claim, amr where multi-factor
was used. The provider's sign-in page takes any password.
"""

import json
import re
import socket
import subprocess
import time
from dataclasses import dataclass
from html import unescape
from pathlib import Path
from urllib.parse import urljoin

import requests
from joserfc.jwk import RSAKey

ROOT = Path(__file__).resolve().parents[2]
TENANT = "9188040d-6c67-4c5b-b112-36a304b66dad"
OTHER_TENANT = "72f988bf-86f1-41af-91ab-2d7cd011db47"
CLIENT_ID = "childrens-reviews-test"
CLIENT_SECRET = "test-client-secret-not-a-real-one"  # noqa: S105 (test only)
IRO_GROUP = "0b5c2a3e-1111-4c4c-9a9a-000000000001"
NORTH_GROUP = "0b5c2a3e-1111-4c4c-9a9a-000000000002"
MFA = ["pwd", "mfa"]


def person(name: str, **claims) -> dict:
    return {
        "tid": TENANT,
        "oid": f"oid-{name}",
        "preferred_username": f"{name}@council.example.gov.uk",
        "given_name": name.title(),
        "family_name": "Tester",
        "email": f"{name}@council.example.gov.uk",
        **claims,
    }


ACCOUNTS = {
    "known": person("known", amr=MFA),
    "newstarter": person("newstarter", amr=MFA),
    "stranger": person("stranger", amr=MFA),
    "nomfa": person("nomfa"),
    "pwdonly": person("pwdonly", amr=["pwd"]),
    "context": person("context", acrs=["c1"]),
    "leaver": person("leaver", amr=MFA),
    "grouped": person("grouped", amr=MFA, groups=[IRO_GROUP]),
    "northsw": person("northsw", amr=MFA, groups=[NORTH_GROUP]),
    "ungrouped": person("ungrouped", amr=MFA, groups=[]),
    "overage": person(
        "overage",
        amr=MFA,
        _claim_names={"groups": "src1"},
        _claim_sources={"src1": {"endpoint": "https://graph.example/getMemberObjects"}},
    ),
    "foreign": person("foreign", amr=MFA, tid=OTHER_TENANT),
    # The same email as `known`, another person: matching is never by email.
    "lookalike": person("lookalike", amr=MFA, email="known@council.example.gov.uk"),
}


@dataclass
class Provider:
    issuer: str
    key: RSAKey
    process: subprocess.Popen

    def stop(self) -> None:
        self.process.terminate()
        self.process.wait(timeout=10)


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def start(folder: Path, redirect_uris: list[str]) -> Provider:
    """Start the provider; its key is generated here, so the tests can sign tokens
    with it (and with a key of their own, to see them refused)."""
    key = RSAKey.generate_key(2048, parameters={"kid": "provider-key", "use": "sig"})
    files = {
        "OIDC_JWKS": {"keys": [key.as_dict(private=True)]},
        "OIDC_CLIENTS": [
            {
                "client_id": CLIENT_ID,
                "client_secret": CLIENT_SECRET,
                "redirect_uris": redirect_uris,
                "post_logout_redirect_uris": [
                    uri.replace("council/callback/", "") for uri in redirect_uris
                ],
                "response_types": ["code"],
                "grant_types": ["authorization_code"],
                "token_endpoint_auth_method": "client_secret_basic",
            }
        ],
        "OIDC_ACCOUNTS": ACCOUNTS,
    }
    env = {"PATH": "/usr/bin:/bin:/usr/local/bin", "OIDC_PORT": str(_free_port())}
    for name, content in files.items():
        path = folder / f"{name.lower()}.json"
        path.write_text(json.dumps(content))
        env[name] = str(path)
    # Its warnings (a development store, development interactions) go to a file.
    log = (folder / "provider.log").open("w")
    process = subprocess.Popen(
        ["node", str(ROOT / "tests" / "oidc" / "provider.mjs")],
        env=env,
        stdout=subprocess.PIPE,
        stderr=log,
        text=True,
        cwd=ROOT,
    )
    line = process.stdout.readline() if process.stdout else ""
    if not line.startswith("ready "):
        process.kill()
        raise RuntimeError(
            f"oidc-provider did not start: {line}{(folder / 'provider.log').read_text()}"
        )
    issuer = line.split()[1]
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        try:
            requests.get(f"{issuer}/.well-known/openid-configuration", timeout=2)
            break
        except requests.ConnectionError:
            time.sleep(0.1)
    return Provider(issuer=issuer, key=key, process=process)


FORM = re.compile(r'<form[^>]*action="([^"]+)"[^>]*>(.*?)</form>', re.S)


def sign_in_at_provider(authorize_url: str, login: str, stop_at: str) -> str:
    """Sign in on the provider's own pages as `login` (as a person would in the
    browser), and return the address it sends back to, which starts with `stop_at`."""
    http = requests.Session()
    url, data = authorize_url, None
    for _ in range(12):
        response = (
            http.post(url, data=data, allow_redirects=False, timeout=10)
            if data is not None
            else http.get(url, allow_redirects=False, timeout=10)
        )
        if response.is_redirect:
            url, data = urljoin(url, response.headers["Location"]), None
            if url.startswith(stop_at):
                return url
            continue
        match = FORM.search(response.text)
        if match is None:
            raise AssertionError(f"No form at {url}: {response.text[:300]}")
        action, body = urljoin(url, unescape(match.group(1))), match.group(2)
        if 'name="login"' in body:
            data = {"prompt": "login", "login": login, "password": "any"}
        else:
            data = {"prompt": "consent"}
        url = action
    raise AssertionError("The provider never sent the browser back")
