from tests.auth.helpers import clock  # a login with a second factor needs the TOTP clock

__all__ = ["clock"]
