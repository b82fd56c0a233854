"""Serving the interactive page (experiments/app/page.py) with ``solara run``, and Solara's offline assets.

The page is served by ``solara run`` in a child process, bound to 127.0.0.1 unless
``--host`` says otherwise (the page runs the model for whoever can reach it, so keep it
on loopback unless you mean to share it). The child is ``python -m experiments.app.server
run ...``: Solara's own command line, with its web application wrapped in :class:`PageGuard`
first, which

- refuses a WebSocket handshake from another origin than the page's own (any web page
  open in the user's browser could otherwise connect to the page's kernel and drive the
  model), and, on loopback, one whose ``Host`` is not a loopback name (DNS rebinding);
- closes a connection that sends a binary message whose header does not describe it
  (Solara reads a buffer count from the first 4 bytes of such a message and builds a
  format string of that length: one 20-byte message could make it allocate gigabytes).
  The page itself never sends binary messages larger than their header says.

Solara's page loads its JavaScript/CSS (the Vuetify app bundle, RequireJS, Font Awesome)
through the server's CDN proxy, which downloads them from a public CDN on first use and
caches them in ``<venv>/share/solara/cdn``. On a machine without internet access the page
stays blank unless that cache is filled beforehand: ``alliance viz --fetch-assets`` (or
``python -m experiments.cli.viz --fetch-assets``) takes the same files from the npm
registry with ``npm pack`` and unpacks them there, for the versions the installed
Solara asks for.
"""

from __future__ import annotations

import errno
import os
import re
import shutil
import socket
import subprocess
import sys
import tarfile
import tempfile
from pathlib import Path
from urllib.parse import urlsplit

from model.spec.errors import InputError

VIZ_APP = Path(__file__).with_name("page.py")
DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 8765
LOOPBACK = {"127.0.0.1", "localhost", "::1"}
MAX_BUFFERS = 256  # buffers one binary message may carry (Jupyter's widget messages carry a handful)


def solara_command(host: str = DEFAULT_HOST, port: int = DEFAULT_PORT, open_browser: bool = True) -> list[str]:
    """The ``solara run`` command line that serves the page, guarded (:class:`PageGuard`; also used by the browser
    test)."""
    return [sys.executable, "-m", "experiments.app.server", "run", str(VIZ_APP), "--host", host, "--port", str(port),
            "--production", "--open" if open_browser else "--no-open"]


def check_port(host: str, port: int) -> None:
    """Refuse (InputError) a host this machine cannot listen on, or a port already in use, before serving."""
    with socket.socket(socket.AF_INET6 if ":" in host else socket.AF_INET) as s:
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # as the server binds: a closing socket is no user
        try:
            s.bind((host, port))
        except socket.gaierror as exc:
            raise InputError("--host", None, "host", f"cannot listen on {host!r}: {exc.strerror}") from None
        except OSError as exc:
            if exc.errno == errno.EADDRINUSE:
                raise InputError("--port", None, "port", f"{port} is already in use on {host} (another alliance "
                                 "viz?); stop it, or choose another --port") from None
            raise InputError("--host", None, "host", f"cannot listen on {host}:{port}: {exc.strerror}") from None


def _hostname(netloc: str) -> str:
    return (urlsplit(f"//{netloc}").hostname or "").lower()


def origin_allowed(origin: str | None, host_header: str | None, bound: str) -> bool:
    """Whether a WebSocket handshake comes from the page's own origin: the ``Origin`` the browser sends names the
    host and port the request went to, and, when the server listens on loopback, that host is a loopback name.
    A client that sends no ``Origin`` is not a browser page (nothing a web site could make a browser do)."""
    if origin is None:
        return True
    parts = urlsplit(origin)
    if parts.scheme not in ("http", "https") or not host_header or parts.netloc.lower() != host_header.lower():
        return False
    return bound not in LOOPBACK or _hostname(host_header) in LOOPBACK


def binary_message_ok(data: bytes) -> bool:
    """Whether a binary message's header (a 32-bit count of buffers, then one 32-bit offset per buffer) fits the
    message: what Solara's decoder trusts before it allocates."""
    if len(data) < 8:
        return False
    count = int.from_bytes(data[:4], "big", signed=True)
    return 1 <= count <= MAX_BUFFERS and 4 * (count + 1) <= len(data)


class PageGuard:
    """ASGI middleware around Solara's application: foreign origins refused, malformed binary messages closed."""

    def __init__(self, app):
        self.app = app

    async def __call__(self, scope, receive, send):
        if scope["type"] != "websocket":
            return await self.app(scope, receive, send)
        headers = {k.decode("latin-1").lower(): v.decode("latin-1") for k, v in scope.get("headers", [])}
        if not origin_allowed(headers.get("origin"), headers.get("host"), os.environ.get("SERVER_NAME", DEFAULT_HOST)):
            await receive()  # the handshake; closing before accepting answers it with 403
            await send({"type": "websocket.close", "code": 1008})
            return None

        async def checked_receive():
            message = await receive()
            data = message.get("bytes") if message.get("type") == "websocket.receive" else None
            if data is not None and not binary_message_ok(data):
                await send({"type": "websocket.close", "code": 1003})  # unsupported data
                return {"type": "websocket.disconnect", "code": 1003}
            return message

        return await self.app(scope, checked_receive, send)


SOLARA_APP = "solara.server.starlette:app"  # the application ``solara run`` has uvicorn import by name


def main(argv: list[str] | None = None) -> None:
    """``solara ...`` (its command line), with the web application it serves wrapped in :class:`PageGuard`.

    Solara's module must be imported by uvicorn, after ``solara run`` has set up its settings and
    environment (it reads them at import), so the wrapping happens where uvicorn imports it.
    """
    import solara.__main__
    import uvicorn.config

    imported = uvicorn.config.import_from_string

    def guarded(name):
        app = imported(name)
        return PageGuard(app) if name == SOLARA_APP else app

    uvicorn.config.import_from_string = guarded
    sys.argv = ["solara", *(sys.argv[1:] if argv is None else argv)]
    solara.__main__.main()


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


if __name__ == "__main__":
    main()
