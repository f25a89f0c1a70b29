"""Colour-vision deficiency for tests: Machado, Oliveira & Fernandes (2009) simulation of
protanopia, deuteranopia and tritanopia (severity 1), and CIEDE2000 colour differences.

``simulate`` works on any array of sRGB values (0-255, last axis RGB), so the same code checks
a palette (unit tests) and a screenshot (``python -m tests.colour_vision SHOT.png``, which
writes SHOT-deuteranopia.png etc. next to it; needs Pillow).
Matrices: https://www.inf.ufrgs.br/~oliveira/pubs_files/CVD_Simulation/CVD_Simulation.html
(applied to linear RGB, as in the paper).
"""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np

MACHADO: dict[str, np.ndarray] = {
    "protanopia": np.array(
        [
            [0.152286, 1.052583, -0.204868],
            [0.114503, 0.786281, 0.099216],
            [-0.003882, -0.048116, 1.051998],
        ]
    ),
    "deuteranopia": np.array(
        [
            [0.367322, 0.860646, -0.227968],
            [0.280085, 0.672501, 0.047413],
            [-0.011820, 0.042940, 0.968881],
        ]
    ),
    "tritanopia": np.array(
        [
            [1.255528, -0.076749, -0.178779],
            [-0.078411, 0.930809, 0.147602],
            [0.004733, 0.691367, 0.303900],
        ]
    ),
}


def hex_rgb(colour: str) -> np.ndarray:
    """'#rrggbb' or 'rgba(r, g, b, a)' (alpha ignored) as float sRGB 0-255."""
    colour = colour.strip()
    if colour.startswith("#"):
        return np.array([int(colour[i : i + 2], 16) for i in (1, 3, 5)], dtype="float64")
    inner = colour[colour.index("(") + 1 : colour.index(")")]
    return np.array([float(v) for v in inner.split(",")[:3]], dtype="float64")


def to_linear(rgb: np.ndarray) -> np.ndarray:
    s = np.asarray(rgb, dtype="float64") / 255.0
    return np.where(s <= 0.04045, s / 12.92, ((s + 0.055) / 1.055) ** 2.4)


def from_linear(lin: np.ndarray) -> np.ndarray:
    lin = np.clip(lin, 0.0, 1.0)
    s = np.where(lin <= 0.0031308, 12.92 * lin, 1.055 * lin ** (1 / 2.4) - 0.055)
    return s * 255.0


def simulate(rgb: np.ndarray, kind: str) -> np.ndarray:
    """sRGB (0-255, ...x3) as seen with ``kind`` (a key of ``MACHADO``)."""
    return from_linear(to_linear(rgb) @ MACHADO[kind].T)


def lab(rgb: np.ndarray) -> np.ndarray:
    """CIE L*a*b* (D65) of sRGB 0-255."""
    m = np.array(
        [
            [0.4124564, 0.3575761, 0.1804375],
            [0.2126729, 0.7151522, 0.0721750],
            [0.0193339, 0.1191920, 0.9503041],
        ]
    )
    xyz = to_linear(rgb) @ m.T / np.array([0.95047, 1.0, 1.08883])
    f = np.where(xyz > (6 / 29) ** 3, np.cbrt(xyz), xyz / (3 * (6 / 29) ** 2) + 4 / 29)
    return np.stack(
        [116 * f[..., 1] - 16, 500 * (f[..., 0] - f[..., 1]), 200 * (f[..., 1] - f[..., 2])],
        axis=-1,
    )


def ciede2000(lab1: np.ndarray, lab2: np.ndarray) -> float:
    """CIEDE2000 difference of two L*a*b* colours (Sharma, Wu & Dalal 2005)."""
    l1, a1, b1 = (float(v) for v in lab1)
    l2, a2, b2 = (float(v) for v in lab2)
    c1, c2 = np.hypot(a1, b1), np.hypot(a2, b2)
    cm = (c1 + c2) / 2
    g = 0.5 * (1 - np.sqrt(cm**7 / (cm**7 + 25**7)))
    a1p, a2p = (1 + g) * a1, (1 + g) * a2
    c1p, c2p = np.hypot(a1p, b1), np.hypot(a2p, b2)
    h1p = np.degrees(np.arctan2(b1, a1p)) % 360
    h2p = np.degrees(np.arctan2(b2, a2p)) % 360
    dlp, dcp = l2 - l1, c2p - c1p
    if c1p * c2p == 0:
        dhp = 0.0
    elif abs(h2p - h1p) <= 180:
        dhp = h2p - h1p
    else:
        dhp = h2p - h1p - 360 if h2p > h1p else h2p - h1p + 360
    dhp_big = 2 * np.sqrt(c1p * c2p) * np.sin(np.radians(dhp / 2))
    lpm, cpm = (l1 + l2) / 2, (c1p + c2p) / 2
    if c1p * c2p == 0:
        hpm = h1p + h2p
    elif abs(h1p - h2p) <= 180:
        hpm = (h1p + h2p) / 2
    else:
        hpm = (h1p + h2p + 360) / 2 if h1p + h2p < 360 else (h1p + h2p - 360) / 2
    t = (
        1
        - 0.17 * np.cos(np.radians(hpm - 30))
        + 0.24 * np.cos(np.radians(2 * hpm))
        + 0.32 * np.cos(np.radians(3 * hpm + 6))
        - 0.20 * np.cos(np.radians(4 * hpm - 63))
    )
    dtheta = 30 * np.exp(-(((hpm - 275) / 25) ** 2))
    rc = 2 * np.sqrt(cpm**7 / (cpm**7 + 25**7))
    sl = 1 + 0.015 * (lpm - 50) ** 2 / np.sqrt(20 + (lpm - 50) ** 2)
    sc = 1 + 0.045 * cpm
    sh = 1 + 0.015 * cpm * t
    rt = -np.sin(np.radians(2 * dtheta)) * rc
    return float(
        np.sqrt(
            (dlp / sl) ** 2
            + (dcp / sc) ** 2
            + (dhp_big / sh) ** 2
            + rt * (dcp / sc) * (dhp_big / sh)
        )
    )


def difference(c1: str, c2: str, kind: str | None = None) -> float:
    """CIEDE2000 between two colours, as seen with ``kind`` (None: normal vision)."""
    x, y = hex_rgb(c1), hex_rgb(c2)
    if kind is not None:
        x, y = simulate(x, kind), simulate(y, kind)
    return ciede2000(lab(x), lab(y))


def main(paths: list[str]) -> None:
    """Write a protanopia and a deuteranopia version of each screenshot next to it."""
    from PIL import Image

    for name in paths:
        path = Path(name)
        rgb = np.asarray(Image.open(path).convert("RGB"), dtype="float64")
        for kind in ("protanopia", "deuteranopia"):
            out = simulate(rgb, kind).round().astype("uint8")
            Image.fromarray(out).save(path.with_name(f"{path.stem}-{kind}.png"))


if __name__ == "__main__":
    main(sys.argv[1:])
