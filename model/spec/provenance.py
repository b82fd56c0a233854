"""The installed package version (importing nothing heavy, so figures and metadata can use it)."""

from __future__ import annotations

from importlib.metadata import PackageNotFoundError, version


def package_version() -> str:
    try:
        return version("japan-nato-alliance-sim")
    except PackageNotFoundError:
        return "0+unknown"
