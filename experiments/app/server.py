"""Serving the interactive page (experiments/app/page.py) with ``solara run``, and Solara's offline assets.

The page is served by ``solara run`` in a child process, bound to 127.0.0.1 unless
``--host`` says otherwise (the page runs the model for whoever can reach it, so keep it
on loopback unless you mean to share it).

Solara's page loads its JavaScript/CSS (the Vuetify app bundle, RequireJS, Font Awesome)
through the server's CDN proxy, which downloads them from a public CDN on first use and
caches them in ``<venv>/share/solara/cdn``. On a machine without internet access the page
stays blank unless that cache is filled beforehand: ``alliance viz --fetch-assets`` (or
``python -m experiments.cli.viz --fetch-assets``) takes the same files from the npm
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

from model.spec.errors import InputError

VIZ_APP = Path(__file__).with_name("page.py")
DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 8765


def solara_command(host: str = DEFAULT_HOST, port: int = DEFAULT_PORT, open_browser: bool = True) -> list[str]:
    """The ``solara run`` command line that serves the page (also used by the browser test)."""
    return [sys.executable, "-m", "solara", "run", str(VIZ_APP), "--host", host, "--port", str(port),
            "--production", "--open" if open_browser else "--no-open"]


def solara_env() -> dict[str, str]:
    """The child's environment: no usage telemetry, no Solara badge, and the project importable from anywhere."""
    env = dict(os.environ)
    env["SOLARA_TELEMETRY_MIXPANEL_ENABLE"] = "false"
    env["SOLARA_THEME_SHOW_BANNER"] = "false"  # Solara's fixed badge would cover the page's lower right corner
    root = str(VIZ_APP.resolve().parents[2])
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
