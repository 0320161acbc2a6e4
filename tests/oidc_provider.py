"""A small OpenID Connect provider for tests, served from a thread: no external service.

It signs in whoever `claims` describes: the authorization endpoint sends the browser straight
back with a code; the token endpoint answers an RS256 ID token with the request's nonce (or a
forged one, see `forge`); userinfo answers the claims without groups, as Entra ID does. The
end-session endpoint (RP-Initiated Logout) checks its id_token_hint, records whose session
ended and sends the browser to the post_logout_redirect_uri; `end_session = False` leaves it
out of the discovery document, as providers without one do.
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
OTHER_ISSUER = "https://login.elders.example/tenant-van-een-ander/v2.0"


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


def oidc_settings(settings, *, discovery_url: str = "", issuer: str = "", **endpoints: str) -> None:
    """Turn single sign-on on, as config/settings.py does from the environment; `endpoints`
    by their short name (authorization, token, user, jwks, end_session)."""
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
    settings.OIDC_OP_ISSUER = issuer
    for name in ("AUTHORIZATION", "TOKEN", "USER", "JWKS", "END_SESSION"):
        setattr(settings, f"OIDC_OP_{name}_ENDPOINT", endpoints.get(name.lower(), ""))
    settings.OIDC_STORE_ID_TOKEN = True
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
        # "signature", "nonce", "audience", "expired", "issuer" or "azp"
        self.forge: str | None = None
        self.codes: dict[str, dict] = {}  # code → the authorization request's parameters
        self.tokens: dict[str, dict] = {}  # access token → claims
        self.end_session = True
        self.discovered_issuer: str | None = None  # the issuer discovery names, if not self.url
        self.ended: list[dict] = []  # the claims of each ID token whose session ended here

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
        document = {
            "issuer": self.discovered_issuer or self.url,
            "authorization_endpoint": f"{self.url}/authorize",
            "token_endpoint": f"{self.url}/token",
            "userinfo_endpoint": f"{self.url}/userinfo",
            "jwks_uri": f"{self.url}/jwks",
        }
        if self.end_session:
            document["end_session_endpoint"] = f"{self.url}/logout"
        return document

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
            "iss": OTHER_ISSUER if self.forge == "issuer" else self.url,
            "aud": "another-client" if self.forge == "audience" else CLIENT_ID,
            "iat": now,
            "exp": now - 60 if self.forge == "expired" else now + 300,
            "nonce": "forged" if self.forge == "nonce" else request.get("nonce"),
            **({"azp": "another-client"} if self.forge == "azp" else {}),
            **self.claims,
        }
        key = self.other_key if self.forge == "signature" else self.key
        access_token = secrets.token_urlsafe(16)
        self.tokens[access_token] = self.claims
        signed = jwt.encode(id_token, key, algorithm="RS256", headers={"kid": "test"})
        return 200, {"access_token": access_token, "token_type": "Bearer", "id_token": signed}

    def logout(self, query: dict) -> str | None:
        """End the session of the ID token in the hint; where the browser goes then (None:
        a hint that is not an ID token of ours for that client, or nowhere to go)."""
        try:
            claims = jwt.decode(
                query.get("id_token_hint", ""),
                self.key.public_key(),
                algorithms=["RS256"],
                audience=query.get("client_id"),
                options={"verify_exp": False},  # a hint may have expired; it is still ours
            )
        except jwt.InvalidTokenError:
            return None
        self.ended.append(claims)
        return query.get("post_logout_redirect_uri")

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
                    self._redirect(provider.authorize(query))
                elif url.path == "/logout":
                    location = provider.logout(query)
                    if location:
                        self._redirect(location)
                    else:
                        self._json(400, {"error": "invalid_request"})
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

            def _redirect(self, location: str) -> None:
                self.send_response(302)
                self.send_header("Location", location)
                self.end_headers()

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
