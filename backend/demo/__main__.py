"""python -m backend.demo [--seed N]: migrate the configured database and load the demo county
if it is empty."""

from __future__ import annotations

import argparse
import asyncio

from backend.core.migrate import upgrade
from backend.core.settings import Settings
from backend.demo.cli_hooks import describe, seed_demo_database


def main() -> None:
    parser = argparse.ArgumentParser(description="载入演示县 青禾县")
    parser.add_argument("--seed", type=int, default=2026)
    args = parser.parse_args()
    settings = Settings.from_env()
    upgrade(settings)
    summary = asyncio.run(seed_demo_database(settings, seed=args.seed))
    print("数据库非空，未载入演示数据。" if summary is None else describe(summary))


if __name__ == "__main__":
    main()
