"""Scenario discovery: which sampled parameter ranges (and scenarios) make an outcome true, by PRIM.

An outcome is ``INDEX@DATE OP VALUE`` (``japan_nato@2040 > 0.5``): a world index at one
date compared with a value, true or false for every run of a store. PRIM (Friedman &
Fisher 1999, the Patient Rule Induction Method as used for scenario discovery by Bryant
& Lempert 2010) peels thin slices off a box in parameter space, each time the slice whose
removal raises the share of true runs inside most, then pastes back what helps. Each
step is a candidate box: its *coverage* is the share of all true runs it contains, its
*density* the share of its runs that are true. :func:`discover` runs it with the EMA
Workbench (``ema_workbench.analysis.prim``, maintained by TU Delft, BSD licence) and
chooses the box maximising coverage × density unless told which; the box limits come
with quasi-p-values (small: the restriction is unlikely by chance).

Feature scores are extra-trees importances (``ema_workbench.analysis.feature_scoring``,
Jaxa-Rozen & Kwakkel 2018): unlike one-parameter-at-a-time tests they credit parameters
that matter only jointly (``build_rate`` high *and* ``weight_hub`` low), and they rank
the parameters PRIM did not restrict, so a missing restriction is visible as a low score.

The parameters are the runs table's parameter columns (a batch with a design); with
more than one scenario the scenario is one more (categorical) dimension, named ``scenario_name``
because EMA Workbench drops a column named ``scenario``.
"""

from __future__ import annotations

import math
import operator
import re
import warnings
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import pandas as pd

from experiments.analysis.summary import available_dates
from experiments.store.reader import columns, load, metadata, require_rows, runs
from model.engines.tidy import ID_COLUMNS, index_columns
from model.spec.domains import DOMAINS
from model.spec.errors import InputError, did_you_mean

with warnings.catch_warnings():  # EMA Workbench warns at import about optional parallel back ends
    warnings.simplefilter("ignore")
    from ema_workbench.analysis import feature_scoring, prim

OPERATORS = {">": operator.gt, ">=": operator.ge, "<": operator.lt, "<=": operator.le}
SCENARIO = "scenario_name"  # the scenario as a PRIM dimension
_OUTCOME = re.compile(r"^\s*([A-Za-z_]\w*)\s*@\s*([0-9]+(?:\.[0-9]*)?)\s*(>=|<=|>|<)\s*"
                      r"([-+]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][-+]?[0-9]+)?)\s*$")
_NOT_PARAMETERS = set(ID_COLUMNS) | {"status", "error"}


@dataclass(frozen=True)
class Outcome:
    """``index@date op value``: which runs count as cases of interest."""

    index: str
    date: float
    op: str
    value: float

    def __str__(self) -> str:
        return f"{self.index}@{self.date:g} {self.op} {self.value:g}"

    def holds(self, values) -> np.ndarray:
        return OPERATORS[self.op](np.asarray(values, dtype=float), self.value)


@dataclass(frozen=True)
class Settings:
    """PRIM's parameters (EMA Workbench defaults) and the extra-trees seed."""

    peel_alpha: float = 0.05   # share of the box's runs removed per peel
    paste_alpha: float = 0.05  # share added back per paste
    mass_min: float = 0.05     # smallest box, as a share of all runs
    box: int | None = None     # a box of the trajectory; None: the one maximising coverage x density
    seed: int = 0              # extra-trees random state (feature scores are then reproducible)

    def __post_init__(self):
        ranges = {"peel_alpha": (self.peel_alpha, "0 < peel_alpha <= 0.5", 0 < self.peel_alpha <= 0.5),
                  "paste_alpha": (self.paste_alpha, "0 < paste_alpha <= 0.5", 0 < self.paste_alpha <= 0.5),
                  "mass_min": (self.mass_min, "0 < mass_min < 1", 0 < self.mass_min < 1)}
        for name, (value, rule, ok) in ranges.items():
            if not ok:  # NaN fails every comparison, so it lands here too
                raise InputError(f"--{name.replace('_', '-')}", None, name, f"{value:g} is outside {rule}")


