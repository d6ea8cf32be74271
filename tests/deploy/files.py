"""Reading the deployment artifacts: YAML manifests, Compose interpolation, Dockerfile, .dockerignore."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any

import yaml

ROOT = Path(__file__).resolve().parents[2]
DEPLOY = ROOT / "deploy"
K8S = DEPLOY / "k8s"
COMPOSE_DIR = DEPLOY / "compose"
COMPOSE_FILE = COMPOSE_DIR / "docker-compose.yml"
CADDYFILE = COMPOSE_DIR / "Caddyfile"
ENV_EXAMPLE = COMPOSE_DIR / ".env.example"
DOCKERFILE = DEPLOY / "Dockerfile"
DOCKERIGNORE = ROOT / ".dockerignore"

# Oldest Kubernetes minor these manifests promise to work on, and the newest the validator ships.
OLDEST_KUBERNETES = "1.28.0"


def k8s_manifest_paths() -> list[Path]:
    return sorted(p for p in K8S.glob("*.yaml") if p.name != "kustomization.yaml")


def yaml_documents(text: str) -> list[dict[str, Any]]:
    return [doc for doc in yaml.safe_load_all(text) if doc is not None]


def k8s_resources() -> list[tuple[Path, dict[str, Any]]]:
    return [(path, doc) for path in k8s_manifest_paths() for doc in yaml_documents(path.read_text(encoding="utf-8"))]


def k8s_resource(kind: str, name: str) -> dict[str, Any]:
    found = [doc for _, doc in k8s_resources() if doc["kind"] == kind and doc["metadata"]["name"] == name]
    assert len(found) == 1, f"expected exactly one {kind}/{name}, found {len(found)}"
    return found[0]


def compose_spec_schema() -> dict[str, Any]:
    """The Compose Specification JSON schema vendored by check-jsonschema (no download)."""
    vendor = resources.files("check_jsonschema.builtin_schemas.vendor")
    return json.loads(vendor.joinpath("compose-spec.json").read_text(encoding="utf-8"))


# --- Compose variable interpolation (the subset the Compose spec defines) --------------------------

_VARIABLE = re.compile(r"\$(?:\$|\{(?P<braced>[^}]*)\}|(?P<plain>[A-Za-z_][A-Za-z0-9_]*))")
_BRACED = re.compile(r"^(?P<name>[A-Za-z_][A-Za-z0-9_]*)(?:(?P<op>:?[-?+])(?P<arg>.*))?$", re.S)


class InterpolationError(ValueError):
    pass


def interpolate(value: Any, env: dict[str, str]) -> Any:
    """Substitute ${VAR}, ${VAR:-default}, ${VAR:?error}, $VAR and $$ as `docker compose` does."""
    if isinstance(value, dict):
        return {k: interpolate(v, env) for k, v in value.items()}
    if isinstance(value, list):
        return [interpolate(v, env) for v in value]
    if not isinstance(value, str):
        return value

    def substitute(match: re.Match[str]) -> str:
        if match.group(0) == "$$":
            return "$"
        if match.group("plain"):
            return env.get(match.group("plain"), "")
        parsed = _BRACED.match(match.group("braced"))
        if parsed is None:
            raise InterpolationError(f"invalid interpolation {match.group(0)!r}")
        name, op, arg = parsed.group("name"), parsed.group("op"), parsed.group("arg") or ""
        current = env.get(name)
        is_set = current is not None and (current != "" or not (op or "").startswith(":"))
        if op in ("-", ":-"):
            return current if is_set else arg  # type: ignore[return-value]
        if op in ("?", ":?"):
            if not is_set:
                raise InterpolationError(f"{name}: {arg}")
            return current  # type: ignore[return-value]
        if op in ("+", ":+"):
            return arg if is_set else ""
        return current or ""

    return _VARIABLE.sub(substitute, value)


def compose_variables(text: str) -> set[str]:
    names = set()
    for match in _VARIABLE.finditer(text):
        if match.group("plain"):
            names.add(match.group("plain"))
        elif match.group("braced") is not None and (parsed := _BRACED.match(match.group("braced"))):
            names.add(parsed.group("name"))
    return names


def read_env_file(path: Path) -> dict[str, str]:
    env = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        line = line.strip()
        if line and not line.startswith("#"):
            name, _, value = line.partition("=")
            env[name.strip()] = value.strip()
    return env


# --- Dockerfile ------------------------------------------------------------------------------------


@dataclass
class Stage:
    base: str
    name: str | None
    instructions: list[tuple[str, str]] = field(default_factory=list)

    def all(self, keyword: str) -> list[str]:
        return [args for kw, args in self.instructions if kw == keyword]


def dockerfile_stages(text: str) -> list[Stage]:
    logical: list[str] = []
    current = ""
    for raw in text.splitlines():
        stripped = raw.strip()
        if not current and (not stripped or stripped.startswith("#")):
            continue
        if current and stripped.startswith("#"):
            continue  # comment lines inside a continued instruction
        if stripped.endswith("\\"):
            current += stripped[:-1] + " "
            continue
        logical.append(current + stripped)
        current = ""
    assert not current, "Dockerfile ends inside a continued line"
    stages: list[Stage] = []
    for line in logical:
        keyword, _, args = line.partition(" ")
        keyword = keyword.upper()
        if keyword == "FROM":
            parts = args.split()
            name = parts[2] if len(parts) >= 3 and parts[1].upper() == "AS" else None
            stages.append(Stage(base=parts[0], name=name))
        else:
            assert stages, f"instruction before FROM: {line}"
            stages[-1].instructions.append((keyword, args.strip()))
    return stages


def exec_form(args: str) -> list[str]:
    parsed = json.loads(args)
    assert isinstance(parsed, list) and all(isinstance(p, str) for p in parsed), args
    return parsed


# --- .dockerignore ---------------------------------------------------------------------------------


def dockerignore_patterns() -> list[str]:
    lines = DOCKERIGNORE.read_text(encoding="utf-8").splitlines()
    return [line.strip().rstrip("/") for line in lines if line.strip() and not line.strip().startswith("#")]


def _dockerignore_regex(pattern: str) -> re.Pattern[str]:
    """Docker's matching (Go filepath.Match plus `**`): `*` and `?` stay within one path segment."""
    out, i = "", 0
    while i < len(pattern):
        if pattern.startswith("**/", i):
            out, i = out + "(?:.*/)?", i + 3
        elif pattern.startswith("**", i):
            out, i = out + ".*", i + 2
        elif pattern[i] == "*":
            out, i = out + "[^/]*", i + 1
        elif pattern[i] == "?":
            out, i = out + "[^/]", i + 1
        else:
            out, i = out + re.escape(pattern[i]), i + 1
    return re.compile(out + r"\Z")


def is_dockerignored(relative: str, patterns: list[str]) -> bool:
    """True when `relative` or a folder above it matches a pattern (no `!` exceptions are used)."""
    assert not any(p.startswith("!") for p in patterns), "exception patterns are not supported here"
    parts = relative.strip("/").split("/")
    candidates = ["/".join(parts[: i + 1]) for i in range(len(parts))]
    return any(_dockerignore_regex(p).match(c) for p in patterns for c in candidates)
