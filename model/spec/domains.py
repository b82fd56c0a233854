"""The ten cooperation domains of Or-Rashid 2024 and the transnational threat channels.

Each domain has a militarisation weight (0 civilian ... 1 purely military), a cost of
cooperating, and how much each transnational threat (terrorism, piracy, cyber,
disasters) concerns it. These are modelling judgements, documented in docs/ODD.md.
"""

from __future__ import annotations

import numpy as np

CHANNELS: tuple[str, ...] = ("terrorism", "piracy", "cyber", "disasters")

# name, militarisation, cost, relevance to (terrorism, piracy, cyber, disasters)
_TABLE = [
    ("political_dialogue", 0.0, 0.05, (0.2, 0.1, 0.1, 0.1)),
    ("hadr", 0.1, 0.15, (0.0, 0.0, 0.0, 1.0)),
    ("peacekeeping", 0.4, 0.30, (0.4, 0.0, 0.0, 0.2)),
    ("counter_terrorism_maritime", 0.5, 0.25, (0.5, 0.5, 0.0, 0.0)),
    ("cyber_defence", 0.3, 0.20, (0.0, 0.0, 1.0, 0.0)),
    ("non_proliferation", 0.3, 0.20, (0.3, 0.0, 0.0, 0.0)),
    ("information_sharing", 0.5, 0.30, (0.3, 0.1, 0.3, 0.0)),
    ("exercises", 0.9, 0.45, (0.0, 0.2, 0.0, 0.0)),
    ("logistics", 0.8, 0.40, (0.0, 0.2, 0.0, 0.2)),
    ("collective_defence", 1.0, 0.60, (0.0, 0.0, 0.0, 0.0)),
]

DOMAINS: tuple[str, ...] = tuple(row[0] for row in _TABLE)
MILITARY = np.array([row[1] for row in _TABLE])
COST = np.array([row[2] for row in _TABLE])
RELEVANCE = np.array([row[3] for row in _TABLE])  # (D, K)
MILITARY_DOMAINS: tuple[str, ...] = tuple(d for d, m in zip(DOMAINS, MILITARY) if m >= 0.8)
CIVILIAN_DOMAINS: tuple[str, ...] = tuple(d for d, m in zip(DOMAINS, MILITARY) if m <= 0.1)
