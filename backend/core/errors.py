"""The short hierarchy of expected (domain) errors. Anything else is internal and gets masked."""

from __future__ import annotations

import enum


class ErrorCode(enum.StrEnum):
    UNAUTHENTICATED = "UNAUTHENTICATED"
    FORBIDDEN = "FORBIDDEN"
    NOT_FOUND = "NOT_FOUND"
    INVALID_INPUT = "INVALID_INPUT"
    INVALID_CREDENTIALS = "INVALID_CREDENTIALS"
    LOCKED = "LOCKED"
    ACCOUNT_DISABLED = "ACCOUNT_DISABLED"
    TOKEN_INVALID = "TOKEN_INVALID"
    TOKEN_REUSED = "TOKEN_REUSED"
    SECOND_FACTOR_INVALID = "SECOND_FACTOR_INVALID"  # a wrong, used or replayed TOTP or recovery code
    SESSION_IDLE = "SESSION_IDLE"  # a staff session unused past STAFF_IDLE_TIMEOUT_SECONDS: log in again
    DUPLICATE = "DUPLICATE"
    IMPORT_INVALID = "IMPORT_INVALID"  # the workbook has row errors or cannot be read; nothing was imported
    IMPORT_TOO_LARGE = "IMPORT_TOO_LARGE"  # the workbook would inflate past the limits (a zip bomb); nothing read
    CONFLICT = "CONFLICT"  # same client id, different content
    STALE_VERSION = "STALE_VERSION"  # an edit names a version that is no longer current
    INVALID_STATE = "INVALID_STATE"  # the transition is not allowed from the current state
    MEDIA_UNSUPPORTED = "MEDIA_UNSUPPORTED"
    MEDIA_TOO_LARGE = "MEDIA_TOO_LARGE"
    MEDIA_MISSING = "MEDIA_MISSING"  # a filing names a photo that was never uploaded
    UPLOAD_OFFSET_MISMATCH = "UPLOAD_OFFSET_MISMATCH"  # a resumed upload named another offset than the server reached
    PHOTO_REQUIRED = "PHOTO_REQUIRED"  # the county requires a photo for this kind (with its recorded reason)
    STORAGE_FULL = "STORAGE_FULL"
    FONT_MISSING = "FONT_MISSING"  # no CJK font on the server to draw the card image
    RATE_LIMITED = "RATE_LIMITED"  # too many attempts within a short window; the message says when to retry
    ROLL_CALL_CAP_REACHED = "ROLL_CALL_CAP_REACHED"  # a named secretary had the county's roll calls this month
    # Satisfaction polls (群众满意度测评)
    ALREADY_VOTED = "ALREADY_VOTED"  # this token or paper code has already cast its ballot
    INVALID_TOKEN = "INVALID_TOKEN"  # a voting credential that is malformed or not signed by the poll's key
    WRONG_POLL = "WRONG_POLL"  # a credential made for another poll
    INVALID_CODE = "INVALID_CODE"  # a paper code this poll never issued
    POLL_NOT_OPEN = "POLL_NOT_OPEN"  # the poll has not reached the phase this needs yet
    POLL_CLOSED = "POLL_CLOSED"  # the phase this needs is over
    ROSTER_LOCKED = "ROSTER_LOCKED"  # the roster cannot change once issuing has started
    ALREADY_ISSUED = "ALREADY_ISSUED"  # the person already received a credential or a paper slip
    NOT_ELIGIBLE = "NOT_ELIGIBLE"  # the account is not on the poll's roster
    ANONYMOUS_ONLY = "ANONYMOUS_ONLY"  # a ballot was sent with identifying headers (Authorization, Cookie)
    # 统一身份认证 (backend/identity/)
    IDENTITY_UNBOUND = "IDENTITY_UNBOUND"  # the platform's account is bound to no account here; nothing was created
    OIDC_NOT_CONFIGURED = "OIDC_NOT_CONFIGURED"  # no identity platform is configured (OIDC_ISSUER)
    OIDC_STATE_INVALID = "OIDC_STATE_INVALID"  # the login came back with a missing, unknown, used or expired state
    OIDC_FAILED = "OIDC_FAILED"  # the platform refused the login or the code exchange
    OIDC_UNAVAILABLE = "OIDC_UNAVAILABLE"  # the platform could not be reached
    ID_TOKEN_INVALID = "ID_TOKEN_INVALID"  # the ID token's signature or claims (iss, aud, exp, nonce) failed
    LOGIN_TICKET_INVALID = "LOGIN_TICKET_INVALID"  # a login ticket unknown, used or older than a minute
    PASSWORD_LOGIN_DISABLED = "PASSWORD_LOGIN_DISABLED"  # the county turned staff password login off


class DomainError(Exception):
    """An expected failure with a stable code and a Chinese message fit for the user."""

    code: ErrorCode = ErrorCode.INVALID_INPUT

    def __init__(self, message: str, *, field: str | None = None, code: ErrorCode | None = None):
        super().__init__(message)
        self.message = message
        self.field = field
        if code is not None:
            self.code = code

    def extensions(self) -> dict[str, object]:
        """What an HTTP error body says besides code and message (`backend.core.http_errors`)."""
        return {"field": self.field} if self.field else {}


class Unauthenticated(DomainError):
    code = ErrorCode.UNAUTHENTICATED

    def __init__(self, message: str = "请先登录") -> None:
        super().__init__(message)


class Forbidden(DomainError):
    """The caller may not do this. A row outside their jurisdiction is NotFound instead, so that
    an id's existence is never revealed (docs/SECURITY.md, "Authorization: the doors")."""

    code = ErrorCode.FORBIDDEN

    def __init__(self, message: str = "无权执行此操作") -> None:
        super().__init__(message)


class NotFound(DomainError):
    code = ErrorCode.NOT_FOUND

    def __init__(self, message: str = "记录不存在") -> None:
        super().__init__(message)


class InvalidInput(DomainError):
    code = ErrorCode.INVALID_INPUT


class Duplicate(DomainError):
    code = ErrorCode.DUPLICATE


class Conflict(DomainError):
    code = ErrorCode.CONFLICT


class StaleVersion(DomainError):
    code = ErrorCode.STALE_VERSION

    def __init__(self, message: str, *, current_version: int) -> None:
        super().__init__(message, field="baseVersion")
        self.current_version = current_version

    def extensions(self) -> dict[str, object]:
        return {**super().extensions(), "currentVersion": self.current_version}


class InvalidState(DomainError):
    code = ErrorCode.INVALID_STATE
