"""Safe YAML reading that remembers where every key came from.

Only ``yaml.SafeLoader`` is used; anchors and aliases are refused (they are the
vector of "billion laughs" bombs and scenario files do not need them), files over
``MAX_BYTES`` are refused unread, and every mapping remembers the line of each key so
validation errors can name file, line and field.
"""

from __future__ import annotations

from pathlib import Path

import yaml

from model.spec.errors import InputError

MAX_BYTES = 1_000_000


class Located(dict):
    """A mapping from a YAML file that knows the line of each key (``lines[key]``)."""

    line: int = 0
    lines: dict

    def line_of(self, key) -> int:
        return self.lines.get(key, self.line)


class LocatedList(list):
    """A sequence from a YAML file that knows the line of each item (``lines[i]``)."""

    line: int = 0
    lines: list


class _Loader(yaml.SafeLoader):
    pass


def _mapping(loader: _Loader, node: yaml.MappingNode) -> Located:
    out = Located()
    out.line = node.start_mark.line + 1
    out.lines = {}
    for key_node, value_node in node.value:
        key = loader.construct_object(key_node, deep=True)
        try:
            hash(key)
        except TypeError:
            raise InputError(loader.name, key_node.start_mark.line + 1, None, "a key must be a plain value") from None
        if key in out:
            raise InputError(loader.name, key_node.start_mark.line + 1, str(key), "duplicate key")
        out[key] = loader.construct_object(value_node, deep=True)
        out.lines[key] = key_node.start_mark.line + 1
    return out


def _sequence(loader: _Loader, node: yaml.SequenceNode) -> LocatedList:
    out = LocatedList(loader.construct_object(n, deep=True) for n in node.value)
    out.line = node.start_mark.line + 1
    out.lines = [n.start_mark.line + 1 for n in node.value]
    return out


_Loader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _mapping)
_Loader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_SEQUENCE_TAG, _sequence)


def load_mapping(path: str | Path, what: str = "file") -> Located:
    """Read a YAML file whose document must be a mapping; raise InputError otherwise."""
    path = Path(path)
    name = str(path)
    if path.exists() and not path.is_file():
        raise InputError(name, None, None, f"the {what} must be a regular file")
    try:
        with open(path, "rb") as fh:
            raw = fh.read(MAX_BYTES + 1)
    except OSError as exc:
        raise InputError(name, None, None, f"cannot read {what}: {exc.strerror}") from None
    if len(raw) > MAX_BYTES:
        size = path.stat().st_size
        raise InputError(name, None, None, f"{what} is {size:,} bytes; the limit is {MAX_BYTES:,}")
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise InputError(name, line, None, f"{what} is not UTF-8 text") from None
    try:
        for event in yaml.parse(text, Loader=yaml.SafeLoader):
            if isinstance(event, yaml.AliasEvent) or getattr(event, "anchor", None):
                raise InputError(name, event.start_mark.line + 1, None,
                                 "YAML anchors and aliases are not allowed in this file")
        loader = _Loader(text)
        loader.name = name
        try:
            doc = loader.get_single_data()
        finally:
            loader.dispose()
    except RecursionError:
        raise InputError(name, None, None, "YAML nesting is too deep") from None
    except yaml.reader.ReaderError as exc:
        at = text[: exc.position].count("\n") + 1
        raise InputError(name, at, None, f"character {exc.character!r} is not allowed in YAML") from None
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        where = mark.line + 1 if mark else None
        raise InputError(name, where, None, f"malformed YAML: {exc.problem or exc}") from None
    except yaml.YAMLError as exc:
        raise InputError(name, None, None, f"malformed YAML: {exc}") from None
    if not isinstance(doc, Located):
        kind = "empty" if doc is None else type(doc).__name__
        raise InputError(name, 1, None, f"the {what} must be a YAML mapping (key: value), got {kind}")
    return doc
