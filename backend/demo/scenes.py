"""Small, deterministic "work photos" for the demo, drawn with Pillow: a courtyard visit, a
meeting room, a field or greenhouse, a lecture hall, and head-and-shoulders portraits for the
service card. Plain shapes only (no fonts), so the same seed gives the same bytes anywhere."""

from __future__ import annotations

import enum
import io
import random

from PIL import Image, ImageDraw, ImageFilter

WIDTH, HEIGHT = 640, 480
PORTRAIT = (360, 480)
JPEG_QUALITY = 85


class Scene(enum.StrEnum):
    HOME = "home"  # a courtyard or house: household visits, pairing, the service card
    MEETING = "meeting"  # a meeting room: committee meetings, talks, the diary
    FIELD = "field"  # fields and greenhouses: trainings, projects, research
    HALL = "hall"  # a hall with a banner: party lectures
    PORTRAIT = "portrait"  # the secretary's photo on the service card


# How many distinct images each scene has in the demo's pool.
POOL_SIZES = {Scene.HOME: 12, Scene.MEETING: 8, Scene.FIELD: 10, Scene.HALL: 6, Scene.PORTRAIT: 8}

Color = tuple[int, int, int]


def _jitter(rng: random.Random, color: Color, amount: int = 18) -> Color:
    r, g, b = (max(0, min(255, c + rng.randint(-amount, amount))) for c in color)
    return (r, g, b)


