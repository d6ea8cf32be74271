"""Typed settings read from the environment, with safe embedded defaults.

Every setting is one field below: its type, default and meaning. `Settings.from_env()` reads each
field from the environment variable of the same name in upper case (`access_token_ttl` from
`ACCESS_TOKEN_TTL`; an empty variable counts as unset) through pydantic-settings, and refuses a
value of the wrong type with a `SettingsError` that names the variable. `Settings(...)` with
keywords reads no environment (tests and benchmarks build exactly the settings they name), and
`with_overrides(...)` checks the changed values the same way.

Secrets (`Secret`: JWT_SECRET, JWT_SECRET_PREVIOUS, POLL_KEY_SECRET, TOTP_KEY_SECRET, METRICS_TOKEN,
S3_SECRET_ACCESS_KEY, OIDC_CLIENT_SECRET) are shown as "**********" in `repr`/`str`, and URLs (`UrlWithPassword`:
DATABASE_URL, REDIS_URL) without their password, so settings can be logged; the values themselves
are plain strings for the code that uses them. `validate()` holds the checks that depend on more
than one value (production refuses weak secrets, a missing REDIS_URL, …).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Any, Literal
from urllib.parse import urlsplit, urlunsplit

from pydantic import Field, ValidationError, field_validator
from pydantic.config import JsonDict
from pydantic_settings import BaseSettings, EnvSettingsSource, NoDecode, PydanticBaseSettingsSource, SettingsConfigDict

DEFAULT_JWT_SECRET = "dev-only-insecure-secret-change-me"
DEFAULT_POLL_KEY_SECRET = "dev-only-insecure-poll-key-secret"
DEFAULT_TOTP_KEY_SECRET = "dev-only-insecure-totp-key-secret"
PROJECT_ROOT = Path(__file__).resolve().parents[2]
MASK = "**********"
# Production's bounds of STAFF_IDLE_TIMEOUT_SECONDS: 5 minutes to 2 hours.
MIN_STAFF_IDLE_SECONDS, MAX_STAFF_IDLE_SECONDS = 5 * 60, 2 * 3600


class SettingsError(RuntimeError):
    """Raised when the configuration is unsafe, inconsistent or not of the right type."""


@dataclass(frozen=True)
class _Hidden:
    """How `repr` shows a field: a secret not at all, a URL without its password."""

    what: Literal["secret", "url_password"]


Secret = Annotated[str, _Hidden("secret")]
UrlWithPassword = Annotated[str, _Hidden("url_password")]
_NOT_FROM_ENV: JsonDict = {"from_env": False}  # json_schema_extra of the limits the code fixes (no variable)


def _without_password(url: str) -> str:
    try:
        parts = urlsplit(url)
    except ValueError:
        return MASK
    if parts.password is None:
        return url
    host = parts.netloc.rpartition("@")[2]
    user = f"{parts.username}:" if parts.username else ":"
    return urlunsplit(parts._replace(netloc=f"{user}{MASK}@{host}"))


class Settings(BaseSettings):
    model_config = SettingsConfigDict(frozen=True, extra="forbid", env_ignore_empty=True)

    app_env: str = Field(
        "development",
        description="`production` turns on the production checks of validate() and turns off GraphiQL, "
        "introspection and field suggestions",
    )
    database_url: UrlWithPassword = Field(
        f"sqlite+aiosqlite:///{PROJECT_ROOT / 'var' / 'zhucuntong.db'}",
        description="SQLAlchemy URL: sqlite+aiosqlite:///FILE or postgresql+asyncpg://user:pass@host:5432/db",
    )
    jwt_secret: Secret = Field(DEFAULT_JWT_SECRET, description="HS256 key of the access tokens")
    jwt_secret_previous: Secret = Field(
        "", description="still accepted for verifying access tokens during a key rotation; empty: none"
    )
    poll_key_secret: Secret = Field(
        DEFAULT_POLL_KEY_SECRET, description="seals poll signing keys at rest (backend/polls/keys.py)"
    )
    totp_key_secret: Secret = Field(
        DEFAULT_TOTP_KEY_SECRET,
        description="seals TOTP secrets at rest and keys the recovery-code hashes (backend/auth/second_factor/)",
    )
    jwt_issuer: str = Field("zhucuntong", description="`iss` of the access tokens, checked on every token")
    jwt_audience: str = Field("zhucuntong-api", description="`aud` of the access tokens, checked on every token")
    access_token_ttl: int = Field(15 * 60, description="access-token lifetime, seconds")
    refresh_token_ttl: int = Field(30 * 24 * 3600, description="refresh-token lifetime, seconds")
    login_max_failures: int = Field(5, description="failed logins per phone that lock it")
    login_lock_seconds: int = Field(15 * 60, description="the window of those failures and the lock, seconds")
    staff_idle_timeout_seconds: int = Field(
        30 * 60,
        description="county and township sessions end after this long without a token refresh, seconds "
        "(0 = off, not in production; production: 300–7200)",
    )
    max_query_depth: int = Field(10, description="GraphQL query depth limit", json_schema_extra=_NOT_FROM_ENV)
    max_aliases: int = Field(15, description="GraphQL aliases per query", json_schema_extra=_NOT_FROM_ENV)
    max_tokens: int = Field(2000, description="GraphQL tokens per query", json_schema_extra=_NOT_FROM_ENV)
    max_page_size: int = Field(100, description="largest `first` of a connection", json_schema_extra=_NOT_FROM_ENV)
    max_upload_bytes: int = Field(10 * 1024 * 1024, description="largest upload (Excel import, multipart)")
    media_dir: Path = Field(PROJECT_ROOT / "var" / "media", description="where photos live with MEDIA_STORAGE=disk")
    max_photo_bytes: int = Field(5 * 1024 * 1024, description="largest photo accepted")
    pwa_dist: Path = Field(PROJECT_ROOT / "pwa" / "dist", description="the built PWA served at /")
    db_pool_size: int = Field(10, description="PostgreSQL connection pool size per process")
    sql_echo: bool = Field(False, description="log every SQL statement (1/true)")
    public_base_url: str = Field(
        "",
        description="where phones reach the PWA, printed in QR codes (no trailing /); empty: the address each "
        "request came to (backend/core/public_url.py)",
    )
    metrics_token: Secret = Field(
        "", description="bearer token for GET /metrics; empty: production answers loopback only"
    )
    require_tls: bool | None = Field(
        None,
        description="refuse requests that did not arrive over TLS (backend/core/tls.py); unset: on in production only",
    )
    cors_origins: Annotated[tuple[str, ...], NoDecode] = Field(
        (), description="other sites' origins allowed to call the API from a browser (comma-separated)"
    )
    redis_url: UrlWithPassword = Field(
        "", description="shared rate-limit counters across processes; empty: counted in this process only"
    )
    # Rate limits (backend/ratelimit/): attempts per window; 0 turns that limit off.
    rate_limit_window_seconds: int = Field(60, description="window of every rate limit, seconds (1–60)")
    rate_limit_login_per_phone: int = Field(10, description="login attempts per window per phone number")
    rate_limit_login_per_address: int = Field(30, description="login attempts per window per client address")
    rate_limit_credentials_per_user: int = Field(10, description="poll-credential requests per window per user")
    rate_limit_casts_per_address: int = Field(120, description="ballots per window per client address")
    rate_limit_public_reports_per_address: int = Field(
        5, description="problem reports without an account per window per client address"
    )
    rate_limit_public_reports_per_village: int = Field(
        10, description="problem reports without an account per window per village, from all addresses"
    )
    rate_limit_public_photos_per_address: int = Field(
        5, description="photo uploads without an account per window per client address"
    )
    public_reports_per_village_per_day: int = Field(
        20, description="problem reports without an account a village accepts in 24 hours; then they wait (0 = off)"
    )
    rate_limit_key_prefix: str = Field(
        "zct:rl:", description="Redis key prefix, for sharing one Redis between deployments"
    )
    media_storage: str = Field("disk", description='"disk" (MEDIA_DIR) or "s3" (an S3-compatible object store)')
    s3_endpoint_url: str = Field("", description="e.g. http://minio:9000; empty: the AWS default for the region")
    s3_bucket: str = Field("", description="an existing private bucket")
    s3_region: str = Field("us-east-1", description="the bucket's region")
    s3_access_key_id: str = Field("", description="empty: the SDK's default credentials")
    s3_secret_access_key: Secret = Field("", description="set together with S3_ACCESS_KEY_ID")
    s3_prefix: str = Field("", description='key prefix inside the bucket, e.g. "media/"')
    s3_addressing_style: str = Field(
        "path", description='"path" (MinIO, Ceph RGW) or "virtual" (Aliyun OSS, Tencent COS)'
    )
    # 统一身份认证: the province's OpenID provider (backend/identity/, docs/OPERATIONS.md).
    oidc_issuer: str = Field("", description="the identity platform's issuer URL (no trailing /); empty: OIDC off")
    oidc_client_id: str = Field("", description="this app's client id at the identity platform")
    oidc_client_secret: Secret = Field("", description="this app's client secret at the identity platform")
    oidc_scopes: str = Field("openid profile phone", description="scopes asked for (space-separated)")
    oidc_phone_claim: str = Field("phone_number", description="the claim holding the verified mobile number")
    oidc_display_name: str = Field("政务统一身份认证", description="the platform's name on the login button")
    frame_ancestors: str = Field(
        "",
        description="origins that may embed the PWA in a frame, e.g. the staff super-app's H5 container "
        "(space-separated, CSP frame-ancestors); empty: none",
    )

    @field_validator("cors_origins", mode="before")
    @classmethod
    def _split_origins(cls, value: object) -> object:
        """CORS_ORIGINS is a comma-separated list; an origin is compared without a trailing slash."""
        if isinstance(value, str):
            return tuple(o.strip().rstrip("/") for o in value.split(",") if o.strip())
        return value

    @field_validator("public_base_url")
    @classmethod
    def _an_address_or_empty(cls, value: str) -> str:
        """Empty (follow the request), or an absolute http(s) address without a trailing slash."""
        value = value.strip().rstrip("/")
        if value and (urlsplit(value).scheme not in ("http", "https") or not urlsplit(value).hostname):
            raise ValueError("must be empty or an absolute http:// or https:// address")
        return value

    @field_validator("oidc_issuer")
    @classmethod
    def _issuer_address_or_empty(cls, value: str) -> str:
        value = value.strip().rstrip("/")
        if value and (urlsplit(value).scheme not in ("http", "https") or not urlsplit(value).hostname):
            raise ValueError("must be empty or an absolute http:// or https:// address")
        return value

    @classmethod
    def settings_customise_sources(
        cls,
        settings_cls: type[BaseSettings],
        init_settings: PydanticBaseSettingsSource,
        env_settings: PydanticBaseSettingsSource,
        dotenv_settings: PydanticBaseSettingsSource,
        file_secret_settings: PydanticBaseSettingsSource,
    ) -> tuple[PydanticBaseSettingsSource, ...]:
        """`Settings(...)` is its keywords over the defaults, never the environment: see from_env."""
        return (init_settings,)

    # --- building -------------------------------------------------------------------------------

    @classmethod
    def env_names(cls) -> dict[str, str]:
        """Field name → the environment variable it is read from (the limits the code fixes have none)."""
        return {
            name: name.upper()
            for name, info in cls.model_fields.items()
            if not isinstance(info.json_schema_extra, dict) or info.json_schema_extra.get("from_env", True)
        }

    @classmethod
    def from_env(cls) -> Settings:
        """The settings of this process: each variable of `env_names()` that is set, else the default."""
        values, names = EnvSettingsSource(cls)(), cls.env_names()
        return cls._checked({name: value for name, value in values.items() if name in names})

    def with_overrides(self, **changes: object) -> Settings:
        return self._checked({**{name: getattr(self, name) for name in type(self).model_fields}, **changes})

    @classmethod
    def _checked(cls, values: dict[str, Any]) -> Settings:
        try:
            return cls(**values)
        except ValidationError as exc:
            raise SettingsError(cls._explain(exc)) from None  # the cause would repeat the values

    @classmethod
    def _explain(cls, exc: ValidationError) -> str:
        """One line per bad value, naming its variable; a secret's value is never repeated."""
        lines = []
        for error in exc.errors(include_url=False):
            name = str(error["loc"][0]) if error["loc"] else ""
            info = cls.model_fields.get(name)
            shown = "" if info is None or _hidden(info.metadata) else f" (got {error.get('input')!r:.60})"
            lines.append(f"{name.upper() or 'settings'}: {error['msg']}{shown}")
        return "; ".join(lines)

    # --- showing --------------------------------------------------------------------------------

    def __repr_args__(self) -> Iterator[tuple[str | None, Any]]:
        for name, value in super().__repr_args__():
            info = type(self).model_fields.get(name or "")
            hidden = _hidden(info.metadata) if info is not None else None
            if hidden == "secret" and value:
                yield name, MASK
            elif hidden == "url_password" and isinstance(value, str):
                yield name, _without_password(value)
            else:
                yield name, value

    # --- checks of the whole ----------------------------------------------------------------------

    @property
    def is_production(self) -> bool:
        return self.app_env == "production"

    @property
    def tls_required(self) -> bool:
        return self.is_production if self.require_tls is None else self.require_tls

    @property
    def oidc_enabled(self) -> bool:
        return bool(self.oidc_issuer)

    @property
    def is_sqlite(self) -> bool:
        return self.database_url.startswith("sqlite")

    def validate(self) -> None:  # type: ignore[override]  # pydantic's deprecated classmethod validate
        """Refuse configurations that must never run in production."""
        self._validate_rate_limits()
        self._validate_identity()
        if not self.is_production:
            return
        if self.jwt_secret == DEFAULT_JWT_SECRET or len(self.jwt_secret) < 32:
            raise SettingsError("APP_ENV=production requires JWT_SECRET: a random secret of at least 32 characters")
        if self.poll_key_secret == DEFAULT_POLL_KEY_SECRET or len(self.poll_key_secret) < 32:
            raise SettingsError(
                "APP_ENV=production requires POLL_KEY_SECRET: a random secret of at least 32 characters"
            )
        for origin in self.cors_origins:
            if not origin.startswith("https://") or "*" in origin:
                raise SettingsError(f"CORS_ORIGINS must list exact https:// origins in production, not {origin!r}")
        if self.jwt_secret_previous and (
            len(self.jwt_secret_previous) < 32 or self.jwt_secret_previous in (DEFAULT_JWT_SECRET, self.jwt_secret)
        ):
            raise SettingsError("JWT_SECRET_PREVIOUS must be the previous JWT_SECRET (≥ 32 characters), or unset")
        if self.poll_key_secret == self.jwt_secret:
            raise SettingsError("POLL_KEY_SECRET must differ from JWT_SECRET (rotating one must not touch the other)")
        if self.public_base_url.startswith("http://"):
            raise SettingsError("PUBLIC_BASE_URL must be an https:// address in production")
        self._validate_second_factor()
        if not self.redis_url:
            raise SettingsError(
                "APP_ENV=production requires REDIS_URL: rate limits must be counted across all app processes"
            )

    def _validate_identity(self) -> None:
        if self.oidc_issuer and not (self.oidc_client_id and "openid" in self.oidc_scopes.split()):
            raise SettingsError("OIDC_ISSUER needs OIDC_CLIENT_ID, and OIDC_SCOPES must include openid")
        if any(c in self.frame_ancestors for c in ";,'\"") or "'none'" in self.frame_ancestors:
            raise SettingsError("FRAME_ANCESTORS is a space-separated list of origins (empty: none)")
        if not self.is_production:
            return
        if self.oidc_issuer and not self.oidc_issuer.startswith("https://"):
            raise SettingsError("OIDC_ISSUER must be an https:// address in production")
        if self.oidc_issuer and not self.oidc_client_secret:
            raise SettingsError("OIDC_ISSUER is set: production requires OIDC_CLIENT_SECRET")
        for origin in self.frame_ancestors.split():
            if "*" in origin or not origin.startswith("https://"):
                raise SettingsError(f"FRAME_ANCESTORS must list exact https:// origins in production, not {origin!r}")

    def _validate_second_factor(self) -> None:
        if self.totp_key_secret == DEFAULT_TOTP_KEY_SECRET or len(self.totp_key_secret) < 32:
            raise SettingsError(
                "APP_ENV=production requires TOTP_KEY_SECRET: a random secret of at least 32 characters"
            )
        if self.totp_key_secret in (self.jwt_secret, self.poll_key_secret):
            raise SettingsError("TOTP_KEY_SECRET must differ from JWT_SECRET and POLL_KEY_SECRET")
        if not MIN_STAFF_IDLE_SECONDS <= self.staff_idle_timeout_seconds <= MAX_STAFF_IDLE_SECONDS:
            raise SettingsError(
                "APP_ENV=production requires STAFF_IDLE_TIMEOUT_SECONDS between "
                f"{MIN_STAFF_IDLE_SECONDS} and {MAX_STAFF_IDLE_SECONDS} (shared computers: 等级保护 2.0)"
            )

    def _validate_rate_limits(self) -> None:
        # The casting counter is keyed by a (keyed hash of the) client address: keep it for a minute at most.
        if not 1 <= self.rate_limit_window_seconds <= 60:
            raise SettingsError("RATE_LIMIT_WINDOW_SECONDS must be between 1 and 60")
        limits = (
            self.rate_limit_login_per_phone,
            self.rate_limit_login_per_address,
            self.rate_limit_credentials_per_user,
            self.rate_limit_casts_per_address,
            self.rate_limit_public_reports_per_address,
            self.rate_limit_public_reports_per_village,
            self.rate_limit_public_photos_per_address,
            self.public_reports_per_village_per_day,
        )
        if self.staff_idle_timeout_seconds < 0:
            raise SettingsError("STAFF_IDLE_TIMEOUT_SECONDS must be 0 (off) or positive")
        if any(limit < 0 for limit in limits):
            raise SettingsError("RATE_LIMIT_* limits must be 0 (off) or positive")
        if self.redis_url and not self.redis_url.startswith(("redis://", "rediss://", "unix://")):
            raise SettingsError("REDIS_URL must start with redis://, rediss:// or unix://")


def _hidden(metadata: list[Any]) -> str | None:
    return next((m.what for m in metadata if isinstance(m, _Hidden)), None)
