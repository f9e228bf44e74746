"""Bearer-token verification (JWKS URL, configured public key, or the development key) and roles."""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any

import anyio
import jwt
import structlog
from cachetools import TLRUCache
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from fastapi import Depends, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from common.errors import Forbidden, Unauthenticated
from common.i18n import t
from common.settings import AuthSettings, Environment
from common.state import context_of


class Role(StrEnum):
    citizen = "citizen"
    childcare_staff = "childcare_staff"
    jobs_staff = "jobs_staff"
    eldercare_staff = "eldercare_staff"
    admin = "admin"


@dataclass(frozen=True)
class Principal:
    sub: str
    roles: frozenset[str]
    token: str = field(repr=False)
    expires_at: float = 0.0  # the token's `exp`, seconds since the epoch

    def has_any(self, *roles: Role) -> bool:
        return bool(self.roles & {r.value for r in roles})


# the algorithms a configured key can verify; any other `alg` in a token is refused before the
# key is used (PyJWT raises TypeError when handed a key of another type)
_ALGORITHMS_BY_KEY: tuple[tuple[type[Any], frozenset[str]], ...] = (
    (ec.EllipticCurvePublicKey, frozenset({"ES256", "ES384", "ES512"})),
    (rsa.RSAPublicKey, frozenset({"RS256", "RS384", "RS512", "PS256", "PS384", "PS512"})),
)


def _key_algorithms(key: Any, allowed: list[str]) -> list[str]:
    for key_type, algorithms in _ALGORITHMS_BY_KEY:
        if isinstance(key, key_type):
            return [a for a in allowed if a in algorithms]
    return []


# a newly published key (an unknown `kid`) makes a process fetch the JWKS again at most this
# often: a flood of made-up `kid`s cannot turn into a flood of requests to the identity provider
UNKNOWN_KID_COOLDOWN_SECONDS = 30.0
log = structlog.get_logger("auth")
JWKS_FETCH_TIMEOUT_SECONDS = 5.0


class JwksClient(jwt.PyJWKClient):
    """The identity provider's JWKS, fetched again every `lifespan` seconds (and for an unknown
    `kid`), so a key removed from it stops verifying. No per-`kid` cache (PyJWT's never expires).

    While the provider is unreachable the last JWKS fetched stays in use, tried again once a
    `lifespan`: an outage of the provider does not sign every citizen out.
    """

    def __init__(self, url: str, *, lifespan: float) -> None:
        super().__init__(
            url,
            cache_keys=False,
            lifespan=lifespan,
            timeout=JWKS_FETCH_TIMEOUT_SECONDS,
            cooldown_duration=min(UNKNOWN_KID_COOLDOWN_SECONDS, lifespan),
        )
        self._last_fetched: jwt.PyJWKSet | None = None

    def get_jwk_set(self, refresh: bool = False) -> jwt.PyJWKSet:
        try:
            self._last_fetched = super().get_jwk_set(refresh)
        except jwt.PyJWKClientConnectionError as exc:
            log.warning("jwks_fetch_failed", error_type=type(exc.__cause__).__name__)
            if self._last_fetched is None or self.jwk_set_cache is None:
                raise
            self.jwk_set_cache.put(self._last_fetched)  # not asked again for a `lifespan`
        return self._last_fetched


class TokenVerifier:
    """Verifies issuer, audience, expiry and signature of the city's tokens.

    A verified token is remembered until its `exp` (a signature check costs ~220 µs of CPU, and
    a mobile app sends the same token for hours), with a JWKS no longer than the JWKS itself is
    trusted (a token signed with a key since removed is then refused); a token that fails is
    never remembered.
    """

    def __init__(self, settings: AuthSettings, *, cache_size: int = 10_000) -> None:
        self.settings = settings
        self._jwks = (
            JwksClient(settings.jwt_jwks_url, lifespan=settings.jwt_jwks_refresh_seconds)
            if settings.jwt_jwks_url
            else None
        )
        horizon = settings.jwt_jwks_refresh_seconds if self._jwks is not None else float("inf")

        def until(_: str, principal: Principal, now: float) -> float:
            return min(principal.expires_at, now + horizon)

        self._verified: TLRUCache[str, Principal] = TLRUCache(
            maxsize=cache_size, ttu=until, timer=time.time
        )
        self._key: Any = None
        if settings.jwt_public_key:
            self._key = serialization.load_pem_public_key(settings.jwt_public_key.encode())
        elif settings.dev_key_file is not None:
            if (
                settings.environment is not Environment.development
            ):  # pragma: no cover - settings refuse it
                raise RuntimeError("development key outside development mode")
            self._key = serialization.load_pem_public_key(settings.dev_key_file.read_bytes())

    @property
    def configured(self) -> bool:
        return self._jwks is not None or self._key is not None

    async def verify(self, token: str) -> Principal:
        cached = self._verified.get(token)
        if cached is not None:
            return cached
        if self._jwks is None and self._key is None:
            raise Unauthenticated(
                t("This server has no token verification key configured."), code="invalid_token"
            )
        try:
            if self._jwks is not None:
                jwks = self._jwks
                signing = await anyio.to_thread.run_sync(jwks.get_signing_key_from_jwt, token)
                key: Any = signing.key
            else:
                key = self._key
            claims = jwt.decode(
                token,
                key,
                algorithms=_key_algorithms(key, self.settings.jwt_algorithms),
                audience=self.settings.jwt_audience,
                issuer=self.settings.jwt_issuer,
                leeway=self.settings.jwt_leeway_seconds,
                options={"require": ["exp", "sub", "iss", "aud"]},
            )
        except jwt.ExpiredSignatureError as exc:
            raise Unauthenticated(t("The token has expired."), code="token_expired") from exc
        except Exception as exc:  # whatever a crafted token makes the library raise: 401
            raise Unauthenticated(t("The token is not valid."), code="invalid_token") from exc
        sub = claims.get("sub")
        roles = _claim(claims, self.settings.jwt_roles_claim, [])
        exp = claims.get("exp")
        if (
            not isinstance(sub, str)
            or not sub
            or not isinstance(roles, list)
            or not isinstance(exp, int | float)
        ):
            raise Unauthenticated(t("The token lacks a subject or roles."), code="invalid_token")
        principal = Principal(
            sub=sub, roles=frozenset(str(r) for r in roles), token=token, expires_at=float(exp)
        )
        self._verified[token] = principal
        return principal


