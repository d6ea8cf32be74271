"""Third-party components (第三方组件清单) with versions and licences, read from the lock files: the
server's runtime closure from uv.lock (development tools left out) and what the PWA ships to phones
from pwa/package-lock.json (its runtime dependencies and the Workbox runtime in the service worker)."""

from __future__ import annotations

import json
import tomllib
from dataclasses import dataclass
from email.message import Message
from importlib import metadata
from pathlib import Path
from typing import Any, cast

from packaging.markers import Marker

from backend.core.settings import PROJECT_ROOT

UNKNOWN = "未知"


@dataclass(frozen=True)
class Component:
    ecosystem: str  # "python" | "npm"
    name: str
    version: str
    license: str


def python_components(lock: Path = PROJECT_ROOT / "uv.lock") -> list[Component]:
    """The packages the server runs on: the project's dependencies (with their extras), transitively."""
    packages: dict[str, dict[str, Any]] = {p["name"]: p for p in tomllib.loads(lock.read_text("utf-8"))["package"]}
    root = next(p for p in packages.values() if p.get("source", {}).get("virtual") == ".")
    seen: dict[str, dict[str, Any]] = {}
    todo: list[dict[str, Any]] = list(root.get("dependencies", []))
    while todo:
        dep = todo.pop()
        if "marker" in dep and not Marker(dep["marker"]).evaluate():
            continue  # another platform's (e.g. colorama on Windows)
        pkg = packages[dep["name"]]
        if dep["name"] not in seen:
            seen[dep["name"]] = pkg
            todo.extend(pkg.get("dependencies", []))
        for extra in dep.get("extra", []):
            todo.extend(pkg.get("optional-dependencies", {}).get(extra, []))
    return sorted(
        (Component("python", name, pkg["version"], _python_license(name)) for name, pkg in seen.items()),
        key=lambda c: c.name,
    )


def _python_license(name: str) -> str:
    try:
        meta = cast(Message, metadata.metadata(name))  # an email.message.Message at run time
    except metadata.PackageNotFoundError:
        return UNKNOWN
    expression = meta.get("License-Expression")
    if expression:
        return str(expression)
    classifiers = [c.split(" :: ")[-1] for c in meta.get_all("Classifier") or [] if c.startswith("License ::")]
    if classifiers:
        return " / ".join(classifiers)
    text = (meta.get("License") or "").strip()
    return text if text and len(text) <= 60 and "\n" not in text else UNKNOWN


# Packages whose package.json names no licence, with the licence their README states (checked by hand).
_NPM_LICENSE_IN_README = {"combine-errors": "MIT"}


def npm_components(lock: Path = PROJECT_ROOT / "pwa" / "package-lock.json") -> list[Component]:
    """What the built PWA ships: runtime dependencies (transitively) and the Workbox runtime."""
    packages: dict[str, dict[str, Any]] = json.loads(lock.read_text("utf-8"))["packages"]
    shipped: dict[str, dict[str, Any]] = {}
    todo = list(packages[""].get("dependencies", {}))
    todo += [path.removeprefix("node_modules/") for path in packages if _is_workbox_runtime(path)]
    while todo:
        name = todo.pop()
        entry = packages.get(f"node_modules/{name}")
        if entry is None or name in shipped:
            continue
        shipped[name] = entry
        todo.extend(entry.get("dependencies", {}))
    return sorted(
        (
            Component(
                "npm", name, e.get("version", UNKNOWN), e.get("license", _NPM_LICENSE_IN_README.get(name, UNKNOWN))
            )
            for name, e in shipped.items()
        ),
        key=lambda c: c.name,
    )


def _is_workbox_runtime(path: str) -> bool:
    name = path.removeprefix("node_modules/")
    return path.startswith("node_modules/workbox-") and "/" not in name and name not in {"workbox-build", "workbox-cli"}


def components() -> list[Component]:
    return python_components() + npm_components()
