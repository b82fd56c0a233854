"""``alliance viz``: serve the interactive SolaraViz page (experiments/viz.py) on this machine.

The page is served by ``solara run`` in a child process, bound to 127.0.0.1 unless
``--host`` says otherwise (the page runs the model for whoever can reach it, so keep it
on loopback unless you mean to share it).

Solara's page loads its JavaScript/CSS (the Vuetify app bundle, RequireJS, Font Awesome)
through the server's CDN proxy, which downloads them from a public CDN on first use and
caches them in ``<venv>/share/solara/cdn``. On a machine without internet access the page
stays blank unless that cache is filled beforehand: ``alliance viz --fetch-assets`` (or
``python -m experiments.viz_cli --fetch-assets``) takes the same files from the npm
registry with ``npm pack`` and unpacks them there, for the versions the installed
Solara asks for.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import tarfile
import tempfile
from pathlib import Path

from model.cli import command
from model.errors import InputError

VIZ_APP = Path(__file__).with_name("viz.py")
DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 8765


def solara_command(host: str = DEFAULT_HOST, port: int = DEFAULT_PORT, open_browser: bool = True) -> list[str]:
    """The ``solara run`` command line that serves the page (also used by the browser test)."""
    return [sys.executable, "-m", "solara", "run", str(VIZ_APP), "--host", host, "--port", str(port),
            "--production", "--open" if open_browser else "--no-open"]


def solara_env() -> dict[str, str]:
    """The child's environment: no usage telemetry, and the project importable from anywhere."""
    env = dict(os.environ)
    env["SOLARA_TELEMETRY_MIXPANEL_ENABLE"] = "false"
    root = str(VIZ_APP.resolve().parent.parent)
    env["PYTHONPATH"] = root + (os.pathsep + env["PYTHONPATH"] if env.get("PYTHONPATH") else "")
    return env


# "{{cdn}}/@scope/name@1.2.3/..." in Solara's page templates, and Font Awesome's path setting
_CDN_REF = re.compile(r"\{\{\s*cdn\s*\}\}/((?:@[\w.-]+/)?[\w.-]+)@(\d+\.\d+\.\d+[\w.+-]*)/")
_PACKAGE_REF = re.compile(r"^/?((?:@[\w.-]+/)?[\w.-]+)@(\d+\.\d+\.\d+[\w.+-]*)/")


def asset_packages() -> list[tuple[str, str]]:
    """The npm packages (name, version) the installed Solara's page loads through its CDN proxy."""
    import solara.server
    import solara.server.settings as server_settings
    found = set()
    for template in (Path(solara.server.__file__).parent / "templates").glob("*.j2"):
        found.update(_CDN_REF.findall(template.read_text(encoding="utf-8")))
    m = _PACKAGE_REF.match(server_settings.assets.fontawesome_path)
    if m and server_settings.assets.fontawesome_enabled:
        found.add(m.groups())
    return sorted(found)


def asset_cache() -> Path:
    import solara.server.settings as server_settings
    return Path(server_settings.assets.proxy_cache_dir)


def missing_assets() -> list[tuple[str, str]]:
    """The asset packages not yet in Solara's CDN cache."""
    cache = asset_cache()
    return [(n, v) for n, v in asset_packages() if not (cache / f"{n}@{v}" / "package.json").exists()]


def fetch_assets(quiet: bool = False) -> list[str]:
    """Fill Solara's CDN cache from the npm registry (``npm pack``); return what was fetched."""
    todo = missing_assets()
    if not todo:
        return []
    npm = "npm.cmd" if os.name == "nt" else "npm"
    cache = asset_cache()
    done = []
    with tempfile.TemporaryDirectory() as tmp:
        for name, version in todo:
            spec = f"{name}@{version}"
            if not quiet:
                print(f"fetching {spec} from the npm registry", file=sys.stderr)
            try:
                out = subprocess.run([npm, "pack", spec, "--silent", "--pack-destination", tmp],
                                     capture_output=True, text=True, check=True, timeout=300)
            except FileNotFoundError:
                raise InputError("--fetch-assets", None, None, "npm is not installed (needed to fetch "
                                 "Solara's page assets from the npm registry)") from None
            except subprocess.CalledProcessError as exc:
                raise InputError("--fetch-assets", None, spec,
                                 f"npm pack failed: {exc.stderr.strip() or exc.stdout.strip()}") from None
            tgz = Path(tmp) / out.stdout.strip().splitlines()[-1]
            target = cache / spec
            staging = Path(tmp) / "unpacked" / spec
            with tarfile.open(tgz) as tar:
                tar.extractall(staging, filter="data")
            target.parent.mkdir(parents=True, exist_ok=True)
            if target.exists():  # a partial earlier attempt (no package.json): replace it
                shutil.rmtree(target)
            (staging / "package").rename(target)
            done.append(spec)
    return done


@command("viz", "serve the interactive page (Mesa SolaraViz) for one run, on http://127.0.0.1:8765 by default")
def cmd_viz(args) -> int:
    """Serve the interactive page (or, with --fetch-assets, only fill Solara's asset cache)."""
    try:
        import mesa.visualization  # noqa: F401
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
    missing = missing_assets()
    if missing:
        print("warning: Solara's page assets are not cached yet (" + ", ".join(f"{n}@{v}" for n, v in missing)
              + "); without internet access the page stays blank: run 'alliance viz --fetch-assets' first",
              file=sys.stderr)
    cmd = solara_command(args.host, args.port, open_browser=not args.no_browser)
    print(f"serving the page on http://{args.host}:{args.port} (Ctrl+C stops it)", file=sys.stderr)
    try:
        return subprocess.call(cmd, env=solara_env())
    except KeyboardInterrupt:
        return 0


def _configure_viz(p):
    p.add_argument("--host", default=DEFAULT_HOST,
                   help=f"address to listen on (default {DEFAULT_HOST}: this machine only)")
    p.add_argument("--port", type=int, default=DEFAULT_PORT, help=f"port (default {DEFAULT_PORT})")
    p.add_argument("--no-browser", action="store_true", help="do not open a web browser")
    p.add_argument("--fetch-assets", action="store_true",
                   help="only fill Solara's asset cache from the npm registry (for machines without internet)")


cmd_viz.configure = _configure_viz


if __name__ == "__main__":  # python -m experiments.viz_cli [--fetch-assets | --port N ...]
    import argparse

    _parser = argparse.ArgumentParser(prog="python -m experiments.viz_cli", description=cmd_viz.__doc__)
    _configure_viz(_parser)
    try:
        sys.exit(cmd_viz(_parser.parse_args()))
    except InputError as _exc:
        print(f"error: {_exc}", file=sys.stderr)
        sys.exit(2)
