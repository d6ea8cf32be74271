"""The card as a PNG image for phones and printing (2× the A6 layout's CSS size). Pillow needs a
real CJK font file: Noto Sans CJK or WenQuanYi from the system, else FONT_MISSING."""

from __future__ import annotations

import glob
import io
import logging
import os
from functools import cache

from PIL import Image, ImageDraw, ImageFont, ImageOps

from backend.core.errors import DomainError, ErrorCode
from backend.service_card.content import QR_CAPTION, TITLE, CardContent
from backend.service_card.qr import qr_matrix
from backend.service_card.text import wrap

logger = logging.getLogger("zhucuntong.cards")

# A6 (105 × 148 mm) at 420 × 592 CSS pixels, drawn at 2×.
WIDTH, HEIGHT = 840, 1184
S = 2.0 * 420 / 297.64  # pixels per PDF point, so both renderings share one layout
MARGIN = round(14 * S)
QR_SIZE = round(78 * S)
RED = (199, 26, 26)
GREY = (90, 90, 90)
BLACK = (0, 0, 0)
WHITE = (255, 255, 255)

FONT_ENV = "CARD_FONT_PATH"
FONT_CANDIDATES = (
    "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc",
    "/usr/share/fonts/opentype/noto/NotoSansCJK-Medium.ttc",
    "/usr/share/fonts/noto-cjk/NotoSansCJK-Regular.ttc",
    "/usr/share/fonts/google-noto-cjk/NotoSansCJK-Regular.ttc",
    "/usr/share/fonts/opentype/noto/NotoSerifCJK-Regular.ttc",
    "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc",
    "/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc",
    "/usr/share/fonts/wqy-microhei/wqy-microhei.ttc",
    "/usr/share/fonts/wqy-zenhei/wqy-zenhei.ttc",
    "/System/Library/Fonts/PingFang.ttc",
)
FONT_GLOBS = ("/usr/share/fonts/**/*CJK*", "/usr/share/fonts/**/wqy*", "/usr/local/share/fonts/**/*CJK*")


class FontMissing(DomainError):
    code = ErrorCode.FONT_MISSING

    def __init__(self) -> None:
        super().__init__("服务器缺少中文字体，暂时无法生成图片版服务卡（PDF 版可用）；请管理员安装 fonts-noto-cjk")


def qr_placement(modules: int) -> tuple[int, int, int]:
    """(left, top, module size in pixels) of the QR symbol: whole pixels per module keep it crisp."""
    module = QR_SIZE // modules
    return MARGIN, HEIGHT - MARGIN - QR_SIZE, module


@cache
def find_cjk_font() -> tuple[str, int] | None:
    """(path, face index) of a font with simplified-Chinese glyphs, preferring the SC face."""
    paths = [os.environ[FONT_ENV]] if os.environ.get(FONT_ENV) else []
    paths += list(FONT_CANDIDATES)
    for pattern in FONT_GLOBS:
        paths += sorted(glob.glob(pattern, recursive=True))
    for path in paths:
        if not os.path.isfile(path) or not path.lower().endswith((".ttc", ".otf", ".ttf")):
            continue
        faces: list[tuple[int, str]] = []
        for index in range(8 if path.lower().endswith(".ttc") else 1):
            try:
                family = ImageFont.truetype(path, 12, index=index).getname()[0] or ""
            except OSError:
                break
            faces.append((index, family))
        if not faces:
            continue
        for index, family in faces:
            if family.endswith((" SC", "SC")) or "GB" in family:
                return path, index
        return path, faces[0][0]
    return None


def _font(size: float) -> ImageFont.FreeTypeFont:
    found = find_cjk_font()
    if found is None:
        raise FontMissing()
    return _load(found[0], found[1], round(size * S))


@cache
def _load(path: str, index: int, size: int) -> ImageFont.FreeTypeFont:
    return ImageFont.truetype(path, size, index=index)


