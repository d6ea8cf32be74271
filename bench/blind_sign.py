"""Benchmark: RFC 9474 blind signatures per second, server side (`blind_sign`), one process.

Each timed call is the full server operation: range checks, base blinding, CRT exponentiation,
and the s^e == m check. Client-side blind/finalize are timed once for reference.

Run: .venv/bin/python bench/blind_sign.py [--seconds 5] [--bits 3072 4096] [--pure-python]
(--pure-python ignores an installed gmpy2, to measure the CPython-int fallback.)
"""

from __future__ import annotations

import argparse
import os
import platform
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from backend.crypto import blind_rsa as br

TARGET_PER_SECOND = 100.0


def bench(bits: int, seconds: float) -> None:
    t0 = time.perf_counter()
    sk = br.generate_key(bits)
    keygen = time.perf_counter() - t0
    pk = sk.public_key()

    # A pool of distinct blinded messages, as real clients would send.
    pool = [br.blind(pk, br.prepare(f"ballot {i}".encode())) for i in range(64)]
    t0 = time.perf_counter()
    for _ in range(16):
        br.blind(pk, br.prepare(b"x"))
    blind_ms = (time.perf_counter() - t0) / 16 * 1000

    br.blind_sign(sk, pool[0][0])  # warm-up
    count, start = 0, time.perf_counter()
    deadline = start + seconds
    while time.perf_counter() < deadline:
        br.blind_sign(sk, pool[count % len(pool)][0])
        count += 1
    elapsed = time.perf_counter() - start
    rate = count / elapsed

    prepared = br.prepare(b"ballot 0")
    blinded, inv = br.blind(pk, prepared)
    blind_sig = br.blind_sign(sk, blinded)
    t0 = time.perf_counter()
    for _ in range(16):
        sig = br.finalize(pk, prepared, blind_sig, inv)
    finalize_ms = (time.perf_counter() - t0) / 16 * 1000
    assert br.verify(pk, prepared, sig)

    print(
        f"RSA-{bits}: {rate:7.1f} blind signatures/s ({1000 / rate:.2f} ms each, {count} in {elapsed:.1f} s) "
        f"= {rate / TARGET_PER_SECOND:.2f}x the target of {TARGET_PER_SECOND:.0f}/s | "
        f"client blind {blind_ms:.2f} ms, finalize+verify {finalize_ms:.2f} ms | keygen {keygen:.2f} s"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=5.0)
    parser.add_argument("--bits", type=int, nargs="+", default=[3072, 4096])
    parser.add_argument("--pure-python", action="store_true", help="do not use gmpy2 even if installed")
    args = parser.parse_args()
    if args.pure_python:
        br._gmpy2 = None
    backend = "python" if br._gmpy2 is None else "gmpy2 (GMP mpz_powm_sec)"
    print(
        f"Python {platform.python_version()}, {os.cpu_count()} CPUs, single process, single thread, "
        f"arithmetic: {backend}"
    )
    for bits in args.bits:
        bench(bits, args.seconds)


if __name__ == "__main__":
    main()
