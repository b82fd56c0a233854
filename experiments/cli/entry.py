"""The `alliance` console script: a Ctrl-C while the libraries are still loading is one line, not a traceback.

Importing the commands loads pandas, matplotlib and the model (a second or two); an
interrupt then arrives before :func:`experiments.cli.main.main` can catch it.
"""

from __future__ import annotations

import sys

INTERRUPTED = "interrupted while starting; nothing was run"


def main() -> int:
    try:
        from experiments.cli.main import main as run
    except KeyboardInterrupt:
        sys.stderr.write(INTERRUPTED + "\n")
        return 130
    return run()