@dataclass
class Discovery:
    """What :func:`discover` found: the outcome's base rate, the peeling trajectory, the chosen box, the scores."""

    outcome: Outcome
    runs: int
    cases: int
    parameters: list[str]
    trajectory: pd.DataFrame  # one row per candidate box: coverage, density, mass, res_dim, ...
    chosen: int
    limits: pd.DataFrame      # one row per restricted dimension: low, high, sampled_low, sampled_high, qp
    scores: pd.Series         # feature score per dimension, highest first
    settings: Settings
    source: str = ""

    @property
    def box(self) -> pd.Series:
        return self.trajectory.iloc[self.chosen]


# ------------------------------------------------------------------ the question
def parse_outcome(text: str) -> Outcome:
    """Read ``INDEX@DATE OP VALUE`` (OP one of > >= < <=), e.g. ``japan_nato@2040 > 0.5``."""
    m = _OUTCOME.match(str(text))
    if not m:
        raise InputError("--outcome", None, "outcome", f"'{text}' is not INDEX@DATE OP VALUE with OP one of "
                         "> >= < <= (e.g. 'japan_nato@2040 > 0.5')")
    value = float(m.group(4))
    if not math.isfinite(value):
        raise InputError("--outcome", None, "outcome", f"value {m.group(4)} is not a finite number")
    return Outcome(m.group(1), float(m.group(2)), m.group(3), value)


def outcome_values(root, outcome: Outcome) -> pd.Series:
    """The outcome's index at its date, one value per run (indexed by run)."""
    names = index_columns(columns(root))
    if outcome.index not in names:
        raise InputError("--outcome", None, "outcome", f"unknown index '{outcome.index}' (the store holds "
                         f"{', '.join(names) or 'none'}){did_you_mean(outcome.index, names)}")
    df = load(root, columns=["run", "date", "domain", outcome.index],
              filters=[("date", "==", outcome.date), ("domain", "==", DOMAINS[0])])
    if df.empty:
        have = available_dates(root)
        shown = ", ".join(f"{d:g}" for d in have) if len(have) <= 8 else f"{have[0]:g}–{have[-1]:g} quarterly"
        raise InputError("--outcome", None, "outcome", f"date {outcome.date:g} is not in the store (it holds {shown})")
    return df.drop_duplicates("run").set_index("run")[outcome.index]


# ------------------------------------------------------------------ the sampled inputs
def parameter_table(root, scenarios: list[str] | None = None) -> tuple[pd.DataFrame, list[str]]:
    """The ok runs (indexed by run) with their varied parameters (and the scenario when several); their names."""
    table = runs(root)
    if "status" in table:
        table = table[table["status"] == "ok"]
    table = table.assign(scenario=table["scenario"].astype(str))
    if scenarios:
        have = sorted(set(table["scenario"]))
        for s in scenarios:
            if s not in have:
                raise InputError("--scenario", None, "scenario", f"'{s}' is not in the store (it holds "
                                 f"{', '.join(have)}){did_you_mean(s, have)}")
        table = table[table["scenario"].isin(scenarios)]
    params = [c for c in table.columns if c not in _NOT_PARAMETERS and pd.api.types.is_numeric_dtype(table[c])
              and table[c].nunique() > 1]
    if not params:
        raise InputError(str(root), None, None, "the store has no varied parameters to discover ranges of: run a "
                         "batch whose experiment samples parameters (parameters: ... with design: lhs, grid or sobol)")
    x = table.set_index("run")[params].astype(float)
    if table["scenario"].nunique() > 1:
        x[SCENARIO] = pd.Categorical(table["scenario"].to_numpy())
    return x, params


def sampled_ranges(root, x: pd.DataFrame) -> pd.DataFrame:
    """Per dimension, the range it was sampled over: the design's bounds, else the runs' min and max."""
    meta = metadata(root)
    bounds = dict(zip(meta.get("parameters") or [], meta.get("bounds") or [])) \
        if isinstance(meta.get("parameters"), list) else {}
    rows = {}
    for c in x.columns:
        if c == SCENARIO:
            rows[c] = (", ".join(sorted(map(str, x[c].unique()))), "")
        else:
            rows[c] = tuple(bounds.get(c) or (float(x[c].min()), float(x[c].max())))
    return pd.DataFrame.from_dict(rows, orient="index", columns=["sampled_low", "sampled_high"])


# ------------------------------------------------------------------ PRIM and the scores
def choose_box(trajectory: pd.DataFrame) -> int:
    """The box maximising coverage x density (the first, i.e. the largest, of equals)."""
    return int(np.argmax((trajectory["coverage"] * trajectory["density"]).to_numpy()))


