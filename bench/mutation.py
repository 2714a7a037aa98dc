"""Mutation score of the rule modules: how many small deliberate changes to the rules the tests catch.

    python bench/mutation.py                        # every rule module (an hour or more on a loaded 2-core machine)
    python bench/mutation.py registry/domain/publicity.py
    python bench/mutation.py --changed-since HEAD~1 # the rule modules a change touched (what CI runs)

mutmut (PyPI) makes the mutants and runs the domain tests against each, in a copy of the project
(so the working tree is never touched). Prints every mutant not killed as a diff (a mutant no test runs
counts as not killed), each module's score and the overall one, and exits 1 when a module scores below
--min-score.
"""

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
# The modules that state the publicity, repair and validation rules, and the tests that pin them.
RULE_MODULES = (
    "registry/domain/publicity.py", "registry/domain/rulebook.py", "registry/domain/rule_data.py",
    "registry/domain/severity.py", "registry/domain/periods.py", "registry/domain/penalty_types.py",
    "registry/domain/values.py", "registry/domain/masking.py", "registry/domain/uscc.py",
    "registry/domain/lists.py", "registry/repairs/rules.py", "registry/records/validation.py",
)
RULE_TESTS = "tests/domain/"


def changed_rule_modules(since: str) -> list[str]:
    """The rule modules changed since `since` (all of them when git does not know that commit)."""
    known = subprocess.run(["git", "rev-parse", "--verify", "--quiet", f"{since}^{{commit}}"], cwd=ROOT,
                           capture_output=True).returncode == 0
    if not known:
        return list(RULE_MODULES)
    changed = subprocess.run(["git", "diff", "--name-only", since, "--", *RULE_MODULES], cwd=ROOT, check=True,
                             capture_output=True, text=True).stdout.split()
    return [module for module in RULE_MODULES if module in changed]


def project_copy(modules: list[str]) -> Path:
    """The tracked files in a temporary directory, with mutmut's settings for these modules."""
    target = Path(tempfile.mkdtemp(prefix="mutation-"))
    files = subprocess.run(["git", "ls-files"], cwd=ROOT, check=True, capture_output=True, text=True).stdout.split()
    for name in files:
        (target / name).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(ROOT / name, target / name, follow_symlinks=False)  # registry/migrations links to a folder
    settings = ["", "[mutmut]", "source_paths =", *[f"    {m}" for m in modules],
                "also_copy =", "    registry/", "    README.md", "    docs/",  # the tests check the docs' examples
                f"pytest_add_cli_args_test_selection = {RULE_TESTS}"]
    with open(target / "setup.cfg", "a", encoding="utf-8") as config:
        config.write("\n".join(settings) + "\n")
    return target


def mutmut(copy: Path, *args: str, quiet: bool = True) -> str:
    mutmut_bin = Path(sys.executable).with_name("mutmut")
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}  # the copy's modules, not the working tree's
    done = subprocess.run([str(mutmut_bin), *args], cwd=copy, env=env, text=True, capture_output=quiet)
    if done.returncode != 0:
        raise SystemExit(f"mutmut {' '.join(args)} failed:\n{(done.stderr or '')[-2000:]}")
    return done.stdout or ""


# Outcomes that count as a kill: a test failed, or the mutant made the tests hang (an endless loop).
CAUGHT = {"killed", "timeout"}


def outcomes(copy: Path) -> dict[str, str]:
    """Each mutant's name and outcome: killed, survived, no tests (no rule test calls the code), timeout..."""
    lines = mutmut(copy, "results", "--all", "true").splitlines()
    pairs = (line.strip().rsplit(": ", 1) for line in lines if ": " in line)
    return {name: outcome for name, outcome in pairs if outcome != "skipped"}


def scores(results: dict[str, str]) -> dict[str, tuple[int, int]]:
    """Per module (dotted name): (mutants caught, mutants made). A mutant no test runs is not caught."""
    per_module: dict[str, tuple[int, int]] = {}
    for name, outcome in results.items():
        module = name.rsplit(".", 1)[0]  # registry.domain.masking.x_mask_id__mutmut_1
        caught, made = per_module.get(module, (0, 0))
        per_module[module] = (caught + (outcome in CAUGHT), made + 1)
    return per_module


def percent(caught: int, made: int) -> float:
    return 100.0 * caught / made if made else 100.0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("modules", nargs="*", help="modules to mutate (default: every rule module)")
    parser.add_argument("--changed-since", metavar="REF", help="only the rule modules changed since this git ref")
    parser.add_argument("--min-score", type=float, default=90.0, help="percent of mutants to kill, per module "
                        "(default 90)")
    parser.add_argument("--jobs", type=int, default=2)
    args = parser.parse_args()
    modules = changed_rule_modules(args.changed_since) if args.changed_since else (args.modules or list(RULE_MODULES))
    if not modules:
        print("mutation: no rule module changed; nothing to mutate")
        return 0
    copy = project_copy(modules)
    started = time.monotonic()
    try:
        mutmut(copy, "run", "--max-children", str(args.jobs))
        results = outcomes(copy)
        for name, outcome in sorted(results.items()):
            if outcome not in CAUGHT:
                print(mutmut(copy, "show", name))
    finally:
        shutil.rmtree(copy, ignore_errors=True)
    per_module = scores(results)
    for module, (caught, made) in sorted(per_module.items()):
        print(f"{module}: {percent(caught, made):.1f}% ({caught} of {made} killed)")
    caught, made = sum(c for c, _ in per_module.values()), sum(m for _, m in per_module.values())
    print(f"mutation score: {percent(caught, made):.1f}% ({caught} of {made} killed, "
          f"{made - caught} not: survived, no test, or suspicious) in {time.monotonic() - started:.0f} s")
    return 0 if all(percent(*score) >= args.min_score for score in per_module.values()) else 1


if __name__ == "__main__":
    sys.exit(main())
