"""Settings from the environment: every variable is a typed field, a bad value names its variable,
secrets never show in repr or logs, and the README's configuration table lists what is read."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from backend.core.settings import PROJECT_ROOT, Settings, SettingsError

SECRETS = {
    "jwt_secret": "jwt-secret-value-0123456789abcdef0123",
    "jwt_secret_previous": "previous-secret-value-0123456789abcdef",
    "poll_key_secret": "poll-key-secret-value-0123456789abcdef",
    "metrics_token": "metrics-token-value-0123456789",
    "s3_secret_access_key": "s3-secret-access-key-value-0123456789",
}


def _clear_env(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in Settings.env_names().values():
        monkeypatch.delenv(name, raising=False)


def test_secrets_and_url_passwords_are_not_in_repr_or_str() -> None:
    settings = Settings(
        database_url="postgresql+asyncpg://app:db-password-123@db:5432/zct",
        redis_url="rediss://:redis-password-456@redis:6380/0",
        **SECRETS,
    )
    for shown in (repr(settings), str(settings), f"{settings!r}", repr([settings])):
        for secret in [*SECRETS.values(), "db-password-123", "redis-password-456"]:
            assert secret not in shown
        assert "postgresql+asyncpg://app:**********@db:5432/zct" in shown  # the rest of the URL stays readable
        assert "rediss://:**********@redis:6380/0" in shown
        assert "jwt_secret='**********'" in shown
        assert "jwt_audience='zhucuntong-api'" in shown
    assert settings.jwt_secret == SECRETS["jwt_secret"]  # the code still reads the value itself
    assert "jwt_secret_previous=''" in repr(Settings())  # an unset secret shows that it is unset


@pytest.mark.parametrize(
    ("name", "value", "message"),
    [
        ("ACCESS_TOKEN_TTL", "abc", r"^ACCESS_TOKEN_TTL: .*integer.*'abc'"),
        ("DB_POOL_SIZE", "10.5", r"^DB_POOL_SIZE: "),
        ("SQL_ECHO", "maybe", r"^SQL_ECHO: .*boolean"),
        ("RATE_LIMIT_WINDOW_SECONDS", "1m", r"^RATE_LIMIT_WINDOW_SECONDS: "),
    ],
)
def test_a_bad_value_names_its_variable(monkeypatch: pytest.MonkeyPatch, name: str, value: str, message: str) -> None:
    _clear_env(monkeypatch)
    monkeypatch.setenv(name, value)
    with pytest.raises(SettingsError, match=message) as refused:
        Settings.from_env()
    assert refused.value.__cause__ is None and refused.value.__suppress_context__  # no second, raw report


def test_two_bad_values_are_both_named(monkeypatch: pytest.MonkeyPatch) -> None:
    _clear_env(monkeypatch)
    monkeypatch.setenv("ACCESS_TOKEN_TTL", "abc")
    monkeypatch.setenv("MAX_PHOTO_BYTES", "5MB")
    with pytest.raises(SettingsError, match=r"ACCESS_TOKEN_TTL: .*; MAX_PHOTO_BYTES: "):
        Settings.from_env()


def test_with_overrides_checks_types_and_names() -> None:
    with pytest.raises(SettingsError, match="^LOGIN_MAX_FAILURES: "):
        Settings().with_overrides(login_max_failures="many")
    with pytest.raises(SettingsError, match="^NO_SUCH_SETTING: "):
        Settings().with_overrides(no_such_setting=1)
    assert Settings().with_overrides(access_token_ttl=-60).access_token_ttl == -60  # tests make expired tokens


def _sample(name: str) -> tuple[str, object]:
    """A value of the field's type for its variable, and what the field then holds."""
    annotation = str(Settings.model_fields[name].annotation)
    if "int" in annotation:
        return "4321", 4321
    if "bool" in annotation:
        return "1", True
    if "Path" in annotation:
        return f"/srv/{name}", Path(f"/srv/{name}")
    if "tuple" in annotation:
        return "https://a.example/, https://b.example", ("https://a.example", "https://b.example")
    if name == "public_base_url":  # checked to be an http(s) address
        return "https://value-of-public-base-url.example/", "https://value-of-public-base-url.example"
    if name == "oidc_issuer":  # checked to be an http(s) address
        return "https://value-of-oidc-issuer.example/", "https://value-of-oidc-issuer.example"
    return f"value-of-{name}", f"value-of-{name}"


def test_every_variable_is_read_and_the_fixed_limits_are_not(monkeypatch: pytest.MonkeyPatch) -> None:
    _clear_env(monkeypatch)
    names = Settings.env_names()
    for name, variable in names.items():
        monkeypatch.setenv(variable, _sample(name)[0])
    for fixed in set(Settings.model_fields) - set(names):
        monkeypatch.setenv(fixed.upper(), "1")
    loaded = Settings.from_env()
    for name in names:
        assert getattr(loaded, name) == _sample(name)[1], name
    assert set(Settings.model_fields) - set(names) == {"max_query_depth", "max_aliases", "max_tokens", "max_page_size"}
    for fixed in set(Settings.model_fields) - set(names):
        assert getattr(loaded, fixed) == Settings.model_fields[fixed].default


def test_empty_variables_are_unset_and_keywords_ignore_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    _clear_env(monkeypatch)
    monkeypatch.setenv("ACCESS_TOKEN_TTL", "")
    monkeypatch.setenv("PUBLIC_BASE_URL", "https://zct.example.gov.cn/")
    loaded = Settings.from_env()
    assert loaded.access_token_ttl == 900
    assert loaded.public_base_url == "https://zct.example.gov.cn"
    monkeypatch.setenv("APP_ENV", "production")
    assert Settings(jwt_secret="x" * 40).app_env == "development"  # only from_env() reads the environment


def test_readme_configuration_table_lists_every_variable() -> None:
    readme = (PROJECT_ROOT / "README.md").read_text(encoding="utf-8")
    table = readme.split("## Configuration", 1)[1].split("\n\n| variable |", 1)[1].split("\n\n", 1)[0]
    rows = [line for line in table.splitlines() if line.startswith("| `")]
    listed = {name for row in rows for name in re.findall(r"`([A-Z][A-Z0-9_]+)`", row.split("|")[1])}
    mentioned = set(re.findall(r"`([A-Z][A-Z0-9_]+)`", table))
    read = set(Settings.env_names().values())
    assert listed <= read, f"README lists variables the app does not read: {sorted(listed - read)}"
    assert read <= mentioned, f"README's table misses: {sorted(read - mentioned)}"
