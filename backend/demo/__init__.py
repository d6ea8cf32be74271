"""A deterministic demo county (青禾县) for trying the system out. Not for production data."""

from backend.demo.accounts import DEMO_PASSWORD
from backend.demo.county import DemoCounty, build_demo_county
from backend.demo.loader import DemoSummary, database_is_empty, load_demo

__all__ = [
    "DEMO_PASSWORD",
    "DemoCounty",
    "DemoSummary",
    "build_demo_county",
    "database_is_empty",
    "load_demo",
]
