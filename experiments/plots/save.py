"""The one place a figure becomes a file or bytes: :func:`write_figure`.

Every figure of the project goes through it: ``alliance plot`` and ``alliance discover``
(:func:`save_figure`: an atomic file), the calibration's ``fit.png`` and ``posterior.png``
(:func:`save_figure`), the sensitivity chart (:func:`write_figure` on a staged temporary,
switched in with the analysis's other files) and the page's images (:func:`figure_bytes`).
Fixed metadata keeps the output of the same figure byte-stable between runs.
"""

from __future__ import annotations

import io
from pathlib import Path
from typing import BinaryIO

from experiments.store.atomic import atomic_write, remove_stale_temporaries

FORMATS = ("png", "svg", "pdf")
DPI = 200
FIGURE_DPI = "figure"  # the figure's own dots per inch (the page's figures are sized for the screen)
_METADATA = {"png": {"Software": None}, "svg": {"Date": None}, "pdf": {"CreationDate": None}}


def write_figure(fig, target: str | Path | BinaryIO, fmt: str = "png", dpi: float | str = DPI) -> None:
    """Render ``fig`` as ``fmt`` into ``target`` (a path or a binary file object): the project's one renderer
    of figures."""
    fig.savefig(target, format=fmt, dpi=dpi, metadata=_METADATA[fmt])


def save_figure(fig, path: str | Path, fmt: str = "png", dpi: float | str = DPI) -> Path:
    """Save ``fig`` to ``path`` atomically (experiments.store.atomic.atomic_write), first removing temporaries of
    ``path`` that an earlier, killed run left behind."""
    path = Path(path)
    remove_stale_temporaries(path.parent, [path.name])
    atomic_write(path, lambda tmp: write_figure(fig, tmp, fmt, dpi))
    return path


def figure_bytes(fig, fmt: str = "png", dpi: float | str = FIGURE_DPI) -> bytes:
    """``fig`` rendered as ``fmt``, in memory (the page shows and exports these)."""
    buf = io.BytesIO()
    write_figure(fig, buf, fmt, dpi)
    return buf.getvalue()
