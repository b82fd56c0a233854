"""``alliance viz``: serve the interactive page for one run (experiments/app/page.py) on this machine."""

from __future__ import annotations

import os
import signal
import subprocess
import sys

from experiments.app.server import (
    DEFAULT_HOST,
    DEFAULT_PORT,
    asset_cache,
    check_port,
    fetch_assets,
    missing_assets,
    solara_command,
    solara_env,
)
from experiments.cli.command import Command
from experiments.pipeline.workers import death_signal
from model.spec.errors import InputError


def _run(args) -> int:
    """Serve the interactive page (or, with --fetch-assets, only fill Solara's asset cache)."""
    try:
        import solara  # noqa: F401
    except ImportError as exc:
        raise InputError("alliance viz", None, None,
                         f"the page needs the viz extra ({exc.name} is missing): pip install -e '.[viz]'") from None
    if args.fetch_assets:
        done = fetch_assets()
        print(f"fetched {', '.join(done)} into {asset_cache()}" if done else f"all assets already in {asset_cache()}")
        return 0
    if not 1 <= args.port <= 65535:
        raise InputError("--port", None, "port", f"must be between 1 and 65535, got {args.port}")
    check_port(args.host, args.port)  # before saying it serves: a second viz on the port stops here
    missing = missing_assets()
    if missing:
        print("warning: Solara's page assets are not cached yet (" + ", ".join(f"{n}@{v}" for n, v in missing)
              + "); without internet access the page stays blank: run 'alliance viz --fetch-assets' first",
              file=sys.stderr)
    cmd = solara_command(args.host, args.port, open_browser=not args.no_browser)
    print(f"serving the page on http://{args.host}:{args.port} (Ctrl+C stops it)", file=sys.stderr)
    return _serve(cmd)


def _serve(cmd: list[str]) -> int:
    """Run the server; it stops with this process (Ctrl-C, SIGTERM, or a kill -9 of the launcher on Linux)."""
    parent = os.getpid()
    server = subprocess.Popen(cmd, env=solara_env(), preexec_fn=lambda: death_signal(parent, signal.SIGTERM))
    signal.signal(signal.SIGTERM, lambda *_: server.terminate())
    try:
        return server.wait()
    except KeyboardInterrupt:  # the terminal sent SIGINT to the server too; give it time to close
        try:
            server.wait(timeout=10)
        except subprocess.TimeoutExpired:
            server.kill()
        return 0


def _configure(p) -> None:
    p.add_argument("--host", default=DEFAULT_HOST,
                   help=f"address to listen on (default {DEFAULT_HOST}: this machine only)")
    p.add_argument("--port", type=int, default=DEFAULT_PORT, help=f"port (default {DEFAULT_PORT})")
    p.add_argument("--no-browser", action="store_true", help="do not open a web browser")
    p.add_argument("--fetch-assets", action="store_true",
                   help="only fill Solara's asset cache from the npm registry (for machines without internet)")


VIZ = Command("viz", "serve the interactive page (one run beside its baseline, in the browser) on "
              "http://127.0.0.1:8765 by default",
              _configure, _run)