def _sky(draw: ImageDraw.ImageDraw, rng: random.Random, horizon: int) -> None:
    top, bottom = _jitter(rng, (120, 170, 225)), _jitter(rng, (205, 225, 240))
    for y in range(horizon):
        t = y / max(1, horizon - 1)
        draw.line([(0, y), (WIDTH, y)], fill=tuple(int(a + (b - a) * t) for a, b in zip(top, bottom, strict=True)))
    for _ in range(rng.randint(1, 3)):  # clouds
        x, y = rng.randint(0, WIDTH), rng.randint(10, max(11, horizon // 2))
        for dx in range(0, rng.randint(60, 140), 22):
            draw.ellipse([x + dx, y, x + dx + 48, y + 26], fill=(245, 247, 250))


def _person(draw: ImageDraw.ImageDraw, rng: random.Random, x: int, ground: int, scale: float = 1.0) -> None:
    coat = rng.choice([(40, 60, 110), (150, 40, 40), (60, 60, 60), (90, 110, 70), (200, 170, 60)])
    h = int(120 * scale)
    w = int(34 * scale)
    draw.rounded_rectangle(
        [x - w // 2, ground - h + int(28 * scale), x + w // 2, ground - int(40 * scale)], 8, fill=coat
    )
    draw.rectangle([x - w // 3, ground - int(42 * scale), x + w // 3, ground], fill=(50, 50, 60))
    r = int(13 * scale)
    cy = ground - h + int(14 * scale)
    draw.ellipse([x - r, cy - r, x + r, cy + r], fill=_jitter(rng, (225, 185, 150), 10))
    draw.chord([x - r, cy - r - 2, x + r, cy + r // 2], 180, 360, fill=(30, 30, 35))


def _home(rng: random.Random) -> Image.Image:
    image = Image.new("RGB", (WIDTH, HEIGHT))
    draw = ImageDraw.Draw(image)
    horizon = rng.randint(170, 230)
    _sky(draw, rng, horizon)
    draw.rectangle([0, horizon, WIDTH, HEIGHT], fill=_jitter(rng, (175, 160, 135)))
    x = rng.randint(-60, 40)
    while x < WIDTH:
        w = rng.randint(170, 260)
        wall_top = horizon - rng.randint(20, 60)
        base = horizon + rng.randint(60, 120)
        wall = _jitter(rng, rng.choice([(225, 220, 210), (200, 190, 175), (190, 120, 90)]))
        draw.rectangle([x, wall_top, x + w, base], fill=wall)
        roof = _jitter(rng, rng.choice([(110, 110, 120), (160, 60, 50), (80, 90, 100)]))
        draw.polygon(
            [(x - 14, wall_top), (x + w // 2, wall_top - rng.randint(50, 80)), (x + w + 14, wall_top)], fill=roof
        )
        door_x = x + rng.randint(20, w - 70)
        draw.rectangle([door_x, base - 90, door_x + 48, base], fill=_jitter(rng, (150, 40, 35)))
        draw.rectangle([door_x - 6, base - 96, door_x + 54, base - 88], fill=(200, 30, 30))  # 春联 lintel
        for wx in (x + 18, x + w - 60):
            if abs(wx - door_x) > 60:
                draw.rectangle([wx, wall_top + 30, wx + 42, wall_top + 66], fill=(90, 120, 150))
        x += w + rng.randint(10, 60)
    for _ in range(rng.randint(1, 3)):  # trees
        tx = rng.randint(0, WIDTH)
        ty = horizon + rng.randint(40, 110)
        draw.rectangle([tx - 6, ty - 70, tx + 6, ty], fill=(90, 60, 40))
        draw.ellipse([tx - 45, ty - 150, tx + 45, ty - 60], fill=_jitter(rng, (70, 120, 60)))
    ground = HEIGHT - rng.randint(20, 60)
    for _ in range(rng.randint(2, 3)):
        _person(draw, rng, rng.randint(80, WIDTH - 80), ground, rng.uniform(1.2, 1.6))
    return image


def _meeting(rng: random.Random) -> Image.Image:
    image = Image.new("RGB", (WIDTH, HEIGHT), _jitter(rng, (232, 228, 218)))
    draw = ImageDraw.Draw(image)
    draw.rectangle([0, 300, WIDTH, HEIGHT], fill=_jitter(rng, (150, 130, 110)))
    draw.rectangle([120, 40, 520, 100], fill=(190, 30, 30))  # banner
    for i in range(10):
        draw.rectangle([150 + i * 34, 58, 172 + i * 34, 82], fill=(250, 220, 90))
    draw.rectangle([40, 120, 130, 240], fill=(120, 150, 180))  # notice board
    table = _jitter(rng, (120, 75, 45))
    draw.polygon([(140, 300), (500, 300), (600, 430), (40, 430)], fill=table)
    for i in range(rng.randint(4, 6)):
        _person(draw, rng, 110 + i * 90 + rng.randint(-10, 10), 310, 1.0)
    for _ in range(rng.randint(3, 5)):  # papers and cups on the table
        px = rng.randint(150, 470)
        py = rng.randint(320, 400)
        draw.rectangle([px, py, px + 36, py + 24], fill=(245, 245, 240))
    return image


def _field(rng: random.Random) -> Image.Image:
    image = Image.new("RGB", (WIDTH, HEIGHT))
    draw = ImageDraw.Draw(image)
    horizon = rng.randint(150, 200)
    _sky(draw, rng, horizon)
    crop = _jitter(rng, rng.choice([(90, 150, 60), (170, 160, 70), (110, 140, 70)]))
    draw.rectangle([0, horizon, WIDTH, HEIGHT], fill=_jitter(rng, (120, 95, 70)))
    for i in range(-12, 13):  # rows in perspective
        draw.line([(WIDTH // 2 + i * 8, horizon), (WIDTH // 2 + i * 70, HEIGHT)], fill=crop, width=rng.randint(9, 14))
    if rng.random() < 0.6:  # greenhouse arches
        gx = rng.randint(20, 260)
        for k in range(rng.randint(2, 4)):
            x0 = gx + k * 110
            draw.chord(
                [x0, horizon - 60, x0 + 100, horizon + 60], 180, 360, fill=(215, 228, 232), outline=(150, 170, 180)
            )
    ground = HEIGHT - rng.randint(30, 80)
    for _ in range(rng.randint(2, 5)):
        _person(draw, rng, rng.randint(60, WIDTH - 60), ground - rng.randint(0, 80), rng.uniform(0.9, 1.4))
    return image


def _hall(rng: random.Random) -> Image.Image:
    image = Image.new("RGB", (WIDTH, HEIGHT), _jitter(rng, (236, 232, 225)))
    draw = ImageDraw.Draw(image)
    draw.rectangle([60, 30, 580, 110], fill=(200, 25, 25))
    for i in range(12):
        draw.rectangle([90 + i * 40, 55, 114 + i * 40, 85], fill=(250, 225, 80))
    draw.polygon([(300, 120), (340, 120), (350, 130), (290, 130)], fill=(220, 180, 40))  # emblem base
    draw.rectangle([270, 170, 370, 260], fill=_jitter(rng, (140, 90, 50)))  # podium
    _person(draw, rng, 320, 200, 0.9)
    for row in range(3):  # audience seen from behind
        y = 330 + row * 55
        for i in range(9):
            x = 40 + i * 70 + (row % 2) * 30 + rng.randint(-6, 6)
            draw.ellipse([x - 20, y - 20, x + 20, y + 20], fill=(30, 30, 35))
            draw.rectangle(
                [x - 30, y + 12, x + 30, y + 60], fill=rng.choice([(40, 60, 110), (60, 60, 60), (120, 40, 40)])
            )
    return image


def _portrait(rng: random.Random) -> Image.Image:
    width, height = PORTRAIT
    image = Image.new("RGB", PORTRAIT, rng.choice([(60, 120, 200), (230, 232, 236), (200, 40, 40)]))
    draw = ImageDraw.Draw(image)
    suit = rng.choice([(30, 35, 50), (45, 45, 55), (60, 70, 90)])
    draw.ellipse([20, 320, width - 20, height + 200], fill=suit)
    draw.polygon([(width // 2 - 40, 330), (width // 2 + 40, 330), (width // 2, 420)], fill=(245, 245, 245))
    draw.polygon([(width // 2 - 10, 340), (width // 2 + 10, 340), (width // 2, 410)], fill=(150, 20, 30))
    draw.rectangle([width // 2 - 35, 250, width // 2 + 35, 340], fill=_jitter(rng, (225, 185, 150), 8))
    draw.ellipse([width // 2 - 85, 110, width // 2 + 85, 310], fill=_jitter(rng, (230, 190, 155), 8))
    hair = (25, 25, 30)
    if rng.random() < 0.5:
        draw.chord([width // 2 - 90, 90, width // 2 + 90, 250], 180, 360, fill=hair)
    else:
        draw.ellipse([width // 2 - 95, 85, width // 2 + 95, 230], fill=hair)
        draw.ellipse([width // 2 - 80, 140, width // 2 + 80, 310], fill=_jitter(rng, (230, 190, 155), 8))
    for ex in (-35, 35):
        draw.ellipse([width // 2 + ex - 9, 200, width // 2 + ex + 9, 212], fill=(35, 30, 30))
    draw.arc([width // 2 - 30, 245, width // 2 + 30, 275], 20, 160, fill=(150, 70, 60), width=4)
    return image


_DRAW = {
    Scene.HOME: _home,
    Scene.MEETING: _meeting,
    Scene.FIELD: _field,
    Scene.HALL: _hall,
    Scene.PORTRAIT: _portrait,
}


def scene_jpeg(scene: Scene, number: int, seed: int) -> bytes:
    """The `number`-th image of a scene as JPEG bytes, the same for the same seed."""
    rng = random.Random(f"{seed}:{scene.value}:{number}")
    image = _DRAW[scene](rng).filter(ImageFilter.GaussianBlur(0.8))
    grain = Image.frombytes("L", image.size, rng.randbytes(image.size[0] * image.size[1])).convert("RGB")
    image = Image.blend(image, grain, 0.05)  # a little sensor grain
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", quality=JPEG_QUALITY)
    return buffer.getvalue()
