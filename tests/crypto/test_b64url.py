"""The one base64url helper: unpadded out, padded or unpadded in, ValueError for what is not."""

from __future__ import annotations

import pytest

from backend.crypto import b64url


def test_encodes_without_padding_and_decodes_with_or_without() -> None:
    data = b"\xfb\xff\x00zct"
    text = b64url.encode(data)
    assert text == "-_8AemN0" and "=" not in b64url.encode(b"ab")
    assert b64url.decode(text) == data
    assert b64url.decode(b64url.encode(b"ab")) == b64url.decode("YWI=") == b"ab"


@pytest.mark.parametrize("bad", ["A", "AAAAA", "中文", None, 7])
def test_what_is_not_base64url_is_a_value_error(bad: object) -> None:
    with pytest.raises(ValueError):
        b64url.decode(bad)  # type: ignore[arg-type]
