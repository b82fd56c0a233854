"""Actor policies: how an actor turns what it wants and may offer into what it offers.

World files name an actor's policy with ``agent_class: NAME``. The standard policy
offers the wish capped by the ceiling; a custom policy is a function of the actor's
own rows ``(want, ceiling) -> offer``, arrays of shape (R, N, D) with the run axis
first, so the Mesa agents (one run) and the batch kernel (many runs) apply the same
code. Register more with :func:`register_policy`.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from model.spec.domains import MILITARY

Policy = Callable[[np.ndarray, np.ndarray], np.ndarray]


def standard(want: np.ndarray, ceiling: np.ndarray) -> np.ndarray:
    """Offer what one wants, up to what one may: min(want, ceiling)."""
    return np.minimum(want, ceiling)


def reluctant(want: np.ndarray, ceiling: np.ndarray) -> np.ndarray:
    """An example custom policy: half the standard offer in the military domains (militarisation >= 0.8)."""
    return standard(want, ceiling) * (1.0 - 0.5 * (MILITARY >= 0.8))


POLICIES: dict[str, Policy] = {"": standard, "reluctant": reluctant}


def register_policy(name: str, policy: Policy) -> None:
    """Make ``agent_class: name`` available to world files (in this process and the workers it starts)."""
    if not name or not callable(policy):
        raise TypeError("a policy needs a non-empty name and a callable (want, ceiling) -> offer")
    POLICIES[name] = policy


def resolve(names: tuple[str, ...]) -> tuple[Policy, ...]:
    """The policy of each actor, by the names its world gives (``""`` = standard)."""
    return tuple(POLICIES[name] for name in names)
