"""The paper ballot slips as an A4 PDF: 10 slips a page (2 × 5) with dashed cut lines.

Each slip: the poll's title, the secretary, village and period, the one-time code in groups,
a QR of `{public_base_url}/vote/{poll_id}#code=CODE` (a URL fragment never reaches a server or
its logs) and instructions. Slips carry no name and no serial number. Chinese text uses
reportlab's built-in CID font STSong-Light, so the server needs no font file.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from functools import cache

from reportlab.lib.colors import Color, black
from reportlab.lib.pagesizes import A4
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.pdfgen.canvas import Canvas

from backend.service_card.qr import qr_matrix

CJK = "STSong-Light"
MONO = "Courier-Bold"
COLUMNS, ROWS = 2, 5
GREY = Color(0.4, 0.4, 0.4)


@dataclass(frozen=True)
class SlipSheet:
    poll_id: int
    title: str
    secretary_name: str
    village_name: str
    period: str
    fingerprint: str
    base_url: str
    codes: list[str]  # formatted, e.g. 7K2M-QX9D-...

    def url(self, code: str) -> str:
        return f"{self.base_url}/vote/{self.poll_id}#code={code}"


@cache
def _font() -> None:
    pdfmetrics.registerFont(UnicodeCIDFont(CJK))


def render_slips(sheet: SlipSheet) -> bytes:
    _font()
    width, height = A4
    slip_w, slip_h = width / COLUMNS, height / ROWS
    buffer = io.BytesIO()
    canvas = Canvas(buffer, pagesize=A4, pageCompression=1, invariant=1)
    canvas.setTitle(f"{sheet.title} · 纸质票")
    per_page = COLUMNS * ROWS
    for start in range(0, len(sheet.codes), per_page):
        _cut_lines(canvas, width, height, slip_w, slip_h)
        for index, code in enumerate(sheet.codes[start : start + per_page]):
            col, row = index % COLUMNS, index // COLUMNS
            _slip(canvas, sheet, code, col * slip_w, height - (row + 1) * slip_h, slip_w, slip_h)
        canvas.showPage()
    canvas.save()
    return buffer.getvalue()


def _cut_lines(canvas: Canvas, width: float, height: float, slip_w: float, slip_h: float) -> None:
    canvas.saveState()
    canvas.setStrokeColor(GREY)
    canvas.setDash(4, 3)
    canvas.setLineWidth(0.5)
    for col in range(1, COLUMNS):
        canvas.line(col * slip_w, 0, col * slip_w, height)
    for row in range(1, ROWS):
        canvas.line(0, row * slip_h, width, row * slip_h)
    canvas.restoreState()


def _slip(canvas: Canvas, sheet: SlipSheet, code: str, x: float, y: float, w: float, h: float) -> None:
    pad = 12.0
    qr_size = h - 2 * pad - 14
    _qr(canvas, sheet.url(code), x + w - pad - qr_size, y + pad + 14, qr_size)
    text_w = w - 3 * pad - qr_size
    left, top = x + pad, y + h - pad
    canvas.setFillColor(black)
    canvas.setFont(CJK, 10.5)
    lines = _wrap(sheet.title, 10.5, text_w, 2)
    for i, line in enumerate(lines):
        canvas.drawString(left, top - 11 - 13 * i, line)
    cursor = top - 11 - 13 * len(lines) - 4
    canvas.setFont(CJK, 8)
    for label in (f"第一书记：{sheet.secretary_name}", f"村/社区：{sheet.village_name}", f"测评周期：{sheet.period}"):
        canvas.drawString(left, cursor, label)
        cursor -= 10.5
    canvas.setFont(CJK, 7.5)
    canvas.drawString(left, cursor - 2, "一次性票码：")
    canvas.setFont(MONO, 9.5)
    groups = code.split("-")
    half = (len(groups) + 1) // 2
    canvas.drawString(left, cursor - 14, " ".join(groups[:half]))
    canvas.drawString(left, cursor - 25, " ".join(groups[half:]))
    canvas.setFont(CJK, 6.5)
    canvas.setFillColor(GREY)
    steps = [
        "用任意手机扫码，或打开网址输入票码，选择一项后提交。",
        "无需登录；每张票码只能投一次，请勿拍照或转交他人。",
        "提交后记下回执码，结束后可在公示榜核对。",
    ]
    for i, step in enumerate(steps):
        canvas.drawString(left, y + pad + 22 - 8 * i, step if _fits(step, 6.5, w - 2 * pad) else step[:30])
    canvas.drawString(x + w - pad - qr_size, y + pad + 2, f"公钥指纹 {sheet.fingerprint[:16]}")


def _qr(canvas: Canvas, payload: str, x: float, y: float, size: float) -> None:
    matrix = qr_matrix(payload)
    modules = len(matrix)
    cell = size / modules
    canvas.saveState()
    canvas.setFillColor(black)
    for r, row in enumerate(matrix):
        c = 0
        while c < modules:  # one rectangle per run of dark modules
            if row[c]:
                start = c
                while c < modules and row[c]:
                    c += 1
                canvas.rect(x + start * cell, y + (modules - 1 - r) * cell, (c - start) * cell, cell, stroke=0, fill=1)
            else:
                c += 1
    canvas.restoreState()


def _fits(text: str, size: float, width: float) -> bool:
    return pdfmetrics.stringWidth(text, CJK, size) <= width


def _wrap(text: str, size: float, width: float, max_lines: int) -> list[str]:
    lines: list[str] = []
    current = ""
    for ch in text:
        if _fits(current + ch, size, width):
            current += ch
        else:
            lines.append(current)
            current = ch
    lines.append(current)
    if len(lines) > max_lines:
        lines = lines[:max_lines]
        lines[-1] = lines[-1][:-1] + "…"
    return lines
