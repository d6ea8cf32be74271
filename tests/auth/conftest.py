from tests.auth.helpers import clock

__all__ = ["clock"]
