"""One figure style for every plot: Okabe–Ito colours, labelled axes with units, a source note.

The Okabe–Ito palette (Okabe & Ito 2008, "Color Universal Design") stays distinguishable
under the common forms of colour-vision deficiency; continuous scales use viridis/cividis,
which are perceptually uniform and colour-blind safe. Figures are made with
:class:`matplotlib.figure.Figure` directly (the Agg canvas, no pyplot state), so nothing
ever opens a window and many figures can be built without leaking memory.
"""

from __future__ import annotations

import functools
from pathlib import Path

import matplotlib

matplotlib.use("Agg")  # never a GUI backend; harmless when already set

from matplotlib.figure import Figure  # noqa: E402

from model.engines.tidy import index_columns  # noqa: E402
from model.spec.domains import DOMAINS  # noqa: E402
from model.spec.provenance import package_version  # noqa: E402

# ------------------------------------------------------------------ colours
OKABE_ITO = {
    "black": "#000000",
    "orange": "#E69F00",
    "sky_blue": "#56B4E9",
    "bluish_green": "#009E73",
    "yellow": "#F0E442",
    "blue": "#0072B2",
    "vermillion": "#D55E00",
    "reddish_purple": "#CC79A7",
}
_O = OKABE_ITO
# Order for scenarios / series: strongest contrasts first, yellow (weak on white) last.
SERIES = [_O["blue"], _O["vermillion"], _O["bluish_green"], _O["reddish_purple"], _O["orange"],
          _O["sky_blue"], _O["black"], _O["yellow"]]
ACTOR_COLOURS = {
    "Japan": _O["vermillion"],
    "NATO": _O["blue"],
    "United States": _O["bluish_green"],
    "China": _O["orange"],
    "Russia": _O["reddish_purple"],
}
EXTRA_ACTOR_COLOURS = [_O["sky_blue"], _O["black"], _O["yellow"], "#999999"]
GREY = "#555555"
SEQUENTIAL = "viridis"   # threat heatmaps (the page's too), counts (the PRIM figure's restricted parameters)
OUTCOME_MAP = "cividis"  # parameter heatmaps
BAND_ALPHA = {"90": 0.2, "50": 0.38}
EVENT_COLOUR = "#8c8c8c"  # ticks at the dates of a scenario's events
OWN_EVENT_COLOUR = _O["black"]  # lines at the events the baseline does not have
# Neutrals: greys for what is no series of its own.
ANY_SERIES_GREY = "#777777"  # legend keys that stand for every series (bands, the overlay's events)
KEY_TEXT = "#333333"         # dense key text (the milestone chart's key)
FAINT = "#999999"            # a mark of nothing (the dash on a threat matrix's empty diagonal)
MISSING = "#f2f2f2"          # heatmap cells without a value
GRID_GREY = "#dddddd"
EDGE_GREY = "#5f5f5f"        # the cooperation network's edges
NODE_FILL = "#f4f4f4"        # the page's network nodes (their size, not their colour, says something)
# Roles, for figures of one or two series that mean the same thing everywhere.
MAIN = _O["blue"]            # the estimate: a calibrated band, a posterior, a sensitivity index (mu*, S1)
CONTRAST = _O["vermillion"]  # what it is set against: the uncalibrated run, sigma, alignment beside cooperation
SECOND = _O["orange"]        # a second index of the same kind (Sobol ST beside S1)


def contrast_text(rgba) -> str:
    """Black or white, whichever reads on the colour ``rgba`` (cell values on a heatmap)."""
    r, g, b = rgba[:3]
    return "black" if 0.299 * r + 0.587 * g + 0.114 * b > 0.55 else "white"


def actor_colour(name: str, index: int = 0) -> str:
    """Fixed colour for the five default actors; others cycle through the rest of the palette."""
    return ACTOR_COLOURS.get(str(name), EXTRA_ACTOR_COLOURS[index % len(EXTRA_ACTOR_COLOURS)])


def series_colours(names) -> dict[str, str]:
    """One palette colour per name, in order."""
    return {n: SERIES[i % len(SERIES)] for i, n in enumerate(names)}


# ------------------------------------------------------------------ words and units
COOPERATION_LABEL = "cooperation index (0–1)"
YEAR_LABEL = "year"
THREAT_LABEL = "perceived threat (0–1)"
UNITS = {
    "cooperation": COOPERATION_LABEL,
    "alignment": "alignment (0–1)",
    "ceiling_ab": "cooperation ceiling (0–1)",
    "ceiling_ba": "cooperation ceiling (0–1)",
    "threat_ab": THREAT_LABEL,
    "threat_ba": THREAT_LABEL,
    "power_a": "power (1 = United States 1990)",
    "power_b": "power (1 = United States 1990)",
}
_DOMAIN_NAMES = {
    "political_dialogue": "political dialogue",
    "hadr": "humanitarian aid & disaster relief",
    "peacekeeping": "peacekeeping",
    "counter_terrorism_maritime": "counter-terrorism & maritime",
    "cyber_defence": "cyber defence",
    "non_proliferation": "non-proliferation",
    "information_sharing": "information sharing",
    "exercises": "exercises",
    "logistics": "logistics",
    "collective_defence": "collective defence",
}


