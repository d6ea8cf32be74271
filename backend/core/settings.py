"""Typed settings read from the environment, with safe embedded defaults."""

from __future__ import annotations

import os
from dataclasses import dataclass, field, replace
from pathlib import Path

DEFAULT_JWT_SECRET = "dev-only-insecure-secret-change-me"
DEFAULT_POLL_KEY_SECRET = "dev-only-insecure-poll-key-secret"
PROJECT_ROOT = Path(__file__).resolve().parents[2]


class SettingsError(RuntimeError):
    """Raised when the configuration is unsafe or inconsistent."""


def _env_int(name: str, default: int) -> int:
    raw = os.environ.get(name)
    return int(raw) if raw else default


@dataclass(frozen=True)
class Settings:
    app_env: str = "development"
    database_url: str = f"sqlite+aiosqlite:///{PROJECT_ROOT / 'var' / 'zhucuntong.db'}"
    jwt_secret: str = DEFAULT_JWT_SECRET
    jwt_secret_previous: str = ""  # still accepted for verifying access tokens during a key rotation
    poll_key_secret: str = DEFAULT_POLL_KEY_SECRET  # seals poll signing keys (services/polls/keys.py)
    jwt_issuer: str = "zhucuntong"
    jwt_audience: str = "zhucuntong-api"
    access_token_ttl: int = 15 * 60
    refresh_token_ttl: int = 30 * 24 * 3600
    login_max_failures: int = 5
    login_lock_seconds: int = 15 * 60
    max_query_depth: int = 10
    max_aliases: int = 15
    max_tokens: int = 2000
    max_page_size: int = 100
    max_upload_bytes: int = 10 * 1024 * 1024
    media_dir: Path = field(default=PROJECT_ROOT / "var" / "media")
    max_photo_bytes: int = 5 * 1024 * 1024
    pwa_dist: Path = field(default=PROJECT_ROOT / "pwa" / "dist")
    db_pool_size: int = 10
    sql_echo: bool = False
    public_base_url: str = "http://127.0.0.1:8000"  # printed in QR codes; where phones reach the PWA
    metrics_token: str = ""  # bearer token for GET /metrics; unset: production answers loopback only
    cors_origins: tuple[str, ...] = ()  # other sites' origins allowed to call the API from a browser
    redis_url: str = ""  # shared rate-limit counters across processes; empty: counted in this process only
    # Rate limits (backend/ratelimit/): attempts per window; 0 turns that limit off.
    rate_limit_window_seconds: int = 60
    rate_limit_login_per_phone: int = 10
    rate_limit_login_per_address: int = 30
    rate_limit_credentials_per_user: int = 10
    rate_limit_casts_per_address: int = 120
    rate_limit_key_prefix: str = "zct:rl:"  # Redis key prefix, for sharing one Redis between deployments
    media_storage: str = "disk"  # "disk" (MEDIA_DIR) or "s3" (an S3-compatible object store)
    s3_endpoint_url: str = ""  # e.g. http://minio:9000; empty: the AWS default for the region
    s3_bucket: str = ""
    s3_region: str = "us-east-1"
    s3_access_key_id: str = ""
    s3_secret_access_key: str = ""
    s3_prefix: str = ""  # key prefix inside the bucket, e.g. "media/"
    s3_addressing_style: str = "path"  # "path" (MinIO, Ceph RGW) or "virtual" (Aliyun OSS, Tencent COS)

    @property
    def is_production(self) -> bool:
        return self.app_env == "production"

    @property
    def is_sqlite(self) -> bool:
        return self.database_url.startswith("sqlite")

    @classmethod
    def from_env(cls) -> Settings:
        defaults = cls()
        return cls(
            app_env=os.environ.get("APP_ENV", defaults.app_env),
            database_url=os.environ.get("DATABASE_URL", defaults.database_url),
            jwt_secret=os.environ.get("JWT_SECRET", defaults.jwt_secret),
            jwt_secret_previous=os.environ.get("JWT_SECRET_PREVIOUS", defaults.jwt_secret_previous),
            poll_key_secret=os.environ.get("POLL_KEY_SECRET", defaults.poll_key_secret),
            jwt_issuer=os.environ.get("JWT_ISSUER", defaults.jwt_issuer),
            jwt_audience=os.environ.get("JWT_AUDIENCE", defaults.jwt_audience),
            access_token_ttl=_env_int("ACCESS_TOKEN_TTL", defaults.access_token_ttl),
            refresh_token_ttl=_env_int("REFRESH_TOKEN_TTL", defaults.refresh_token_ttl),
            login_max_failures=_env_int("LOGIN_MAX_FAILURES", defaults.login_max_failures),
            login_lock_seconds=_env_int("LOGIN_LOCK_SECONDS", defaults.login_lock_seconds),
            max_upload_bytes=_env_int("MAX_UPLOAD_BYTES", defaults.max_upload_bytes),
            media_dir=Path(os.environ.get("MEDIA_DIR", str(defaults.media_dir))),
            max_photo_bytes=_env_int("MAX_PHOTO_BYTES", defaults.max_photo_bytes),
            pwa_dist=Path(os.environ.get("PWA_DIST", str(defaults.pwa_dist))),
            db_pool_size=_env_int("DB_POOL_SIZE", defaults.db_pool_size),
            sql_echo=os.environ.get("SQL_ECHO", "") == "1",
            public_base_url=os.environ.get("PUBLIC_BASE_URL", defaults.public_base_url).rstrip("/"),
            metrics_token=os.environ.get("METRICS_TOKEN", defaults.metrics_token),
            cors_origins=tuple(
                o.strip().rstrip("/") for o in os.environ.get("CORS_ORIGINS", "").split(",") if o.strip()
            ),
            redis_url=os.environ.get("REDIS_URL", defaults.redis_url),
            rate_limit_window_seconds=_env_int("RATE_LIMIT_WINDOW_SECONDS", defaults.rate_limit_window_seconds),
            rate_limit_login_per_phone=_env_int("RATE_LIMIT_LOGIN_PER_PHONE", defaults.rate_limit_login_per_phone),
            rate_limit_login_per_address=_env_int(
                "RATE_LIMIT_LOGIN_PER_ADDRESS", defaults.rate_limit_login_per_address
            ),
            rate_limit_credentials_per_user=_env_int(
                "RATE_LIMIT_CREDENTIALS_PER_USER", defaults.rate_limit_credentials_per_user
            ),
            rate_limit_casts_per_address=_env_int(
                "RATE_LIMIT_CASTS_PER_ADDRESS", defaults.rate_limit_casts_per_address
            ),
            rate_limit_key_prefix=os.environ.get("RATE_LIMIT_KEY_PREFIX", defaults.rate_limit_key_prefix),
            media_storage=os.environ.get("MEDIA_STORAGE", defaults.media_storage),
            s3_endpoint_url=os.environ.get("S3_ENDPOINT_URL", defaults.s3_endpoint_url),
            s3_bucket=os.environ.get("S3_BUCKET", defaults.s3_bucket),
            s3_region=os.environ.get("S3_REGION", defaults.s3_region),
            s3_access_key_id=os.environ.get("S3_ACCESS_KEY_ID", defaults.s3_access_key_id),
            s3_secret_access_key=os.environ.get("S3_SECRET_ACCESS_KEY", defaults.s3_secret_access_key),
            s3_prefix=os.environ.get("S3_PREFIX", defaults.s3_prefix),
            s3_addressing_style=os.environ.get("S3_ADDRESSING_STYLE", defaults.s3_addressing_style),
        )

    def with_overrides(self, **changes: object) -> Settings:
        return replace(self, **changes)  # type: ignore[arg-type]

    def validate(self) -> None:
        """Refuse configurations that must never run in production."""
        self._validate_rate_limits()
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
        if not self.redis_url:
            raise SettingsError(
                "APP_ENV=production requires REDIS_URL: rate limits must be counted across all app processes"
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
        )
        if any(limit < 0 for limit in limits):
            raise SettingsError("RATE_LIMIT_* limits must be 0 (off) or positive")
        if self.redis_url and not self.redis_url.startswith(("redis://", "rediss://", "unix://")):
            raise SettingsError("REDIS_URL must start with redis://, rediss:// or unix://")
