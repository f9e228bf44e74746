"""Rotating the identity provider's keys (docs/operations.md "Production tokens"), against a real
JWKS endpoint in its own process: while the JWKS serves two keys with distinct `kid`s a token
signed with either verifies; once the old key is removed, its tokens are refused after the
refresh, however recently they verified; the new key keeps working. And the claims: the roles
claim is configurable, and an outage of the provider does not sign everyone out."""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import jwt
import pytest
from cryptography.hazmat.primitives.asymmetric import ec, rsa

from common import auth
from common.auth import Principal, TokenVerifier
from common.errors import Unauthenticated
from common.settings import AuthSettings
from tests.fixtures.processes import served
from tests.fixtures.waiting import eventually

ISSUER, AUDIENCE = "https://id.hohhot.example", "hohhot-wellbeing"
REFRESH_SECONDS = 0.5  # the JWKS is fetched again this long after it was fetched

PrivateKey = ec.EllipticCurvePrivateKey | rsa.RSAPrivateKey


def _jwk(key: PrivateKey, kid: str) -> dict[str, Any]:
    if isinstance(key, ec.EllipticCurvePrivateKey):
        jwk = json.loads(jwt.algorithms.ECAlgorithm.to_jwk(key.public_key()))
        jwk["alg"] = "ES256"
    else:
        jwk = json.loads(jwt.algorithms.RSAAlgorithm.to_jwk(key.public_key()))
        jwk["alg"] = "RS256"
    return {**jwk, "kid": kid, "use": "sig"}


def _sign(key: PrivateKey, kid: str, sub: str, **claims: Any) -> str:
    now = int(time.time())
    body = {"sub": sub, "roles": ["citizen"], "iss": ISSUER, "aud": AUDIENCE, "iat": now}
    body |= {"exp": now + 3600, **claims}
    algorithm = "ES256" if isinstance(key, ec.EllipticCurvePrivateKey) else "RS256"
    return jwt.encode(body, key, algorithm=algorithm, headers={"kid": kid})


class Provider:
    """The stand-in identity provider (tests/common/jwks_app.py) and its JWKS file."""

    def __init__(self, url: str, jwks_file: Path) -> None:
        self.url, self.jwks_file = url, jwks_file

    def publish(self, **keys: PrivateKey) -> None:
        body = {"keys": [_jwk(key, kid) for kid, key in keys.items()]}
        tmp = self.jwks_file.with_suffix(".tmp")
        tmp.write_text(json.dumps(body))
        tmp.replace(self.jwks_file)  # the server never reads half a file

    def fetches(self) -> int:
        return int(httpx.get(f"{self.url}/fetches").json()["fetches"])

    def verifier(self, **settings: Any) -> TokenVerifier:
        return TokenVerifier(
            AuthSettings(
                jwt_jwks_url=f"{self.url}/.well-known/jwks.json",
                jwt_issuer=ISSUER,
                jwt_audience=AUDIENCE,
                jwt_jwks_refresh_seconds=settings.pop("refresh", REFRESH_SECONDS),
                **settings,
            )
        )


@pytest.fixture
def provider(tmp_path: Path) -> Iterator[Provider]:
    jwks_file = tmp_path / "jwks.json"
    jwks_file.write_text('{"keys": []}')
    with served("tests.common.jwks_app:create_app", {"JWKS_FILE": str(jwks_file)}) as url:
        yield Provider(url, jwks_file)


async def _outcome(verifier: TokenVerifier, token: str) -> Principal | str:
    """The principal, or the problem code of the 401."""
    try:
        return await verifier.verify(token)
    except Unauthenticated as exc:
        return exc.code


