from __future__ import annotations

from pathlib import Path

import httpx
import jwt
import pytest
from cryptography.hazmat.primitives import serialization

from common.auth import TokenVerifier
from common.errors import Unauthenticated
from common.settings import AuthSettings
from tests.fixtures.problems import assert_problem
from tests.fixtures.processes import served
from tests.fixtures.tokens import DevTokens


async def test_missing_token_is_401_with_challenge(probe: httpx.AsyncClient) -> None:
    r = await probe.get("/probe/staff")

    assert_problem(r, 401, "unauthenticated")
    assert r.headers["www-authenticate"].startswith("Bearer")


async def test_expired_token_is_401(probe: httpx.AsyncClient, tokens: DevTokens) -> None:
    expired = tokens.token("staff-1", "childcare_staff", ttl_seconds=-60)

    r = await probe.get("/probe/staff", headers={"Authorization": f"Bearer {expired}"})

    assert_problem(r, 401, "token_expired")


async def test_wrong_audience_and_garbage_are_401(
    probe: httpx.AsyncClient, tokens: DevTokens
) -> None:
    other = tokens.token("staff-1", "childcare_staff", audience="someone-else")

    for token in (other, "not-a-jwt", other[:-4] + "AAAA"):
        r = await probe.get("/probe/staff", headers={"Authorization": f"Bearer {token}"})
        assert_problem(r, 401, "invalid_token")


async def test_token_signed_by_another_key_is_401(
    probe: httpx.AsyncClient, tmp_path: object
) -> None:
    from pathlib import Path

    stranger = DevTokens(Path(str(tmp_path)))

    r = await probe.get("/probe/staff", headers=stranger.headers("staff-1", "childcare_staff"))

    assert_problem(r, 401, "invalid_token")


async def test_role_is_checked(probe: httpx.AsyncClient, tokens: DevTokens) -> None:
    citizen = await probe.get("/probe/staff", headers=tokens.headers("c-1", "citizen"))
    staff = await probe.get("/probe/staff", headers=tokens.headers("s-1", "childcare_staff"))
    admin = await probe.get("/probe/staff", headers=tokens.headers("a-1", "admin"))

    assert_problem(citizen, 403, "forbidden")
    assert staff.json() == {"sub": "s-1"}
    assert admin.json() == {"sub": "a-1"}


def test_dev_key_is_refused_outside_development(tokens: DevTokens) -> None:
    import pytest
    from pydantic import ValidationError

    from common.settings import AuthSettings

    with pytest.raises(ValidationError, match="development"):
        AuthSettings(environment="production", dev_key_file=tokens.public_key)  # type: ignore[arg-type]


def test_a_jwks_url_and_a_public_key_together_are_refused(tokens: DevTokens) -> None:
    pem = tokens.public_key.read_text()
    with pytest.raises(ValueError, match="JWT_JWKS_URL and JWT_PUBLIC_KEY are both set"):
        AuthSettings(jwt_jwks_url="https://id.example/jwks.json", jwt_public_key=pem)
    # an empty variable (compose's `${JWT_PUBLIC_KEY:-}`) is not a second source
    only_url = AuthSettings(jwt_jwks_url="https://id.example/jwks.json", jwt_public_key="")
    assert only_url.jwt_public_key is None
    assert AuthSettings(jwt_jwks_url=" ", jwt_public_key=pem).jwt_jwks_url is None


async def test_tokens_verify_against_a_jwks_url(tokens: DevTokens, tmp_path: Path) -> None:
    env = {"JWKS_PUBLIC_KEY": str(tokens.public_key)}
    with served("tests.common.jwks_app:create_app", env) as idp:
        verifier = TokenVerifier(AuthSettings(jwt_jwks_url=f"{idp}/.well-known/jwks.json"))
        private = serialization.load_pem_private_key(tokens.private_key.read_bytes(), password=None)
        claims = {
            "sub": "c-1",
            "roles": ["citizen"],
            "iss": "hohhot-wellbeing-dev",
            "aud": "hohhot-wellbeing",
            "exp": 4102444800,
        }
        good = jwt.encode(claims, private, algorithm="ES256", headers={"kid": "city-idp-1"})  # type: ignore[arg-type]
        principal = await verifier.verify(good)
        with pytest.raises(Unauthenticated):
            await verifier.verify(DevTokens(tmp_path).token("c-1", "citizen"))

    assert principal.sub == "c-1" and principal.roles == frozenset({"citizen"})


