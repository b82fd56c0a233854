"""Actor policies: how an actor turns what it wants and may offer into what it offers.

World files name an actor's policy with ``agent_class: NAME``. The standard policy
offers a soft minimum of wish and legal limit: the limit acts as a cost that rises as
the offer approaches it, so demand moves the offer everywhere below the limit and an
unconstrained actor (limit 1) offers its wish (to rounding). A custom policy is a function of the actor's
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
    """O = W K / (W + K - W K): below both wish W and limit K, equal (to rounding) to W when K = 1 and to K when W = 1,
    rising in both (1/O = 1/W + 1/K - 1); 0 when either is 0."""
    prod = want * ceiling
    den = want + ceiling
    den -= prod
    return np.divide(prod, den, out=prod, where=den > 0.0)  # where den is 0, W = K = 0 and prod is already 0


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
