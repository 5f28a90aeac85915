"""Read an OSMnx GraphML file (gzipped or plain) into plain Python records.

Streaming ``iterparse`` keeps memory flat and needs no third-party parser. GraphML stores attributes as
``<data key="d9">`` whose meaning is declared once in ``<key id="d9" for="edge" attr.name="name">``; this
module resolves those ids so callers see ``{"name": "York Gate", ...}``. Interpreting the values (numbers,
lists, speeds) is left to :mod:`peel.roads.tables`.
"""

from __future__ import annotations

import gzip
import xml.etree.ElementTree as ET
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO

_GZIP_MAGIC = b"\x1f\x8b"


class GraphMLError(ValueError):
    """The file is not GraphML that Peel can route on."""


@dataclass(frozen=True)
class GraphMLNode:
    id: str
    attrs: dict[str, str]


@dataclass(frozen=True)
class GraphMLEdge:
    source: str
    target: str
    attrs: dict[str, str]


@dataclass(frozen=True)
class GraphMLDocument:
    directed: bool
    graph_attrs: dict[str, str]
    nodes: list[GraphMLNode] = field(default_factory=list)
    edges: list[GraphMLEdge] = field(default_factory=list)


def _local(tag: str) -> str:
    """``{http://graphml.graphdrawing.org/xmlns}node`` → ``node``."""
    return tag.rsplit("}", 1)[-1]


def _open(path: Path) -> IO[bytes] | gzip.GzipFile:
    # Sniff the gzip magic rather than trusting the suffix: a renamed file still loads.
    with path.open("rb") as probe:
        magic = probe.read(2)
    if magic == _GZIP_MAGIC:
        return gzip.open(path, "rb")
    return path.open("rb")


class _KeyTable:
    """GraphML ``<key>`` declarations: id → attribute name, per domain (node, edge, graph)."""

    def __init__(self) -> None:
        self.names: dict[tuple[str, str], str] = {}
        self.defaults: dict[str, dict[str, str]] = {"node": {}, "edge": {}, "graph": {}}

    def declare(self, element: ET.Element) -> None:
        key_id = element.get("id")
        name = element.get("attr.name") or key_id
        if key_id is None or name is None:
            raise GraphMLError("a <key> element has no id")
        domain = element.get("for", "all")
        domains = ("node", "edge", "graph") if domain == "all" else (domain,)
        default = next((child.text for child in element if _local(child.tag) == "default"), None)
        for each in domains:
            self.names[(each, key_id)] = name
            if default is not None and each in self.defaults:
                self.defaults[each][name] = default

    def attributes(self, domain: str, element: ET.Element) -> dict[str, str]:
        attrs = dict(self.defaults.get(domain, {}))
        for child in element:
            key_id = child.get("key")
            if key_id is None:  # only <data> children carry a key
                continue
            name = self.names.get((domain, key_id), key_id)
            attrs[name] = child.text or ""
        return attrs


def read_graphml(path: Path) -> GraphMLDocument:
    """Parse a GraphML file. An undirected graph gets both directions of every edge."""
    keys = _KeyTable()
    nodes: list[GraphMLNode] = []
    edges: list[GraphMLEdge] = []
    graph_attrs: dict[str, str] = {}
    directed: bool | None = None
    with _open(path) as stream:
        try:
            for _, element in ET.iterparse(stream, events=("end",)):
                raw_tag = element.tag
                if raw_tag.endswith("data"):
                    continue  # read through its parent; most elements are <data>, so skip them cheaply
                tag = _local(raw_tag)
                if tag == "key":
                    keys.declare(element)
                elif tag == "node":
                    node_id = element.get("id")
                    if node_id is None:
                        raise GraphMLError("a <node> element has no id")
                    nodes.append(GraphMLNode(node_id, keys.attributes("node", element)))
                    element.clear()
                elif tag == "edge":
                    source, target = element.get("source"), element.get("target")
                    if source is None or target is None:
                        raise GraphMLError("an <edge> element has no source or target")
                    edges.append(GraphMLEdge(source, target, keys.attributes("edge", element)))
                    element.clear()
                elif tag == "graph" and directed is None:
                    directed = element.get("edgedefault", "directed") == "directed"
                    graph_attrs = keys.attributes("graph", element)
        except ET.ParseError as exc:
            raise GraphMLError(f"{path} is not well-formed XML: {exc}") from exc
    if directed is None:
        raise GraphMLError(f"{path} has no <graph> element")
    if not directed:
        edges = edges + [GraphMLEdge(edge.target, edge.source, edge.attrs) for edge in edges]
    return GraphMLDocument(directed=directed, graph_attrs=graph_attrs, nodes=nodes, edges=edges)
