"""The published decision tree (docs/profile-generation.md), computed from one grouped pass.

`rollup_sql` is the one statement that gathers every node's statistics: a GROUP BY
ROLLUP over the characteristics in split order. It is written in the SQL that DuckDB,
PostgreSQL and Spark SQL share (ROLLUP, GROUPING, CASE, DATE literals, no casts or
dialect functions), so the ministry's Spark platform can run the very same text over its
own copy of the records (tests/generation/test_spark.py proves it).

Nodes below `min_group_size` are left out by HAVING: a node's ancestors hold all of its
records, so the nodes that remain are exactly the tree after step 3 (cut with
everything below). Labelling, pruning and the depth filter then work on a few thousand
nodes in Python, exactly as the method says.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date
from fractions import Fraction
from typing import Any

CHANCE, RISK, INBETWEEN = "chance", "risk", "inbetween"


@dataclass(frozen=True)
class TreeParameters:
    features_ordered: tuple[str, ...]
    min_group_size: int
    chance_max_hit_rate: float
    chance_max_refusal_rate: float
    risk_min_hit_rate: float
    min_depth: int

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> TreeParameters:
        return cls(
            features_ordered=tuple(data["features_ordered"]),
            min_group_size=int(data["min_group_size"]),
            chance_max_hit_rate=float(data["chance_max_hit_rate"]),
            chance_max_refusal_rate=float(data["chance_max_refusal_rate"]),
            risk_min_hit_rate=float(data["risk_min_hit_rate"]),
            min_depth=int(data["min_depth"]),
        )

    def as_dict(self) -> dict[str, Any]:
        return {
            "features_ordered": list(self.features_ordered),
            "min_group_size": self.min_group_size,
            "chance_max_hit_rate": self.chance_max_hit_rate,
            "chance_max_refusal_rate": self.chance_max_refusal_rate,
            "risk_min_hit_rate": self.risk_min_hit_rate,
            "min_depth": self.min_depth,
        }


@dataclass
class Node:
    path: tuple[str, ...]  # values of the first `depth` characteristics
    n: int
    hits: int
    refusals: int
    label: str = INBETWEEN
    children: set[tuple[str, ...]] = field(default_factory=set)

    @property
    def depth(self) -> int:
        return len(self.path)

    @property
    def hit_rate(self) -> float:
        return self.hits / self.n if self.n else 0.0

    @property
    def refusal_rate(self) -> float:
        return self.refusals / self.n if self.n else 0.0


@dataclass
class TreeResult:
    parameters: TreeParameters
    n_records: int
    nodes_after_cut: int
    # Every node that survives pruning and the depth filter (the profiles' ancestors too).
    kept: dict[tuple[str, ...], Node]
    leaves: list[Node]

    def characteristics(self, node: Node) -> dict[str, str]:
        return dict(zip(self.parameters.features_ordered, node.path, strict=False))


def rollup_sql(
    *, features: Sequence[str], window_from: date, window_to: date, min_group_size: int, source: str = "records"
) -> str:
    """The one grouped pass. `source` has the seven characteristics, `lodged_on` (DATE),
    `chain_hit` (BOOLEAN) and `decision` (text). Identifiers and values are checked
    (the seven names, dates, an integer) before they are put into the text."""
    from profiles.characteristics import Characteristic

    if sorted(features) != sorted(Characteristic.values) or not source.replace("_", "").isalnum():
        raise ValueError("features_ordered must be the seven characteristics")
    cols = ", ".join(features)
    depth = " + ".join(f"(1 - GROUPING({c}))" for c in features)
    return (
        f"SELECT {cols}, {depth} AS depth, COUNT(*) AS n, "
        "SUM(CASE WHEN chain_hit THEN 1 ELSE 0 END) AS hits, "
        "SUM(CASE WHEN decision = 'refused' THEN 1 ELSE 0 END) AS refusals "
        f"FROM {source} "
        "WHERE decision IN ('granted', 'refused') "
        f"AND lodged_on BETWEEN DATE '{window_from.isoformat()}' AND DATE '{window_to.isoformat()}' "
        f"GROUP BY ROLLUP ({cols}) "
        f"HAVING COUNT(*) >= {int(min_group_size)}"
    )


def _at_most(count: int, n: int, threshold: float) -> bool:
    # count/n <= threshold, exactly: the threshold as the decimal an official typed.
    t = Fraction(str(threshold))
    return count * t.denominator <= t.numerator * n


def _at_least(count: int, n: int, threshold: float) -> bool:
    t = Fraction(str(threshold))
    return count * t.denominator >= t.numerator * n


def label_of(node: Node, p: TreeParameters) -> str:
    if node.depth == 0:
        return INBETWEEN
    if _at_most(node.hits, node.n, p.chance_max_hit_rate) and _at_most(
        node.refusals, node.n, p.chance_max_refusal_rate
    ):
        return CHANCE
    if _at_least(node.hits, node.n, p.risk_min_hit_rate):
        return RISK
    return INBETWEEN


def tree_build(rows: Iterable[Sequence[Any]], p: TreeParameters) -> TreeResult:
    """Steps 2–7 over the rows of `rollup_sql`: (c1..c7, depth, n, hits, refusals)."""
    nodes: dict[tuple[str, ...], Node] = {}
    n_records = 0
    for row in rows:
        depth = int(row[7])
        path = tuple(str(v) for v in row[:depth])
        node = Node(path=path, n=int(row[8]), hits=int(row[9] or 0), refusals=int(row[10] or 0))
        nodes[path] = node
        if depth == 0:
            n_records = node.n
    nodes_after_cut = len(nodes)
    for path, node in nodes.items():
        node.label = label_of(node, p)
        if path:
            nodes[path[:-1]].children.add(path)
    _prune(nodes, p)
    # Step 6: remove, repeatedly, every leaf above the minimum depth.
    changed = True
    while changed:
        changed = False
        for path in [q for q, node in nodes.items() if 0 < len(q) < p.min_depth and not node.children]:
            _remove(nodes, path)
            changed = True
    leaves = [node for path, node in nodes.items() if path and not node.children]
    leaves.sort(key=lambda node: node.path)
    return TreeResult(parameters=p, n_records=n_records, nodes_after_cut=nodes_after_cut, kept=nodes, leaves=leaves)


def _remove(nodes: dict[tuple[str, ...], Node], path: tuple[str, ...]) -> None:
    del nodes[path]
    nodes[path[:-1]].children.discard(path)


def _prune(nodes: dict[tuple[str, ...], Node], p: TreeParameters) -> None:
    """Step 5: (a) drop in-between leaves; (b) fold a node at depth ≥ min_depth whose
    children are all leaves carrying its own label; until a pass removes nothing."""
    while True:
        removed = 0
        for path in [q for q, node in nodes.items() if q and not node.children and node.label == INBETWEEN]:
            _remove(nodes, path)
            removed += 1
        for path in sorted((q for q in nodes if len(q) >= p.min_depth), key=len, reverse=True):
            node = nodes.get(path)
            if node is None or not node.children:
                continue
            kids = [nodes[c] for c in node.children]
            if all(not k.children and k.label == node.label for k in kids):
                for kid in kids:
                    _remove(nodes, kid.path)
                    removed += 1
        if not removed:
            return


def outline(result: TreeResult) -> list[dict[str, Any]]:
    """The kept tree as nested dicts (for the review page's expandable outline)."""
    features = result.parameters.features_ordered

    def build(path: tuple[str, ...]) -> dict[str, Any]:
        node = result.kept[path]
        return {
            "c": features[len(path) - 1],
            "v": path[-1],
            "n": node.n,
            "hit_rate": round(node.hit_rate, 6),
            "refusal_rate": round(node.refusal_rate, 6),
            "label": node.label,
            "children": [build(c) for c in sorted(node.children)],
        }

    root = result.kept.get(())
    return [build(c) for c in sorted(root.children)] if root else []
