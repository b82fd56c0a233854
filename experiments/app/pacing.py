"""Pacing Play: publish a new snapshot only once the page has drawn the previous one, and not too often.

The model steps far faster than the page re-renders. Solara re-renders in whichever
thread is rendering, and a thread that changes state during every render pass keeps
that render going until reacton gives up ("Too many renders triggered"); a thread that
publishes after every step renders the page after every step. So Play publishes a
snapshot only after the page has acknowledged the previous one (an effect, which runs
after the render) and after a quiet time at least as long as the last render took;
meanwhile the model steps on. The page thus shows as many quarters as it can draw.
"""

from __future__ import annotations

import itertools
import math
import threading
import time


class Player:
    """Which Play loop may step the run (the latest started), and when it may publish the next snapshot."""

    def __init__(self, pause_s: float = 0.05, patience_s: float = 2.0, clock=time.monotonic):
        self.pause_s = pause_s  # least quiet time after the page caught up, so its render loop ends
        self.patience_s = patience_s  # publish anyway after this long without an acknowledgement
        self.clock = clock
        self.owner: object | None = None
        self._ticks = itertools.count(1)
        self._lock = threading.Lock()
        self.published = 0
        self.shown = 0
        self._published_at = -math.inf
        self._shown_at = -math.inf
        self._render_s = 0.0

    def claim(self) -> object:
        """Make a new loop the owner; older loops stop at their next step."""
        self.owner = token = object()
        return token

    def publish(self) -> int:
        """A new tick value for the page to re-render with."""
        with self._lock:
            self.published = next(self._ticks)
            self._published_at = self.clock()
            return self.published

    def acknowledge(self, tick: int) -> None:
        """The page has rendered ``tick`` (called from an effect)."""
        with self._lock:
            if tick > self.shown:
                self.shown, self._shown_at = tick, self.clock()

    def timed(self, publish) -> None:
        """Call ``publish``, remembering how long it took (Solara renders in the calling thread when idle)."""
        begun = self.clock()
        publish()
        ended = self.clock()
        with self._lock:
            self._render_s = ended - begun
            if self.shown >= self.published:  # rendered right here: the quiet time starts now
                self._shown_at = ended

    def ready(self) -> bool:
        """Whether the next snapshot may be published now."""
        now = self.clock()
        with self._lock:
            quiet = max(self.pause_s, self._render_s)
            caught_up = self.shown >= self.published and now - self._shown_at >= quiet
            return caught_up or now - self._published_at >= self.patience_s
