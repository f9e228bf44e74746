"""The callers of the authorization matrix: anonymous, citizens and staff with good tokens, and
tokens that must never be believed (expired, another issuer or audience, `alg=none`, HS256
signed with our public key, and keys that are not ours)."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import time
from dataclasses import dataclass
from typing import Any

import jwt
from cryptography.hazmat.primitives.asymmetric import ec, rsa

from tests.fixtures.tokens import DevTokens

OWNER = "matrix-owner"
OTHER = "matrix-other"
STAFF_ROLES = ("childcare_staff", "jobs_staff", "eldercare_staff")


@dataclass(frozen=True)
class Caller:
    name: str
    sub: str | None  # None: no verified identity (anonymous or a token that must fail)
    roles: frozenset[str]
    token: str | None
    refused: bool = False  # a token that cannot be verified: 401 on every route, public too

    def headers(self) -> dict[str, str]:
        return {} if self.token is None else {"Authorization": f"Bearer {self.token}"}


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def _claims(tokens: DevTokens, **overrides: Any) -> dict[str, Any]:
    now = int(time.time())
    claims: dict[str, Any] = {
        "sub": OWNER,
        "roles": ["citizen", "admin"],
        "iss": tokens.auth.jwt_issuer,
        "aud": tokens.auth.jwt_audience,
        "iat": now,
        "exp": now + 3600,
    }
    return claims | overrides


def _unsigned(claims: dict[str, Any]) -> str:
    head = _b64(json.dumps({"alg": "none", "typ": "JWT"}).encode())
    return f"{head}.{_b64(json.dumps(claims).encode())}."


def _hs256_with_public_key(tokens: DevTokens, claims: dict[str, Any]) -> str:
    """The key-confusion attack: HMAC over the token with the server's public key as secret."""
    head = _b64(json.dumps({"alg": "HS256", "typ": "JWT"}).encode())
    signing_input = f"{head}.{_b64(json.dumps(claims).encode())}"
    secret = tokens.public_key.read_bytes()
    mac = hmac.new(secret, signing_input.encode(), hashlib.sha256).digest()
    return f"{signing_input}.{_b64(mac)}"


def callers(tokens: DevTokens) -> list[Caller]:
    """Every caller of the matrix. The refused tokens claim the owner *and* admin: if one were
    believed, it could do anything, so a single wrong cell shows."""
    good = [
        Caller("anonymous", None, frozenset(), None),
        Caller("owner", OWNER, frozenset({"citizen"}), tokens.token(OWNER, "citizen")),
        Caller("other_citizen", OTHER, frozenset({"citizen"}), tokens.token(OTHER, "citizen")),
        *(
            Caller(role, f"matrix-{role}", frozenset({role}), tokens.token(f"matrix-{role}", role))
            for role in STAFF_ROLES
        ),
        Caller(
            "admin", "matrix-admin", frozenset({"admin"}), tokens.token("matrix-admin", "admin")
        ),
    ]
    foreign_rsa = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    foreign_ec = ec.generate_private_key(ec.SECP256R1())
    bad = {
        "expired": tokens.token(OWNER, "citizen", "admin", ttl_seconds=-3600),
        "wrong_issuer": tokens.token(OWNER, "citizen", "admin", issuer="https://idp.example.net"),
        "wrong_audience": tokens.token(OWNER, "citizen", "admin", audience="another-platform"),
        "alg_none": _unsigned(_claims(tokens)),
        "hs256_public_key": _hs256_with_public_key(tokens, _claims(tokens)),
        "foreign_rs256": jwt.encode(_claims(tokens), foreign_rsa, algorithm="RS256"),
        "foreign_es256": jwt.encode(_claims(tokens), foreign_ec, algorithm="ES256"),
    }
    refused = [Caller(name, None, frozenset(), token, refused=True) for name, token in bad.items()]
    return [*good, *refused]
