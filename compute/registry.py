"""Verifiers and the registry that holds them: explicit objects, no process-global state.

A verifier declares which claims it can check (``applies``: claim kind, quantity, unit, or a pattern in the
claim's sentence) and turns one claim plus the graph into a Check. The built-ins are registered by
``default_registry()`` through ``Registry.register``, the same call a user's own verifier goes through.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from compute.graph_inputs import ClaimRecord, GraphView
from compute.models import Check, Frozen

DEFAULT_SEED = 0


class VerifyOptions(Frozen):
    """What a run may use beyond the graph: the reference loss table, the decoding benchmark's results, the seed."""

    scaling_runs_csv: Path | None = None
    specdec_results: Path | None = None  # the speculative-decoding benchmark's results (compute/specdecode/bench)
    seed: int = DEFAULT_SEED


Applies = Callable[[ClaimRecord, GraphView], bool]
CheckFn = Callable[[ClaimRecord, GraphView, VerifyOptions], Check]


@dataclass(frozen=True)
class Verifier:
    id: str  # stable, dotted: "moe.combinations"; the SARIF ruleId
    title: str
    description: str
    applies: Applies
    check: CheckFn
    packages: tuple[str, ...] = field(default=())  # distributions whose versions go into the environment


class UnknownVerifierError(KeyError):
    def __init__(self, verifier_id: str, known: list[str]) -> None:
        super().__init__(f"no verifier {verifier_id!r}; known verifiers: {', '.join(known) or 'none'}")


class Registry:
    """Verifiers by id, in registration order (the order they are tried on a claim)."""

    def __init__(self) -> None:
        self._verifiers: dict[str, Verifier] = {}

    def register(self, verifier: Verifier) -> Verifier:
        if verifier.id in self._verifiers:
            raise ValueError(f"verifier {verifier.id!r} is already registered")
        self._verifiers[verifier.id] = verifier
        return verifier

    def verifies(
        self, verifier_id: str, *, title: str, applies: Applies, packages: tuple[str, ...] = ()
    ) -> Callable[[CheckFn], CheckFn]:
        """Decorator form of ``register``: the function's docstring becomes the description."""

        def decorate(check: CheckFn) -> CheckFn:
            description = (check.__doc__ or title).strip().splitlines()[0]
            self.register(Verifier(verifier_id, title, description, applies, check, packages))
            return check

        return decorate

    def get(self, verifier_id: str) -> Verifier:
        try:
            return self._verifiers[verifier_id]
        except KeyError:
            raise UnknownVerifierError(verifier_id, list(self._verifiers)) from None

    def for_claim(self, claim: ClaimRecord, view: GraphView) -> list[Verifier]:
        return [v for v in self._verifiers.values() if v.applies(claim, view)]

    def __iter__(self) -> Iterator[Verifier]:
        return iter(list(self._verifiers.values()))

    def __len__(self) -> int:
        return len(self._verifiers)


def default_registry() -> Registry:
    """A fresh registry holding the built-in verifiers."""
    from compute import (crosscheck, verify_arithmetic, verify_decoding, verify_denseformer, verify_moe, verify_ratios,
                         verify_scaling)

    registry = Registry()
    for module in (verify_moe, verify_denseformer, verify_arithmetic, verify_ratios, verify_scaling, verify_decoding,
                   crosscheck):
        module.register(registry)
    return registry
