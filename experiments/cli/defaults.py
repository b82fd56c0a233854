"""``alliance defaults``: the registry's defaults beside the posterior they summarise (``--write`` rewrites them)."""

from __future__ import annotations

from experiments.cli.command import Command
from experiments.pipeline import defaults_file
from experiments.pipeline.posterior_file import SHIPPED, read_posterior
from model.spec.parameters import REGISTRY
from model.spec.paths import ROOT


def _defaults(args) -> int:
    post = read_posterior(args.posterior or SHIPPED)
    want = defaults_file.summary(post)
    k = {n: i for i, n in enumerate(post.names)}
    print(f"{'parameter':28s} {'default':>10s} {'posterior median':>17s} {'5%':>9s} {'95%':>9s}")
    for name, p in REGISTRY.items():
        lo, hi = (post.quantile(k[name], 0.05), post.quantile(k[name], 0.95)) if name in k else (float("nan"),) * 2
        flag = "" if p.default == want[name] else "  <- differs"
        print(f"{name:28s} {p.default:10.4g} {want[name]:17.4g} {lo:9.4g} {hi:9.4g}{flag}")
    changed = [n for n, p in REGISTRY.items() if p.default != want[n]]
    if args.write and changed:
        defaults_file.write(want, str(args.posterior or SHIPPED.relative_to(ROOT)))
        print(f"wrote {len(changed)} changed default(s) to model/spec/defaults.py")
    elif changed:
        print(f"{len(changed)} default(s) differ from the posterior's summary; `alliance defaults --write` writes them")
    else:
        print("the defaults are the posterior's summary")
    return 0


def _configure(p) -> None:
    p.add_argument("posterior", nargs="?", help="posterior folder or file (default data/posterior_1990_2025)")
    p.add_argument("--write", action="store_true", help="rewrite model/spec/defaults.py with the posterior's summary")


DEFAULTS = Command("defaults", "the registry's defaults beside the posterior median they summarise (--write: "
                   "rewrite them)", _configure, _defaults, out_flag=lambda a: "--write" if a.write else None)