def _rsa_token(**claims: object) -> str:
    from cryptography.hazmat.primitives.asymmetric import rsa

    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    body = {
        "sub": "c-rsa",
        "roles": ["citizen"],
        "iss": "hohhot-wellbeing-dev",
        "aud": "hohhot-wellbeing",
        "exp": 4102444800,
        **claims,
    }
    return jwt.encode(body, key, algorithm="RS256")


async def test_an_rs256_token_from_any_rsa_key_is_401_not_500(probe: httpx.AsyncClient) -> None:
    bearer = {"Authorization": f"Bearer {_rsa_token()}", "X-Request-ID": "rsa-1"}

    for path in ("/probe/staff", "/probe/public"):
        r = await probe.get(path, headers=bearer)
        assert_problem(r, 401, "invalid_token")
        assert r.headers["x-request-id"] == "rsa-1"


async def test_a_bad_token_on_a_public_read_is_401_like_everywhere(
    probe: httpx.AsyncClient, tokens: DevTokens
) -> None:
    anonymous = await probe.get("/probe/public")
    expired = tokens.token("c-pub", "citizen", ttl_seconds=-60)

    bad = await probe.get("/probe/public", headers={"Authorization": "Bearer not-a-jwt"})
    late = await probe.get("/probe/public", headers={"Authorization": f"Bearer {expired}"})

    assert anonymous.json() == {"hello": "anyone"}
    assert_problem(bad, 401, "invalid_token")
    assert_problem(late, 401, "token_expired")


async def test_a_clock_a_few_seconds_ahead_is_tolerated(
    probe: httpx.AsyncClient, tokens: DevTokens
) -> None:
    import time

    now = int(time.time())
    private = serialization.load_pem_private_key(tokens.private_key.read_bytes(), password=None)

    def signed(ahead: int) -> str:
        claims = {
            "sub": "s-skew",
            "roles": ["childcare_staff"],
            "iss": "hohhot-wellbeing-dev",
            "aud": "hohhot-wellbeing",
            "iat": now + ahead,
            "nbf": now + ahead,
            "exp": now + 3600,
        }
        return jwt.encode(claims, private, algorithm="ES256")  # type: ignore[arg-type]

    slightly = await probe.get("/probe/staff", headers={"Authorization": f"Bearer {signed(5)}"})
    far = await probe.get("/probe/staff", headers={"Authorization": f"Bearer {signed(120)}"})

    assert slightly.json() == {"sub": "s-skew"}
    assert_problem(far, 401, "invalid_token")


async def test_a_verified_token_is_not_verified_again_until_it_expires(
    tokens: DevTokens, monkeypatch: pytest.MonkeyPatch
) -> None:
    verifier = TokenVerifier(tokens.auth)
    calls = []
    real_decode = jwt.decode

    def counting_decode(*args: object, **kwargs: object) -> object:
        calls.append(1)
        return real_decode(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(jwt, "decode", counting_decode)
    token = tokens.token("c-cache", "citizen")

    first = await verifier.verify(token)
    second = await verifier.verify(token)
    with pytest.raises(Unauthenticated):
        await verifier.verify(tokens.token("c-cache", "citizen", ttl_seconds=-60))
    with pytest.raises(Unauthenticated):
        await verifier.verify(tokens.token("c-cache", "citizen", ttl_seconds=-60))

    assert first == second and first.sub == "c-cache"
    assert len(calls) == 3  # once for the good token, twice for the bad one (never remembered)
