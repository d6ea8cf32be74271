"""What can go wrong when logging in through the identity platform, each with its stable code."""

from __future__ import annotations

from backend.core.errors import DomainError, ErrorCode

UNBOUND_MESSAGE = "该统一身份账号尚未关联本系统账号，请联系县委组织部"


class IdentityUnbound(DomainError):
    code = ErrorCode.IDENTITY_UNBOUND

    def __init__(self) -> None:
        super().__init__(UNBOUND_MESSAGE)


class OidcNotConfigured(DomainError):
    code = ErrorCode.OIDC_NOT_CONFIGURED

    def __init__(self) -> None:
        super().__init__("未配置统一身份认证平台")


class StateInvalid(DomainError):
    code = ErrorCode.OIDC_STATE_INVALID

    def __init__(self, message: str = "登录请求无效或已使用，请重新登录") -> None:
        super().__init__(message)


class OidcFailed(DomainError):
    code = ErrorCode.OIDC_FAILED

    def __init__(self, message: str = "统一身份认证平台未完成登录，请重新登录") -> None:
        super().__init__(message)


class OidcUnavailable(DomainError):
    code = ErrorCode.OIDC_UNAVAILABLE

    def __init__(self) -> None:
        super().__init__("暂时无法连接统一身份认证平台，请稍后再试")


class IdTokenInvalid(DomainError):
    code = ErrorCode.ID_TOKEN_INVALID

    def __init__(self, message: str = "统一身份认证平台返回的身份凭证无效，请重新登录") -> None:
        super().__init__(message)


class TicketInvalid(DomainError):
    code = ErrorCode.LOGIN_TICKET_INVALID

    def __init__(self) -> None:
        super().__init__("登录凭据无效或已使用，请重新登录")
