"""Where the project's shipped files live: scenarios, worlds and the historical record."""

from __future__ import annotations

from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SCENARIOS_DIR = ROOT / "scenarios"
WORLDS_DIR = SCENARIOS_DIR / "worlds"
DATA_DIR = ROOT / "data"
