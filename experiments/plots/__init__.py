"""Paper figures from result tables (docs/figures.md): the public functions, handed on from their modules."""

from experiments.plots.blocs import blocs_chart
from experiments.plots.difference import draw_difference, scenario_difference, scenario_differences
from experiments.plots.fan import fan_chart
from experiments.plots.milestones import add_milestones, milestone_chart
from experiments.plots.network import cooperation_network
from experiments.plots.select import (
    BASELINE,
    actors,
    index_names,
    run_series,
    scenario_events,
    scenarios_in,
    threat_matrix,
    varying_parameters,
)
from experiments.plots.stats import baseline_departures, difference_bands, difference_panels, quantile_table
from experiments.plots.sweep import parameter_heatmap, parameter_sweep
from experiments.plots.threat import threat_heatmap, threat_lines

__all__ = ["BASELINE", "actors", "add_milestones", "baseline_departures", "blocs_chart", "cooperation_network",
           "difference_bands", "difference_panels", "draw_difference", "fan_chart", "index_names", "milestone_chart",
           "parameter_heatmap", "parameter_sweep", "quantile_table", "run_series", "scenario_difference",
           "scenario_differences", "scenario_events", "scenarios_in", "threat_heatmap", "threat_lines",
           "threat_matrix", "varying_parameters"]
