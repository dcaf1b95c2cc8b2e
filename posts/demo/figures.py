"""The demo's figure, drawn with Pillow: disability over time in the four classic courses of MS.

Drawn at twice the final size and scaled down, so lines and text come out anti-aliased.
"""

import io
import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from PIL import Image, ImageDraw, ImageFont

WIDTH, HEIGHT = 1600, 1000
SCALE = 2  # supersampling factor

BACKGROUND = (255, 255, 255)
INK = (33, 37, 41)
MUTED = (108, 117, 125)
GRID = (226, 230, 234)


@dataclass(frozen=True)
class Relapse:
    """An attack: disability rises quickly, then recovers towards `residual` (0 = full recovery)."""

    at: float
    height: float
    residual: float = 0.0
    rise: float = 0.025
    recovery: float = 0.035

    def __call__(self, x: float) -> float:
        if x < self.at:
            return 0.0
        if x < self.at + self.rise:
            return self.height * (x - self.at) / self.rise
        decay = math.exp(-(x - self.at - self.rise) / self.recovery)
        return self.residual + (self.height - self.residual) * decay


def _curve(baseline: Callable[[float], float], relapses: Sequence[Relapse] = ()) -> Callable[[float], float]:
    return lambda x: baseline(x) + sum(relapse(x) for relapse in relapses)


def _progression(start: float, rate: float, onset: float = 0.0) -> Callable[[float], float]:
    """Steady worsening from `onset`, slightly uneven the way real progression is (short plateaus)."""

    def baseline(x: float) -> float:
        if x <= onset:
            return start
        t = x - onset
        return start + rate * (t + 0.018 * math.sin(t * 26))

    return baseline


@dataclass(frozen=True)
class Panel:
    letter: str
    title: str
    subtitle: str
    curve: Callable[[float], float]
    colour: tuple[int, int, int]


PANELS = (
    Panel(
        "a",
        "Relapsing-remitting",
        "attacks, then full or partial recovery",
        _curve(
            lambda x: 0.1,
            [
                Relapse(0.12, 0.32),
                Relapse(0.36, 0.42, residual=0.08),
                Relapse(0.6, 0.3),
                Relapse(0.8, 0.38, residual=0.07),
            ],
        ),
        (0, 114, 178),
    ),
    Panel(
        "b",
        "Progressive-relapsing",
        "steady worsening from onset, with attacks",
        _curve(
            _progression(0.1, 0.62),
            [Relapse(0.3, 0.2, residual=0.03), Relapse(0.58, 0.22, residual=0.04), Relapse(0.82, 0.17)],
        ),
        (204, 85, 0),
    ),
    Panel(
        "c",
        "Secondary progressive",
        "attacks at first, then steady worsening",
        _curve(
            lambda x: 0.1 if x < 0.45 else 0.1 + 0.95 * (x - 0.45) + 0.012 * math.sin((x - 0.45) * 30),
            [Relapse(0.1, 0.3), Relapse(0.27, 0.34, residual=0.06), Relapse(0.66, 0.12)],
        ),
        (0, 135, 90),
    ),
    Panel(
        "d",
        "Primary progressive",
        "steady worsening from onset, no attacks",
        _progression(0.1, 0.72),
        (150, 60, 140),
    ),
)


def _font(size: int, *, bold: bool = False) -> ImageFont.FreeTypeFont | ImageFont.ImageFont:
    """DejaVu when the system has it; otherwise the font bundled with Pillow, so the demo runs anywhere."""
    name = "DejaVuSans-Bold.ttf" if bold else "DejaVuSans.ttf"
    try:
        return ImageFont.truetype(name, size * SCALE)
    except OSError:
        return ImageFont.load_default(size * SCALE)