def domain_name(domain: str | None) -> str:
    """Readable domain name; None is the index (mean over all domains)."""
    if domain is None:
        return f"index (mean of {len(DOMAINS)} domains)"
    return _DOMAIN_NAMES.get(str(domain), str(domain).replace("_", " "))


# Nicer names for the default world's indices; any other index gets a name derived from its own.
INDEX_LABELS = {
    "japan_nato": "Japan–NATO cooperation index",
    "china_russia_alignment": "China–Russia alignment",
}
ACRONYMS = {"nato", "us", "usa", "uk", "eu", "un", "sco", "asean", "aukus", "quad", "prc", "rok", "dprk", "csto"}


def _word(token: str) -> str:
    """A name part: acronyms upper case, other words capitalised."""
    return token.upper() if token in ACRONYMS else token.capitalize()


def _leading_actors(tokens: list[str], actors) -> tuple[list[str], list[str]]:
    """Actor names spelled by the first tokens (longest match first), and the tokens left."""
    names = {str(a).lower().replace(" ", "_"): str(a) for a in actors}
    found, i = [], 0
    while i < len(tokens) and len(found) < 2:
        j = next((j for j in range(len(tokens), i, -1) if "_".join(tokens[i:j]) in names), None)
        if j is None:
            break
        found.append(names["_".join(tokens[i:j])])
        i = j
    return found, tokens[i:]


def index_label(name: str, actors=()) -> str:
    """Readable name of a world index: "japan_nato" -> "Japan–NATO cooperation index",
    "korea_nato" -> "Korea–NATO index", "china_russia_alignment" -> "China–Russia alignment".

    The first two words (or the first two of ``actors`` the name spells) are the pair.
    """
    if name in INDEX_LABELS:
        return INDEX_LABELS[name]
    tokens = str(name).lower().split("_")
    pair, rest = _leading_actors(tokens, actors)
    if len(pair) < 2:
        if len(tokens) < 2:
            return str(name).replace("_", " ")
        pair, rest = [_word(t) for t in tokens[:2]], tokens[2:]
    return f"{pair[0]}–{pair[1]} " + (" ".join(rest) if rest else "index")


def outcome_label(outcome: str) -> str:
    """Axis label with unit for a tidy-table column (world indices are 0–1)."""
    if outcome in UNITS:
        return UNITS[outcome]
    if index_columns([outcome]):
        return f"{index_label(outcome)} (0–1)"
    return outcome.replace("_", " ")


def runs_text(n: int) -> str:
    """The run count for titles: "n = 20 runs" (or "n = 1 run")."""
    return f"n = {n} run" + ("" if n == 1 else "s")


NO_BAND = "1 run: no uncertainty band"

# ------------------------------------------------------------------ matplotlib settings
RC = {
    "font.size": 9,
    "axes.titlesize": 9.5,
    "axes.labelsize": 9,
    "xtick.labelsize": 8,
    "ytick.labelsize": 8,
    "legend.fontsize": 8,
    "legend.frameon": False,
    "figure.titlesize": 11,
    "axes.spines.top": False,
    "axes.spines.right": False,
    "axes.grid": True,
    "grid.color": GRID_GREY,
    "grid.linewidth": 0.6,
    "axes.axisbelow": True,
    "axes.prop_cycle": matplotlib.cycler(color=SERIES),
    "lines.linewidth": 1.6,
    "svg.fonttype": "none",   # text stays text in SVG
    "pdf.fonttype": 42,       # TrueType in PDF (editable, journal-friendly)
}
NOTE_HEIGHT_IN = 0.32  # space kept at the bottom of every figure for the source note


def styled(fn):
    """Run a plotting function inside the house style (rcParams apply at artist creation)."""
    @functools.wraps(fn)
    def wrapper(*args, **kwargs):
        with matplotlib.rc_context(RC):
            return fn(*args, **kwargs)
    return wrapper


def new_figure(width: float, height: float):
    """A constrained-layout figure split into a body (returned with it) and a strip for the source note.

    Draw into the body (``body.subplots``, ``body.legend``, ``body.suptitle``); the note goes
    into the strip below it, so legends placed "outside lower center" never cover it.
    """
    fig = Figure(figsize=(width, height), layout="constrained")
    body, strip = fig.subfigures(2, 1, height_ratios=[height - NOTE_HEIGHT_IN, NOTE_HEIGHT_IN])
    fig._note_strip = strip
    return fig, body


def source_note(fig: Figure, source: str | Path | None = None, milestones: list[str] | None = None,
                extra: str | None = None, version: str | None = None):
    """The small grey line at the bottom: what simulated it, from which store, which data."""
    parts = [f"Simulated with japan-nato-alliance-sim {version or package_version()} (Mesa agent-based model)"]
    if source and not str(source).startswith("<"):
        parts.append(f"results: {source}")
    if milestones:
        parts.append("milestones: " + ", ".join(milestones))
    if extra:
        parts.append(extra)
    text = "; ".join(parts)
    strip = getattr(fig, "_note_strip", fig)
    return strip.text(0.008, 0.5, text, ha="left", va="center", fontsize=6.5, color=GREY, wrap=True,
                      gid="source_note")
