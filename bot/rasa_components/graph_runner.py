"""Run Rasa's model graph in an order worked out once, not by dask every turn.

Rasa 3.6 runs its graph (NLU parse, then action prediction) through dask's
synchronous scheduler twice or more per message. Dask rebuilds the task
graph and re-derives the order each time (dask.order, graph_metrics,
fire_tasks...): about 13% of the Rasa process's CPU in our conversations
(py-spy under `make bench`), for a graph that never changes once the model
is loaded. This keeps dask's semantics (one node at a time, same inputs,
same outputs, same errors) and caches the plan per set of targets.

Installed from bot/rasa_components/__init__.py.
"""

from __future__ import annotations

from typing import Any, Dict, List, Optional, Text, Tuple

from rasa.engine.exceptions import GraphRunError
from rasa.engine.runner.dask import DaskGraphRunner

Plan = List[Tuple[Text, Any, Tuple[Text, ...]]]
_dask_run = DaskGraphRunner.run  # kept for the tests that compare the two


def _plan(runner: DaskGraphRunner, targets: Tuple[Text, ...]) -> Plan:
    """The nodes `targets` need, each after everything it needs."""
    schema = runner._graph_schema.minimal_graph_schema(list(targets))
    nodes = schema.nodes
    order: List[Text] = []
    state: Dict[Text, int] = {}  # 1: being visited, 2: placed
    for target in targets:
        stack = [(target, False)]
        while stack:
            name, children_done = stack.pop()
            if name not in nodes or state.get(name) == 2:
                continue  # an input (given at run time), or placed already
            if children_done:
                state[name] = 2
                order.append(name)
                continue
            if state.get(name) == 1:
                raise GraphRunError(f"The graph has a cycle through '{name}'.")
            state[name] = 1
            stack.append((name, True))
            stack.extend((need, False) for need in nodes[name].needs.values() if state.get(need) != 2)
    return [(name, runner._instantiated_nodes[name], tuple(nodes[name].needs.values())) for name in order]


def run(
    self: DaskGraphRunner, inputs: Optional[Dict[Text, Any]] = None, targets: Optional[List[Text]] = None
) -> Dict[Text, Any]:
    run_targets = tuple(targets if targets else self._graph_schema.target_names)
    plans = self.__dict__.setdefault("_elpis_plans", {})
    plan = plans.get(run_targets)
    if plan is None:
        plan = plans[run_targets] = _plan(self, run_targets)
    values: Dict[Text, Any] = {}
    for name, value in (inputs or {}).items():
        if isinstance(value, str) and any(value == node for node, _, _ in plan):
            raise GraphRunError(  # as DaskGraphRunner._add_inputs_to_graph
                f"Input value '{value}' clashes with a node name. Make sure that none of the input names "
                f"passed to the `run` method are the same as node names in the graph schema."
            )
        values[name] = (name, value)  # what a node hands on: (its name, its output)
    try:
        for name, node, needs in plan:
            values[name] = node(*(values[need] for need in needs))
    except RuntimeError as e:
        raise GraphRunError("Error running runner.") from e
    return dict(values[target] for target in run_targets)


def install() -> None:
    DaskGraphRunner.run = run
