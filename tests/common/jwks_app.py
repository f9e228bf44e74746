"""A stand-in identity provider for tests: serves the JWKS of the public key in $JWKS_PUBLIC_KEY,
or, with $JWKS_FILE, whatever JWKS that file holds when asked (a test rotates keys by rewriting
it) and how many times it was asked."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import jwt
from cryptography.hazmat.primitives import serialization
from fastapi import FastAPI


def create_app() -> FastAPI:
    app = FastAPI()
    jwks_file = os.environ.get("JWKS_FILE")
    fetches = 0

    def fixed_jwks() -> dict[str, Any]:
        path = os.environ["JWKS_PUBLIC_KEY"]
        key = serialization.load_pem_public_key(open(path, "rb").read())  # noqa: SIM115
        jwk = json.loads(jwt.algorithms.ECAlgorithm.to_jwk(key))  # type: ignore[arg-type]
        jwk.update({"kid": "city-idp-1", "use": "sig", "alg": "ES256"})
        return {"keys": [jwk]}

    fixed = None if jwks_file else fixed_jwks()

    @app.get("/readyz")
    async def ready() -> dict[str, str]:
        return {"status": "ready"}

    @app.get("/.well-known/jwks.json")
    def jwks() -> dict[str, Any]:  # a plain def: it reads a file
        nonlocal fetches
        fetches += 1
        return fixed if fixed is not None else json.loads(Path(jwks_file or "").read_text())

    @app.get("/fetches")
    async def fetch_count() -> dict[str, int]:
        return {"fetches": fetches}

    return app
