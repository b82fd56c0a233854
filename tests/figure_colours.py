"""The colours a figure draws with, read back from its artists: for the tests of the one palette.

Every hue (a colour that is not a grey) of a line, marker, patch, collection or text must be
one of the Okabe–Ito colours of experiments.plots.style; values drawn through a colour map
(images, heatmap meshes, colour bars) must use one of the style's colour maps.
"""

from __future__ import annotations

import numpy as np
from matplotlib import colors as mcolors
from matplotlib.cm import ScalarMappable
from matplotlib.collections import Collection
from matplotlib.lines import Line2D
from matplotlib.markers import MarkerStyle
from matplotlib.patches import Patch
from matplotlib.text import Text

from experiments.plots import style

PALETTE = frozenset(mcolors.to_hex(c) for c in style.OKABE_ITO.values())
COLOUR_MAPS = frozenset({style.SEQUENTIAL, style.OUTCOME_MAP})


def _hues(colour) -> set[str]:
    """The non-grey, visible colours among ``colour`` (one colour or an array of them), as hex."""
    out = set()
    for r, g, b, a in np.atleast_2d(mcolors.to_rgba_array(colour)):
        if a > 0 and not (r == g == b):
            out.add(mcolors.to_hex((r, g, b)))
    return out


def colours_of(fig) -> tuple[set[str], set[str]]:
    """(hues, colour maps): the hex hues of every artist of ``fig`` (greys left out) and the names of the
    colour maps it maps values with."""
    hues, maps = set(), set()
    for artist in fig.findobj():
        alpha = artist.get_alpha()
        if not artist.get_visible() or (alpha is not None and np.all(np.asarray(alpha) == 0)):  # drawn as nothing
            continue
        if isinstance(artist, ScalarMappable) and artist.get_array() is not None:
            maps.add(artist.get_cmap().name)
        elif isinstance(artist, Line2D):  # the parts drawn: the line (if any), the marker (if any)
            if artist.get_linestyle() not in ("None", "", " ") and artist.get_linewidth() > 0:
                hues |= _hues(artist.get_color())
            if artist.get_marker() not in ("None", "", " ", None):
                hues |= _hues(artist.get_markeredgecolor())
                if MarkerStyle(artist.get_marker()).is_filled():  # "|", "x" ... have no face to colour
                    hues |= _hues(artist.get_markerfacecolor())
        elif isinstance(artist, (Patch, Collection)):
            hues |= _hues(artist.get_facecolor()) | _hues(artist.get_edgecolor())
        elif isinstance(artist, Text) and artist.get_text():
            hues |= _hues(artist.get_color())
    return hues, maps


def assert_palette(fig, what: str = "figure") -> None:
    """Every hue of ``fig`` is an Okabe–Ito colour and every colour map one of the style's."""
    hues, maps = colours_of(fig)
    assert hues <= PALETTE, f"{what}: colours outside the palette: {sorted(hues - PALETTE)}"
    assert maps <= COLOUR_MAPS, f"{what}: colour maps outside the style: {sorted(maps - COLOUR_MAPS)}"
