"""A stand-in identity provider for tests: serves the JWKS of the public key in $JWKS_PUBLIC_KEY."""

from __future__ import annotations

import json
import os

import jwt
from cryptography.hazmat.primitives import serialization
from fastapi import FastAPI


def create_app() -> FastAPI:
    app = FastAPI()
    key = serialization.load_pem_public_key(open(os.environ["JWKS_PUBLIC_KEY"], "rb").read())  # noqa: SIM115
    jwk = json.loads(jwt.algorithms.ECAlgorithm.to_jwk(key))  # type: ignore[arg-type]
    jwk.update({"kid": "city-idp-1", "use": "sig", "alg": "ES256"})

    @app.get("/readyz")
    async def ready() -> dict[str, str]:
        return {"status": "ready"}

    @app.get("/.well-known/jwks.json")
    async def jwks() -> dict[str, list[dict[str, str]]]:
        return {"keys": [jwk]}

    return app
