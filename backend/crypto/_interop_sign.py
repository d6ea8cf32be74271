"""Test helper for the PWA's cross-implementation tests: one JSON request on stdin, one JSON reply.

Run from the repository root: `.venv/bin/python -m backend.crypto._interop_sign < request.json`.

Requests (hex for byte strings):
  {"op": "generate", "bits": 3072}
      -> {"private_pem", "public_jwk", "public_spki_hex", "fingerprint", "fingerprint_short"}
  {"op": "blind_sign", "private_pem", "blinded_msg"}          -> {"blind_sig"}
  {"op": "verify", "public_jwk", "prepared_msg", "signature"} -> {"valid": bool}
  {"op": "client", "public_jwk", "msg"}  (Python plays the client: prepare + blind)
      -> {"prepared_msg", "blinded_msg", "inv"}
  {"op": "finalize", "public_jwk", "prepared_msg", "blind_sig", "inv"} -> {"signature"}
Errors: {"error": "..."} and exit status 1. Never used by the application itself.
"""

from __future__ import annotations

import json
import sys
from typing import Any

from backend.crypto import blind_rsa as br


def handle(req: dict[str, Any]) -> dict[str, Any]:
    op = req.get("op")
    if op not in {"generate", "blind_sign", "verify", "client", "finalize"}:
        raise br.BlindSignatureError(f"unknown op {op!r}")
    if op == "generate":
        sk = br.generate_key(int(req.get("bits", 3072)))
        pk = sk.public_key()
        return {
            "private_pem": br.private_key_to_pem(sk).decode("ascii"),
            "public_jwk": br.public_key_to_jwk(pk),
            "public_spki_hex": br.public_key_to_der(pk).hex(),
            "fingerprint": br.public_key_fingerprint(pk),
            "fingerprint_short": br.public_key_fingerprint_short(pk),
        }
    if op == "blind_sign":
        sk = br.private_key_from_pem(req["private_pem"].encode("ascii"))
        return {"blind_sig": br.blind_sign(sk, bytes.fromhex(req["blinded_msg"])).hex()}
    pk = br.public_key_from_jwk(req["public_jwk"])
    if op == "verify":
        return {"valid": br.verify(pk, bytes.fromhex(req["prepared_msg"]), bytes.fromhex(req["signature"]))}
    if op == "client":
        prepared = br.prepare(bytes.fromhex(req["msg"]))
        blinded, inv = br.blind(pk, prepared)
        return {"prepared_msg": prepared.hex(), "blinded_msg": blinded.hex(), "inv": inv.hex()}
    if op == "finalize":
        args = (bytes.fromhex(req[k]) for k in ("prepared_msg", "blind_sig", "inv"))
        return {"signature": br.finalize(pk, *args).hex()}
    raise AssertionError(op)


def main() -> int:
    try:
        reply, status = handle(json.load(sys.stdin)), 0
    except (br.BlindSignatureError, KeyError, ValueError) as exc:
        reply, status = {"error": f"{type(exc).__name__}: {exc}"}, 1
    json.dump(reply, sys.stdout)
    sys.stdout.write("\n")
    return status


if __name__ == "__main__":
    sys.exit(main())