def _arrow(draw: ImageDraw.ImageDraw, start: tuple[int, int], end: tuple[int, int], width: int) -> None:
    draw.line([start, end], fill=INK, width=width)
    head = 14 * SCALE
    (x0, y0), (x1, y1) = start, end
    angle = math.atan2(y1 - y0, x1 - x0)
    left = (x1 - head * math.cos(angle - 0.45), y1 - head * math.sin(angle - 0.45))
    right = (x1 - head * math.cos(angle + 0.45), y1 - head * math.sin(angle + 0.45))
    draw.polygon([end, left, right], fill=INK)


def _draw_panel(canvas: Image.Image, panel: Panel, box: tuple[int, int, int, int]) -> None:
    draw = ImageDraw.Draw(canvas)
    left, top, right, bottom = box
    s = SCALE

    # Letter and title share a baseline; the subtitle says in words what the curve shows.
    draw.text((left, top + 48 * s), panel.letter, font=_font(60, bold=True), fill=INK, anchor="ls")
    draw.text((left + 62 * s, top + 48 * s), panel.title, font=_font(42, bold=True), fill=INK, anchor="ls")
    draw.text((left + 62 * s, top + 64 * s), panel.subtitle, font=_font(28), fill=MUTED, anchor="lt")

    # The plotting area, leaving room for the axis labels.
    plot_left, plot_top = left + 62 * s, top + 124 * s
    plot_right, plot_bottom = right - 12 * s, bottom - 52 * s
    for fraction in (0.25, 0.5, 0.75):
        y = plot_bottom - fraction * (plot_bottom - plot_top)
        draw.line([(plot_left, y), (plot_right, y)], fill=GRID, width=s)

    points = []
    steps = 400
    for step in range(steps + 1):
        x = step / steps
        y = min(max(panel.curve(x), 0.0), 1.0)
        points.append(
            (plot_left + x * (plot_right - plot_left - 14 * s), plot_bottom - y * (plot_bottom - plot_top - 10 * s))
        )
    draw.line(points, fill=panel.colour, width=7 * s, joint="curve")

    _arrow(draw, (plot_left, plot_bottom), (plot_right, plot_bottom), 3 * s)
    _arrow(draw, (plot_left, plot_bottom), (plot_left, plot_top - 6 * s), 3 * s)
    label_font = _font(30)
    draw.text(((plot_left + plot_right) // 2, plot_bottom + 12 * s), "Time", font=label_font, fill=INK, anchor="mt")

    # Pillow draws text horizontally only: draw "Disability" on its own strip and rotate it.
    text_box = draw.textbbox((0, 0), "Disability", font=label_font, anchor="lt")
    strip = Image.new("RGB", (text_box[2] + 4 * s, text_box[3] + 4 * s), BACKGROUND)
    ImageDraw.Draw(strip).text((2 * s, 2 * s), "Disability", font=label_font, fill=INK, anchor="lt")
    strip = strip.rotate(90, expand=True)
    canvas.paste(strip, (plot_left - strip.width - 8 * s, (plot_top + plot_bottom - strip.height) // 2))


def courses_of_ms_png() -> bytes:
    """A 1600×1000 PNG with four panels, a–d, one per course of MS: disability (up) over time (right)."""
    canvas = Image.new("RGB", (WIDTH * SCALE, HEIGHT * SCALE), BACKGROUND)
    margin, gutter = 40 * SCALE, 64 * SCALE
    cell_width = (WIDTH * SCALE - 2 * margin - gutter) // 2
    cell_height = (HEIGHT * SCALE - 2 * margin - gutter) // 2
    for index, panel in enumerate(PANELS):
        row, column = divmod(index, 2)
        left = margin + column * (cell_width + gutter)
        top = margin + row * (cell_height + gutter)
        _draw_panel(canvas, panel, (left, top, left + cell_width, top + cell_height))

    image = canvas.resize((WIDTH, HEIGHT), Image.Resampling.LANCZOS)
    output = io.BytesIO()
    image.save(output, format="PNG", optimize=True)
    return output.getvalue()