def _limit_text(v) -> object:
    return ", ".join(sorted(map(str, v))) if isinstance(v, (set, frozenset)) else float(v)


def box_limits(box, i: int, ranges: pd.DataFrame) -> pd.DataFrame:
    """The restricted dimensions of box ``i``: low, high, the sampled range and the quasi-p-value of each side.

    Read from the box's ``box_lims`` and ``p_values`` rather than ``inspect(style="data")``, which fails
    on categorical dimensions under pandas 3 (EMA Workbench 3.0).
    """
    lims, start = box.box_lims[i], box.box_lims[0]
    restricted = [c for c in lims.columns if any(a != b for a, b in zip(lims[c], start[c]))]
    qp = {c: [np.nan if q is None or q < 0 else float(q) for q in box.p_values[i].get(c, [-1, -1])]
          for c in restricted}  # EMA marks an unrestricted side with -1
    out = pd.DataFrame({"low": [_limit_text(lims[c].iloc[0]) for c in restricted],
                        "high": [_limit_text(lims[c].iloc[1]) for c in restricted],
                        "qp_low": [qp[c][0] for c in restricted], "qp_high": [qp[c][1] for c in restricted]},
                       index=pd.Index(restricted, name="parameter"))
    return out.join(ranges, how="left")


def run_prim(x: pd.DataFrame, y: np.ndarray, settings: Settings):
    """One PRIM box (its whole peeling and pasting trajectory) for cases ``y`` over inputs ``x``."""
    with warnings.catch_warnings():  # EMA Workbench's own pandas deprecations are not the user's to act on
        warnings.filterwarnings("ignore", module="ema_workbench")
        p = prim.Prim(x.reset_index(drop=True), y, peel_alpha=settings.peel_alpha,
                      paste_alpha=settings.paste_alpha, mass_min=settings.mass_min)
        return p.find_box()


def feature_scores(x: pd.DataFrame, y: np.ndarray, seed: int = 0) -> pd.Series:
    """Extra-trees importance of each dimension for ``y`` (sums to 1; highest first)."""
    scores, _ = feature_scoring.get_ex_feature_scores(
        x.reset_index(drop=True), y, mode=feature_scoring.RuleInductionType.CLASSIFICATION,
        max_features=max(1, round(x.shape[1] / 3)), random_state=seed)
    return scores.iloc[:, 0].rename("score").rename_axis("parameter")


def _cases(root, outcome: Outcome, scenarios) -> tuple[pd.DataFrame, np.ndarray, list[str]]:
    """Inputs and cases of interest of the runs that reached the outcome's date."""
    x, params = parameter_table(root, scenarios)
    values = outcome_values(root, outcome)
    x = x.loc[x.index.intersection(values.index)]
    y = outcome.holds(values.loc[x.index])
    if not y.any() or y.all():
        raise InputError("--outcome", None, "outcome", f"'{outcome}' is {'never' if not y.any() else 'always'} "
                         f"true over the {len(y):,} runs: nothing to discover")
    return x, y, params


def discover(root, outcome: Outcome | str, settings: Settings = Settings(), scenarios: list[str] | None = None,
             step: Callable[[str], None] | None = None) -> Discovery:
    """PRIM box and feature scores for ``outcome`` over a store's sampled parameters.

    ``step(name)`` is called as each stage starts (reading, PRIM, feature scores), for a progress bar.
    """
    step = step or (lambda name: None)
    outcome = parse_outcome(outcome) if isinstance(outcome, str) else outcome
    step("reading the store")
    require_rows(root, "no runs to discover from")
    x, y, params = _cases(root, outcome, scenarios)
    step("PRIM")
    box = run_prim(x, y, settings)
    trajectory = box.peeling_trajectory.reset_index(drop=True)
    chosen = choose_box(trajectory) if settings.box is None else settings.box
    if not 0 <= chosen < len(trajectory):
        raise InputError("--box", None, "box", f"box {chosen} is not on the trajectory (0–{len(trajectory) - 1})")
    limits = box_limits(box, chosen, sampled_ranges(root, x))
    step("feature scores")
    scores = feature_scores(x, y, settings.seed)
    return Discovery(outcome, len(y), int(y.sum()), params, trajectory, chosen, limits, scores, settings,
                     source=str(root))