def _claim(claims: dict[str, Any], path: str, default: Any) -> Any:
    """The claim at a dotted path (`realm_access.roles`), or `default` when it is not there."""
    value: Any = claims
    for name in path.split("."):
        if not isinstance(value, dict) or name not in value:
            return default
        value = value[name]
    return value


BEARER_SCHEME = "bearer"
# marks the routes that need a token; `common.app` folds it into BEARER_SCHEME in the OpenAPI
REQUIRED_BEARER_SCHEME = "bearer_required"
_bearer = HTTPBearer(
    auto_error=False,
    scheme_name=BEARER_SCHEME,
    description="JWT from the city's identity provider",
)
_bearer_required = HTTPBearer(auto_error=False, scheme_name=REQUIRED_BEARER_SCHEME)


async def optional_principal(
    request: Request,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)],
) -> Principal | None:
    """The caller, if a token is sent; a token that cannot be verified is a 401, always."""
    if credentials is None:
        return None
    return await context_of(request.app).token_verifier.verify(credentials.credentials)


async def require_principal(
    principal: Annotated[Principal | None, Depends(optional_principal)],
    _: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer_required)],
) -> Principal:
    if principal is None:
        raise Unauthenticated(t("A bearer token is required."))
    return principal


def require_roles(*roles: Role) -> Any:
    """Dependency: the caller holds at least one of `roles` (admin always passes)."""

    async def check(principal: Annotated[Principal, Depends(require_principal)]) -> Principal:
        if not principal.has_any(*roles, Role.admin):
            wanted = ", ".join(r.value for r in roles)
            raise Forbidden(t("This action needs one of the roles: {wanted}.", wanted=wanted))
        return principal

    return Depends(check)


PrincipalDep = Annotated[Principal, Depends(require_principal)]
OptionalPrincipalDep = Annotated[Principal | None, Depends(optional_principal)]
CitizenDep = Annotated[Principal, require_roles(Role.citizen)]
AdminDep = Annotated[Principal, require_roles(Role.admin)]


# --- development keys: generated per data dir, used only when ENVIRONMENT=development ---

DEV_PRIVATE_KEY = "dev-jwt-key.pem"
DEV_PUBLIC_KEY = "dev-jwt-key.pub.pem"


def ensure_dev_keys(data_dir: Path) -> tuple[Path, Path]:
    """Creates the data dir's ES256 development key pair once; returns (private, public) paths."""
    private_path, public_path = data_dir / DEV_PRIVATE_KEY, data_dir / DEV_PUBLIC_KEY
    if not private_path.exists():
        key = ec.generate_private_key(ec.SECP256R1())
        private_path.write_bytes(
            key.private_bytes(
                serialization.Encoding.PEM,
                serialization.PrivateFormat.PKCS8,
                serialization.NoEncryption(),
            )
        )
        private_path.chmod(0o600)
        public_path.write_bytes(
            key.public_key().public_bytes(
                serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
            )
        )
    return private_path, public_path


def mint_token(
    private_key_pem: bytes,
    *,
    sub: str,
    roles: list[str],
    issuer: str,
    audience: str,
    ttl_seconds: int = 12 * 3600,
) -> str:
    now = int(time.time())
    key = serialization.load_pem_private_key(private_key_pem, password=None)
    claims = {
        "sub": sub,
        "roles": roles,
        "iss": issuer,
        "aud": audience,
        "iat": now,
        "exp": now + ttl_seconds,
    }
    return jwt.encode(claims, key, algorithm="ES256")  # type: ignore[arg-type]
