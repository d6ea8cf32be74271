"""Cryptographic primitives. See `backend.crypto.blind_rsa` for RFC 9474 blind signatures."""
