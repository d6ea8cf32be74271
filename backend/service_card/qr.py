"""The card's QR code: the module matrix of the village public page's URL."""

from __future__ import annotations

import qrcode
from qrcode.constants import ERROR_CORRECT_M

QUIET_ZONE = 2  # modules of white border; the card around it is white too


def qr_matrix(payload: str) -> list[list[bool]]:
    """Dark (True) / light modules, quiet zone included. Medium error correction survives a
    creased, hand-held card; the URL is short, so the symbol stays small."""
    code = qrcode.QRCode(error_correction=ERROR_CORRECT_M, border=QUIET_ZONE, box_size=1)
    code.add_data(payload)
    code.make(fit=True)
    return [list(row) for row in code.get_matrix()]
