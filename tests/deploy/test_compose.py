"""deploy/compose: the Compose file validates against the Compose Specification JSON schema (the copy
vendored in check-jsonschema, checked with jsonschema), before and after variable interpolation, and
the proxy, the app processes and PostgreSQL fit together."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import jsonschema
import pytest
import yaml

from backend.app import create_app
from backend.core.settings import Settings, SettingsError
from tests.deploy.files import (
    CADDYFILE,
    COMPOSE_FILE,
    ENV_EXAMPLE,
    InterpolationError,
    compose_spec_schema,
    compose_variables,
    interpolate,
    read_env_file,
)

APP_SERVICES = ("app-1", "app-2")


@pytest.fixture(scope="module")
def validator() -> jsonschema.protocols.Validator:
    schema = compose_spec_schema()
    cls = jsonschema.validators.validator_for(schema)
    cls.check_schema(schema)
    return cls(schema, format_checker=cls.FORMAT_CHECKER)


@pytest.fixture(scope="module")
def raw() -> dict[str, Any]:
    return yaml.safe_load(COMPOSE_FILE.read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def compose(raw: dict[str, Any]) -> dict[str, Any]:
    """The file as `docker compose` sees it with the example .env."""
    return interpolate(raw, read_env_file(ENV_EXAMPLE))


def errors(validator: jsonschema.protocols.Validator, document: Any) -> list[str]:
    return [f"{'/'.join(map(str, e.absolute_path))}: {e.message}" for e in validator.iter_errors(document)]


def test_compose_file_matches_the_compose_specification(validator: Any, raw: Any, compose: Any) -> None:
    assert errors(validator, raw) == []
    assert errors(validator, compose) == []


def test_check_jsonschema_cli_accepts_it_offline() -> None:
    """The same check from the command line (what an operator runs before `docker compose up`)."""
    result = subprocess.run(
        [sys.executable, "-m", "check_jsonschema", "--builtin-schema", "vendor.compose-spec", str(COMPOSE_FILE)],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.mark.parametrize(
    ("mutation", "expected"),
    [
        (lambda d: d["services"]["postgres"].update(restrat="always"), "restrat"),
        (lambda d: d["services"]["app-1"]["depends_on"]["postgres"].update(condition="service_ready"), "service_ready"),
        (lambda d: d["services"]["proxy"].update(ports="443:443"), "not of type 'array'"),
        (lambda d: d.update(volumes=["pgdata"]), "not of type 'object'"),
    ],
    ids=["misspelled-key", "bad-depends-on-condition", "ports-not-a-list", "volumes-not-a-map"],
)
def test_a_deliberately_broken_copy_is_rejected(validator: Any, raw: Any, mutation: Any, expected: str) -> None:
    broken = yaml.safe_load(yaml.safe_dump(raw))
    mutation(broken)
    found = errors(validator, broken)
    assert found and any(expected in e for e in found), found


def test_a_broken_file_fails_the_cli(tmp_path: Path) -> None:
    text = COMPOSE_FILE.read_text(encoding="utf-8").replace("condition: service_healthy", "condition: healthy", 1)
    broken = tmp_path / "docker-compose.yml"
    broken.write_text(text, encoding="utf-8")
    result = subprocess.run(
        [sys.executable, "-m", "check_jsonschema", "--builtin-schema", "vendor.compose-spec", str(broken)],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 1 and "healthy" in result.stdout


def test_every_variable_is_in_the_example_env_and_secrets_are_required(raw: Any) -> None:
    text = COMPOSE_FILE.read_text(encoding="utf-8")
    example = read_env_file(ENV_EXAMPLE)
    assert compose_variables(text) <= set(example)
    without_secrets = {k: v for k, v in example.items() if k not in {"JWT_SECRET", "POLL_KEY_SECRET"}}
    with pytest.raises(InterpolationError, match="JWT_SECRET"):
        interpolate(raw, without_secrets)


def test_example_env_secrets_are_placeholders_the_app_refuses(compose: Any) -> None:
    env = compose["services"]["app-1"]["environment"]
    assert env["APP_ENV"] == "production"
    with pytest.raises(SettingsError, match="JWT_SECRET"):
        Settings(app_env="production", jwt_secret=env["JWT_SECRET"], poll_key_secret=env["POLL_KEY_SECRET"]).validate()


def test_two_identical_app_processes_reachable_only_through_the_proxy(
    compose: Any, app_setting_names: set[str]
) -> None:
    services = compose["services"]
    first, second = (services[name] for name in APP_SERVICES)
    assert first == second
    assert set(first["environment"]) <= app_setting_names
    published = {name for name, service in services.items() if service.get("ports")}
    assert published == {"proxy"}
    assert compose["networks"]["backend"]["internal"] is True
    for name in (*APP_SERVICES, "postgres", "migrate", "backup"):
        assert services[name]["networks"] == ["backend"], name
    assert first["depends_on"]["migrate"] == {"condition": "service_completed_successfully"}
    assert services["migrate"]["command"] == ["migrate"]
    assert services["migrate"]["image"] == first["image"]
    assert first["read_only"] is True and first["cap_drop"] == ["ALL"]


def test_app_processes_share_the_media_volume(compose: Any) -> None:
    for name in APP_SERVICES:
        assert "media:/var/lib/zhucuntong/media" in compose["services"][name]["volumes"]


def test_postgres_archives_wal_and_backups_run(compose: Any) -> None:
    postgres = compose["services"]["postgres"]
    settings = {arg.split("=", 1)[0]: arg.split("=", 1)[1] for arg in postgres["command"] if "=" in arg}
    assert settings["wal_level"] == "replica" and settings["archive_mode"] == "on"
    assert "/wal-archive/%f" in settings["archive_command"]
    assert "wal-archive:/wal-archive" in postgres["volumes"]
    backup = compose["services"]["backup"]
    assert "pg_dump --format=custom" in backup["entrypoint"][-1]
    assert backup["image"] == postgres["image"]  # pg_dump's major version matches the server


def _caddy_site_block() -> str:
    text = CADDYFILE.read_text(encoding="utf-8")
    return "\n".join(line.split("#", 1)[0].rstrip() for line in text.splitlines())


def test_proxy_forwards_to_both_app_processes_and_checks_readiness(compose: Any) -> None:
    caddy = _caddy_site_block()
    (upstreams,) = re.findall(r"reverse_proxy ([^{]+)\{", caddy)
    assert upstreams.split() == [f"{name}:8000" for name in APP_SERVICES]
    assert re.search(r"health_uri /readyz\b", caddy)
    assert "./Caddyfile:/etc/caddy/Caddyfile:ro" in compose["services"]["proxy"]["volumes"]


def test_proxy_sends_hsts_and_blocks_metrics() -> None:
    caddy = _caddy_site_block()
    assert re.search(r'Strict-Transport-Security "max-age=(\d+); includeSubDomains"', caddy)
    assert int(re.search(r"max-age=(\d+)", caddy).group(1)) >= 180 * 24 * 3600  # type: ignore[union-attr]
    assert len(re.findall(r"Strict-Transport-Security", caddy)) == 2, "on proxied and on Caddy's own error responses"
    assert re.search(r"@internal path /metrics /metrics/\*", caddy)
    assert re.search(r"respond @internal 404", caddy)
    assert re.search(r"tls \{\$TLS_ISSUER\}", caddy)


def test_proxy_body_limit_matches_the_app(compose: Any) -> None:
    env = compose["services"]["app-1"]["environment"]
    settings = Settings(database_url="sqlite+aiosqlite:///:memory:", max_upload_bytes=int(env["MAX_UPLOAD_BYTES"]))
    (limit,) = [m.kwargs["max_bytes"] for m in create_app(settings).user_middleware if "max_bytes" in m.kwargs]
    (max_size,) = re.findall(r"max_size (\d+)", _caddy_site_block())
    assert int(max_size) == limit
