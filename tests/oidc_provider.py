"""A small OpenID Connect provider for tests, served from a thread: no external service.

It signs in whoever `claims` describes: the authorization endpoint sends the browser straight
back with a code; the token endpoint answers an RS256 ID token with the request's nonce (or a
forged one, see `forge`); userinfo answers the claims without groups, as Entra ID does.
"""

from __future__ import annotations

import base64
import hashlib
import json
import secrets
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlencode, urlsplit

import jwt
from cryptography.hazmat.primitives.asymmetric import rsa

CLIENT_ID = "rolpool"
CLIENT_SECRET = "test-client-secret"  # noqa: S105
GROUP_MAP = {
    "rolpool-hr": "HR-adviseur",
    "rolpool-manager": "opdrachtgever",
    "rolpool-medewerker": "medewerker",
    "rolpool-beheer": "functioneel beheerder",
}

USERNAME = "j.jansen@utrecht.nl"


def person(*groups: str, **claims) -> dict:
    """Claims of someone in the provider's `groups`."""
    return {
        "sub": "a1b2c3",
        "preferred_username": USERNAME,
        "email": USERNAME,
        "given_name": "Jan",
        "family_name": "Jansen",
        "groups": list(groups),
        **claims,
    }


def oidc_settings(settings, *, discovery_url: str = "", **endpoints: str) -> None:
    """Turn single sign-on on, as config/settings.py does from the environment."""
    settings.OIDC_ENABLED = True
    settings.AXES_WHITELIST_CALLABLE = "config.oidc.axes_exempt"
    settings.AUTHENTICATION_BACKENDS = [
        *settings.AUTHENTICATION_BACKENDS,
        "config.oidc.OIDCBackend",
    ]
    settings.OIDC_RP_CLIENT_ID = CLIENT_ID
    settings.OIDC_RP_CLIENT_SECRET = CLIENT_SECRET
    settings.OIDC_RP_SIGN_ALGO = "RS256"
    settings.OIDC_RP_SCOPES = "openid email profile"
    settings.OIDC_OP_DISCOVERY_URL = discovery_url
    for name in ("AUTHORIZATION", "TOKEN", "USER", "JWKS"):
        setattr(settings, f"OIDC_OP_{name}_ENDPOINT", endpoints.get(name.lower(), ""))
    settings.OIDC_GROUPS_CLAIM = "groups"
    settings.OIDC_GROUP_MAP = GROUP_MAP
    settings.OIDC_USE_PKCE = True
    settings.OIDC_TIMEOUT = 5


class Provider:
    def __init__(self) -> None:
        self.key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        self.other_key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.reset()

    def reset(self) -> None:
        self.claims: dict = {}
        self.forge: str | None = None  # "signature", "nonce", "audience" or "expired"
        self.codes: dict[str, dict] = {}  # code → the authorization request's parameters
        self.tokens: dict[str, dict] = {}  # access token → claims

    def __enter__(self) -> Provider:
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        return self

    def __exit__(self, *exc) -> None:
        self.server.shutdown()
        self.server.server_close()

    @property
    def discovery_url(self) -> str:
        return f"{self.url}/.well-known/openid-configuration"

    def discovery(self) -> dict:
        return {
            "issuer": self.url,
            "authorization_endpoint": f"{self.url}/authorize",
            "token_endpoint": f"{self.url}/token",
            "userinfo_endpoint": f"{self.url}/userinfo",
            "jwks_uri": f"{self.url}/jwks",
        }

    def jwks(self) -> dict:
        jwk = jwt.algorithms.RSAAlgorithm.to_jwk(self.key.public_key(), as_dict=True)
        return {"keys": [{**jwk, "kid": "test", "alg": "RS256", "use": "sig"}]}

    def authorize(self, query: dict) -> str:
        """Where the provider sends the browser back: the callback with a code and the state."""
        code = secrets.token_urlsafe(16)
        self.codes[code] = query
        back = urlencode({"code": code, "state": query["state"]})
        return f"{query['redirect_uri']}?{back}"

    def token(self, form: dict) -> tuple[int, dict]:
        request = self.codes.pop(form.get("code", ""), None)
        if request is None or form.get("client_secret") != CLIENT_SECRET:
            return 400, {"error": "invalid_grant"}
        challenge = base64.urlsafe_b64encode(
            hashlib.sha256(form.get("code_verifier", "").encode()).digest()
        )
        if challenge.rstrip(b"=").decode() != request.get("code_challenge"):
            return 400, {"error": "invalid_grant", "error_description": "PKCE"}
        now = int(time.time())
        id_token = {
            "iss": self.url,
            "aud": "another-client" if self.forge == "audience" else CLIENT_ID,
            "iat": now,
            "exp": now - 60 if self.forge == "expired" else now + 300,
            "nonce": "forged" if self.forge == "nonce" else request.get("nonce"),
            **self.claims,
        }
        key = self.other_key if self.forge == "signature" else self.key
        access_token = secrets.token_urlsafe(16)
        self.tokens[access_token] = self.claims
        signed = jwt.encode(id_token, key, algorithm="RS256", headers={"kid": "test"})
        return 200, {"access_token": access_token, "token_type": "Bearer", "id_token": signed}

    def userinfo(self, authorization: str) -> tuple[int, dict]:
        claims = self.tokens.get(authorization.removeprefix("Bearer "))
        if claims is None:
            return 401, {"error": "invalid_token"}
        return 200, {k: v for k, v in claims.items() if k != "groups"}

    def _handler(self):
        provider = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:  # noqa: N802
                url = urlsplit(self.path)
                query = {k: v[0] for k, v in parse_qs(url.query).items()}
                if url.path == "/authorize":
                    self.send_response(302)
                    self.send_header("Location", provider.authorize(query))
                    self.end_headers()
                elif url.path == "/userinfo":
                    self._json(*provider.userinfo(self.headers.get("Authorization", "")))
                elif url.path == "/jwks":
                    self._json(200, provider.jwks())
                elif url.path == "/.well-known/openid-configuration":
                    self._json(200, provider.discovery())
                else:
                    self._json(404, {})

            def do_POST(self) -> None:  # noqa: N802
                body = self.rfile.read(int(self.headers.get("Content-Length", 0))).decode()
                form = {k: v[0] for k, v in parse_qs(body).items()}
                if self.path == "/token":
                    self._json(*provider.token(form))
                else:
                    self._json(404, {})

            def _json(self, status: int, data: dict) -> None:
                payload = json.dumps(data).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(payload)))
                self.end_headers()
                self.wfile.write(payload)

            def log_message(self, *args) -> None:  # keep test output quiet
                pass

        return Handler
