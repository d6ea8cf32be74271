"""The card as a one-page A6 PDF. Chinese text uses reportlab's built-in CID font STSong-Light
(the reader supplies the glyphs), so the server needs no font file for the PDF."""

from __future__ import annotations

import io
import logging
from functools import cache

from reportlab.lib.colors import Color, white
from reportlab.lib.pagesizes import A6
from reportlab.lib.utils import ImageReader
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.pdfgen.canvas import Canvas

from backend.service_card.content import QR_CAPTION, TITLE, CardContent
from backend.service_card.qr import qr_matrix
from backend.service_card.text import wrap

logger = logging.getLogger("zhucuntong.cards")

CJK = "STSong-Light"
LATIN = "Helvetica"
RED = Color(0.78, 0.1, 0.1)
GREY = Color(0.35, 0.35, 0.35)
MARGIN = 14.0


@cache
def _register_font() -> None:
    pdfmetrics.registerFont(UnicodeCIDFont(CJK))


def render_pdf(card: CardContent) -> bytes:
    _register_font()
    width, height = A6
    buffer = io.BytesIO()
    canvas = Canvas(buffer, pagesize=A6, pageCompression=1)
    canvas.setTitle(f"{TITLE} · {card.name}")
    canvas.setAuthor(card.dispatch_unit)
    canvas.setSubject(card.public_url)

    # Title band.
    band = 34.0
    canvas.setFillColor(RED)
    canvas.rect(0, height - band, width, band, stroke=0, fill=1)
    canvas.setFillColor(white)
    canvas.setFont(CJK, 17)
    canvas.drawCentredString(width / 2, height - band + 11, TITLE)

    # Photo and identity.
    top = height - band - 10
    text_x = MARGIN
    photo_w, photo_h = 60.0, 80.0
    if card.photo and _draw_photo(canvas, card.photo, MARGIN, top - photo_h, photo_w, photo_h):
        text_x = MARGIN + photo_w + 10
    text_w = width - MARGIN - text_x
    canvas.setFillColor(Color(0, 0, 0))
    canvas.setFont(CJK, 15)
    y = top - 15
    canvas.drawString(text_x, y, card.name)
    y -= 18
    for label, value in (("手机", card.phone), ("派出单位", card.dispatch_unit), ("驻村", card.stationed_at)):
        for line in _wrap(f"{label}：{value}", 8.5, text_w, 2):
            canvas.setFont(CJK, 8.5)
            canvas.drawString(text_x, y, line)
            y -= 12
    y = min(y, top - photo_h) - 8 if text_x > MARGIN else y - 4

    # The checklist's items (八个一 by default), two columns.
    y = _heading(canvas, f"{card.duty_list} · 履职清单", y, width)
    column_w = (width - 2 * MARGIN) / 2
    canvas.setFont(CJK, 7.5)
    for i, duty in enumerate(card.duties):
        col, row = i % 2, i // 2
        canvas.drawString(MARGIN + col * column_w, y - row * 11, f"{i + 1}. {duty}")
    y -= 11 * ((len(card.duties) + 1) // 2) + 4

    # Pledge, as much as fits above the QR block.
    qr_size = 78.0
    qr_block_top = MARGIN + qr_size
    y = _heading(canvas, "履职承诺", y, width)
    canvas.setFont(CJK, 7.5)
    room = max(1, int((y - qr_block_top - 6) // 10))
    for line in _wrap(card.pledge or "（尚未公开履职承诺）", 7.5, width - 2 * MARGIN, room):
        canvas.drawString(MARGIN, y, line)
        y -= 10

    # QR code to the village public page, drawn as vector modules.
    _draw_qr(canvas, card.public_url, MARGIN, MARGIN, qr_size)
    caption_x = MARGIN + qr_size + 8
    caption_w = width - MARGIN - caption_x
    canvas.setFillColor(Color(0, 0, 0))
    cy = MARGIN + qr_size - 16
    for line in _wrap(QR_CAPTION, 9, caption_w, 3):
        canvas.setFont(CJK, 9)
        canvas.drawString(caption_x, cy, line)
        cy -= 13
    canvas.setFillColor(GREY)
    canvas.setFont(LATIN, 5.5)
    for line in wrap(card.public_url, caption_w, lambda s: pdfmetrics.stringWidth(s, LATIN, 5.5), 3):
        canvas.drawString(caption_x, cy, line)
        cy -= 7
    canvas.linkURL(card.public_url, (MARGIN, MARGIN, MARGIN + qr_size, MARGIN + qr_size), relative=0)

    canvas.showPage()
    canvas.save()
    return buffer.getvalue()


def _wrap(text: str, size: float, width: float, max_lines: int) -> list[str]:
    return wrap(text, width, lambda s: pdfmetrics.stringWidth(s, CJK, size), max_lines)


def _heading(canvas: Canvas, text: str, y: float, width: float) -> float:
    canvas.setFillColor(RED)
    canvas.setFont(CJK, 9.5)
    canvas.drawString(MARGIN, y - 10, text)
    canvas.setStrokeColor(RED)
    canvas.setLineWidth(0.5)
    canvas.line(MARGIN, y - 13, width - MARGIN, y - 13)
    canvas.setFillColor(Color(0, 0, 0))
    return y - 24


def _draw_photo(canvas: Canvas, photo: bytes, x: float, y: float, w: float, h: float) -> bool:
    try:
        image = ImageReader(io.BytesIO(photo))
        canvas.drawImage(image, x, y, w, h, preserveAspectRatio=True, anchor="c")
    except Exception:  # a broken photo must not stop the card; it is printed without one
        logger.warning("service card photo could not be drawn", exc_info=True)
        return False
    return True


def _draw_qr(canvas: Canvas, payload: str, x: float, y: float, size: float) -> None:
    matrix = qr_matrix(payload)
    module = size / len(matrix)
    canvas.setFillColor(Color(0, 0, 0))
    for r, row in enumerate(matrix):
        for c, dark in enumerate(row):
            if dark:
                # Slight overlap hides hairline gaps between modules in some viewers.
                canvas.rect(x + c * module, y + size - (r + 1) * module, module + 0.05, module + 0.05, stroke=0, fill=1)
