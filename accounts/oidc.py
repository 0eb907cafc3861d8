"""The OpenID Connect client: Authlib's, configured from the settings (OIDC_*).

Authlib does the protocol: the authorisation code flow with PKCE (S256), the state and
nonce kept in the session and checked on the way back, the ID token's signature
checked against the issuer's published keys (fetched again when a token names a key
it has not seen), and its issuer, audience, expiry and nonce checked with
OIDC_CLOCK_SKEW_SECONDS of leeway. Who may sign in, and as what, is accounts.sso's.
"""

from typing import Any

# mypy knows of a stubs package (types-Authlib) for an older Authlib; none is used.
from authlib.common.errors import AuthlibBaseError  # type: ignore[import-untyped]
from authlib.integrations.base_client import OAuthError  # type: ignore[import-untyped]
from authlib.integrations.django_client import OAuth  # type: ignore[import-untyped]
from django.conf import settings
from django.http import HttpRequest, HttpResponse
from joserfc.errors import JoseError
from requests import RequestException

# Provider answers that mean "this sign-in failed": a refused or forged token, a
# state or nonce that does not match, the provider unreachable.
FAILURES = (AuthlibBaseError, JoseError, RequestException, ValueError)

_clients: dict[tuple[str, ...], Any] = {}


def client() -> Any:
    """The client for the configured provider (one per configuration, so its metadata
    and keys are fetched once, and again when the settings change, as in tests)."""
    key = (
        settings.OIDC_ISSUER,
        settings.OIDC_CLIENT_ID,
        settings.OIDC_CLIENT_SECRET,
        settings.OIDC_SCOPES,
    )
    if key not in _clients:
        oauth = OAuth()
        _clients[key] = oauth.register(
            "provider",
            client_id=settings.OIDC_CLIENT_ID,
            client_secret=settings.OIDC_CLIENT_SECRET,
            server_metadata_url=(
                f"{settings.OIDC_ISSUER}/.well-known/openid-configuration"
            ),
            client_kwargs={
                "scope": settings.OIDC_SCOPES,
                "code_challenge_method": "S256",
                "default_timeout": 10,
            },
        )
    return _clients[key]


def begin(request: HttpRequest, redirect_uri: str) -> HttpResponse:
    """Send the browser to the provider; state, nonce and the PKCE verifier stay in
    the session."""
    return client().authorize_redirect(request, redirect_uri)


def finish(request: HttpRequest) -> tuple[dict[str, Any], str]:
    """The provider's answer at the callback: the code exchanged (with the PKCE
    verifier) and the ID token verified. Returns its claims and the token itself.
    Raises one of FAILURES."""
    token = client().authorize_access_token(
        request, leeway=settings.OIDC_CLOCK_SKEW_SECONDS
    )
    if "userinfo" not in token:
        raise OAuthError(description="The provider sent no ID token")
    return dict(token["userinfo"]), token["id_token"]


def verify_id_token(id_token: str, nonce: str) -> dict[str, Any]:
    """Verify an ID token exactly as `finish` does (Authlib's parse_id_token)."""
    claims = client().parse_id_token(
        {"id_token": id_token}, nonce=nonce, leeway=settings.OIDC_CLOCK_SKEW_SECONDS
    )
    return dict(claims)


def logout_url(id_token: str, post_logout_redirect_uri: str) -> str | None:
    """The provider's end-session address (RP-initiated logout), or None where its
    metadata names none."""
    app = client()
    if not app.load_server_metadata().get("end_session_endpoint"):
        return None
    return app.create_logout_url(
        post_logout_redirect_uri=post_logout_redirect_uri, id_token_hint=id_token
    )["url"]
