"""Line wrapping for mixed Chinese/Latin text: CJK text breaks between any two characters."""

from __future__ import annotations

from collections.abc import Callable

_NO_LINE_START = set("，。、；：！？）》」』”’,.;:!?)")


def wrap(text: str, width: float, measure: Callable[[str], float], max_lines: int | None = None) -> list[str]:
    """Greedy wrap by measured width; with `max_lines`, the last kept line ends in an ellipsis."""
    lines: list[str] = []
    for paragraph in text.replace("\r\n", "\n").split("\n"):
        line, used = "", 0.0
        for char in paragraph:
            advance = measure(char)  # summed per character: linear, and CJK has no kerning
            if line and used + advance > width and char not in _NO_LINE_START:
                lines.append(line)
                line, used = ("", 0.0) if char == " " else (char, advance)
            else:
                line, used = line + char, used + advance
        lines.append(line)
    lines = [ln for ln in lines if ln.strip()] if any(ln.strip() for ln in lines) else []
    if max_lines is not None and len(lines) > max_lines:
        lines = lines[:max_lines]
        last = lines[-1]
        while last and measure(last + "…") > width:
            last = last[:-1]
        lines[-1] = last + "…"
    return lines