async def test_two_keys_verify_and_a_removed_key_is_refused_after_the_refresh(
    provider: Provider,
) -> None:
    old, new = ec.generate_private_key(ec.SECP256R1()), ec.generate_private_key(ec.SECP256R1())
    provider.publish(**{"city-idp-2026-a": old, "city-idp-2026-b": new})
    verifier = provider.verifier()
    by_old = _sign(old, "city-idp-2026-a", "c-old")
    by_new = _sign(new, "city-idp-2026-b", "c-new")

    both = [await _outcome(verifier, by_old), await _outcome(verifier, by_new)]
    # the `kid` names the key that must verify: the other key's signature under it is refused
    mislabelled = await _outcome(verifier, _sign(new, "city-idp-2026-a", "c-forged"))
    unknown = await _outcome(verifier, _sign(old, "city-idp-2025-z", "c-unknown"))

    provider.publish(**{"city-idp-2026-b": new})  # the old key retired
    fetched = provider.fetches()
    refused = await eventually(lambda: _outcome(verifier, by_old), lambda r: r == "invalid_token")
    fresh_by_old = await _outcome(verifier, _sign(old, "city-idp-2026-a", "c-old-2"))
    still_new = await _outcome(verifier, by_new)
    fresh_by_new = await _outcome(verifier, _sign(new, "city-idp-2026-b", "c-new-2"))

    assert [p.sub for p in both if isinstance(p, Principal)] == ["c-old", "c-new"]
    assert mislabelled == "invalid_token" and unknown == "invalid_token"
    assert refused == "invalid_token" and fresh_by_old == "invalid_token"
    assert provider.fetches() > fetched  # refused because the JWKS was read again
    assert isinstance(still_new, Principal) and still_new.sub == "c-new"
    assert isinstance(fresh_by_new, Principal) and fresh_by_new.sub == "c-new-2"


async def test_a_key_published_later_verifies_without_a_restart(
    provider: Provider, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(auth, "UNKNOWN_KID_COOLDOWN_SECONDS", 1.0)  # 30 s in production
    first = ec.generate_private_key(ec.SECP256R1())
    later = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    provider.publish(k1=first)
    # a long refresh: the unknown `kid` itself makes the verifier read the JWKS again
    verifier = provider.verifier(refresh=600)
    assert isinstance(await _outcome(verifier, _sign(first, "k1", "c-1")), Principal)

    provider.publish(k1=first, k2=later)
    rotated_in = await eventually(
        lambda: _outcome(verifier, _sign(later, "k2", "c-2")), lambda r: r != "invalid_token"
    )

    assert isinstance(rotated_in, Principal) and rotated_in.sub == "c-2"


async def test_the_roles_claim_is_configurable_and_may_be_nested(provider: Provider) -> None:
    key = ec.generate_private_key(ec.SECP256R1())
    provider.publish(k1=key)
    keycloak = provider.verifier(jwt_roles_claim="realm_access.roles")
    nested = {"roles": None, "realm_access": {"roles": ["eldercare_staff", "offline_access"]}}

    staff = await _outcome(keycloak, _sign(key, "k1", "s-1", **nested))
    without = await _outcome(keycloak, _sign(key, "k1", "c-2"))  # no realm_access: no roles
    malformed = await _outcome(keycloak, _sign(key, "k1", "c-3", realm_access={"roles": "x"}))
    default = await _outcome(provider.verifier(), _sign(key, "k1", "c-4", roles=["admin"]))

    assert isinstance(staff, Principal)
    assert staff.roles == frozenset({"eldercare_staff", "offline_access"})
    assert isinstance(without, Principal) and without.roles == frozenset()
    assert malformed == "invalid_token"
    assert isinstance(default, Principal) and default.roles == frozenset({"admin"})
    with pytest.raises(ValueError, match="jwt_roles_claim"):
        AuthSettings(jwt_roles_claim="realm_access..roles")


async def test_an_unreachable_provider_keeps_the_last_jwks_in_use(tmp_path: Path) -> None:
    key = ec.generate_private_key(ec.SECP256R1())
    jwks_file = tmp_path / "jwks.json"
    with served("tests.common.jwks_app:create_app", {"JWKS_FILE": str(jwks_file)}) as url:
        provider = Provider(url, jwks_file)
        provider.publish(k1=key)
        verifier = provider.verifier()
        before = await _outcome(verifier, _sign(key, "k1", "c-before"))
    # the provider is gone; once the JWKS is due again, the next token makes the verifier try
    jwks = verifier._jwks
    assert jwks is not None and jwks.jwk_set_cache is not None
    cache = jwks.jwk_set_cache
    await eventually(lambda: _async(cache.is_expired()), bool)

    during = await _outcome(verifier, _sign(key, "k1", "c-during"))

    assert isinstance(before, Principal) and isinstance(during, Principal)
    assert during.sub == "c-during"


async def _async(value: bool) -> bool:
    return value