def render_png(card: CardContent) -> bytes:
    fonts = {size: _font(size) for size in (17, 15, 9.5, 9, 8.5, 7.5, 6)}
    image = Image.new("RGB", (WIDTH, HEIGHT), WHITE)
    draw = ImageDraw.Draw(image)

    def px(points: float) -> int:
        return round(points * S)

    def text(x: int, y: int, value: str, size: float, fill: tuple[int, int, int] = BLACK) -> None:
        draw.text((x, y), value, font=fonts[size], fill=fill)

    def lines(value: str, size: float, width: int, max_lines: int) -> list[str]:
        return wrap(value, width, lambda s: fonts[size].getlength(s), max_lines)

    # Title band.
    band = px(34)
    draw.rectangle((0, 0, WIDTH, band), fill=RED)
    draw.text((WIDTH / 2, band / 2), TITLE, font=fonts[17], fill=WHITE, anchor="mm")

    # Photo and identity.
    top = band + px(10)
    text_x = MARGIN
    photo_w, photo_h = px(60), px(80)
    if card.photo and _paste_photo(image, card.photo, (MARGIN, top, photo_w, photo_h)):
        text_x = MARGIN + photo_w + px(10)
    text_w = WIDTH - MARGIN - text_x
    text(text_x, top, card.name, 15)
    y = top + px(22)
    for label, value in (("手机", card.phone), ("派出单位", card.dispatch_unit), ("驻村", card.stationed_at)):
        for line in lines(f"{label}：{value}", 8.5, text_w, 2):
            text(text_x, y, line, 8.5)
            y += px(12)
    y = max(y, top + photo_h) + px(8) if text_x > MARGIN else y + px(4)

    # The checklist's items (八个一 by default), two columns.
    y = _heading(draw, fonts[9.5], f"{card.duty_list} · 履职清单", y)
    column_w = (WIDTH - 2 * MARGIN) // 2
    for i, duty in enumerate(card.duties):
        col, row = i % 2, i // 2
        text(MARGIN + col * column_w, y + row * px(11), f"{i + 1}. {duty}", 7.5)
    y += px(11) * ((len(card.duties) + 1) // 2) + px(4)

    # Pledge, as much as fits above the QR block.
    y = _heading(draw, fonts[9.5], "履职承诺", y)
    qr_top = HEIGHT - MARGIN - QR_SIZE
    room = max(1, (qr_top - px(6) - y) // px(10))
    for line in lines(card.pledge or "（尚未公开履职承诺）", 7.5, WIDTH - 2 * MARGIN, room):
        text(MARGIN, y, line, 7.5)
        y += px(10)

    # QR code to the village public page.
    matrix = qr_matrix(card.public_url)
    left, qtop, module = qr_placement(len(matrix))
    for r, modules in enumerate(matrix):
        for c, dark in enumerate(modules):
            if dark:
                x0, y0 = left + c * module, qtop + r * module
                draw.rectangle((x0, y0, x0 + module - 1, y0 + module - 1), fill=BLACK)
    caption_x = MARGIN + QR_SIZE + px(8)
    caption_w = WIDTH - MARGIN - caption_x
    cy = qtop + px(6)
    for line in lines(QR_CAPTION, 9, caption_w, 3):
        text(caption_x, cy, line, 9)
        cy += px(13)
    for line in lines(card.public_url, 6, caption_w, 3):
        text(caption_x, cy, line, 6, GREY)
        cy += px(8)

    # A palette image keeps the file small (flat colours; the photo survives 256 colours).
    # FASTOCTREE: a tenth of a second where median cut takes half a second on 1 Mpx.
    quantized = image.quantize(
        colors=256 if card.photo else 32, method=Image.Quantize.FASTOCTREE, dither=Image.Dither.NONE
    )
    buffer = io.BytesIO()
    quantized.save(buffer, format="PNG", compress_level=6)
    return buffer.getvalue()


def _heading(draw: ImageDraw.ImageDraw, font: ImageFont.FreeTypeFont, value: str, y: int) -> int:
    draw.text((MARGIN, y), value, font=font, fill=RED)
    line_y = y + round(13 * S)
    draw.line((MARGIN, line_y, WIDTH - MARGIN, line_y), fill=RED, width=max(1, round(0.5 * S)))
    return line_y + round(8 * S)


def _paste_photo(image: Image.Image, photo: bytes, box: tuple[int, int, int, int]) -> bool:
    x, y, w, h = box
    try:
        with Image.open(io.BytesIO(photo)) as source:
            fitted = ImageOps.contain(ImageOps.exif_transpose(source).convert("RGB"), (w, h))
    except Exception:  # a broken photo must not stop the card; it is printed without one
        logger.warning("service card photo could not be drawn", exc_info=True)
        return False
    image.paste(fitted, (x + (w - fitted.width) // 2, y + (h - fitted.height) // 2))
    return True
