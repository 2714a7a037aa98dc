"""Mutation score of the rule modules: how many small deliberate changes to the rules the tests catch.

    python bench/mutation.py                        # every rule module (about half an hour on 2 cores)
    python bench/mutation.py registry/domain/publicity.py
    python bench/mutation.py --changed-since HEAD~1 # the rule modules a change touched (what CI runs)

mutmut (PyPI) makes the mutants and runs the domain tests against each, in a copy of the project
(so the working tree is never touched). Prints the score and every surviving mutant as a diff, and
exits 1 when the score is below --min-score.
"""

import argparse
import json
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
# The modules that state the publicity, repair and validation rules, and the tests that pin them.
RULE_MODULES = (
    "registry/domain/publicity.py", "registry/domain/rulebook.py", "registry/domain/rule_data.py",
    "registry/domain/severity.py", "registry/domain/periods.py", "registry/domain/penalty_types.py",
    "registry/domain/values.py", "registry/domain/masking.py", "registry/domain/uscc.py",
    "registry/repairs/rules.py",
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
        shutil.copy2(ROOT / name, target / name)
    settings = ["", "[mutmut]", "source_paths =", *[f"    {m}" for m in modules],
                "also_copy =", "    registry/", "    README.md", "    docs/",  # the tests check the docs' examples
                f"pytest_add_cli_args_test_selection = {RULE_TESTS}"]
    with open(target / "setup.cfg", "a", encoding="utf-8") as config:
        config.write("\n".join(settings) + "\n")
    return target


def mutmut(copy: Path, *args: str, quiet: bool = True) -> str:
    mutmut_bin = Path(sys.executable).with_name("mutmut")
    done = subprocess.run([str(mutmut_bin), *args], cwd=copy, text=True, capture_output=quiet)
    if done.returncode != 0:
        raise SystemExit(f"mutmut {' '.join(args)} failed:\n{(done.stderr or '')[-2000:]}")
    return done.stdout or ""


def survivors(copy: Path) -> list[str]:
    lines = mutmut(copy, "results").splitlines()
    return [line.strip().rsplit(":", 1)[0] for line in lines if line.strip().endswith(": survived")]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("modules", nargs="*", help="modules to mutate (default: every rule module)")
    parser.add_argument("--changed-since", metavar="REF", help="only the rule modules changed since this git ref")
    parser.add_argument("--min-score", type=float, default=90.0, help="percent of mutants to kill (default 90)")
    parser.add_argument("--jobs", type=int, default=2)
    args = parser.parse_args()
    modules = changed_rule_modules(args.changed_since) if args.changed_since else (args.modules or list(RULE_MODULES))
    if not modules:
        print("mutation: no rule module changed; nothing to mutate")
        return 0
    copy = project_copy(modules)
    try:
        mutmut(copy, "run", "--max-children", str(args.jobs))
        mutmut(copy, "export-cicd-stats")
        stats = json.loads((copy / "mutants" / "mutmut-cicd-stats.json").read_text())
        left = survivors(copy)
        for name in left:
            print(mutmut(copy, "show", name))
    finally:
        shutil.rmtree(copy, ignore_errors=True)
    judged = stats["killed"] + stats["survived"] + stats["timeout"] + stats["suspicious"]
    score = 100.0 * (stats["killed"] + stats["timeout"]) / judged if judged else 100.0
    print(f"mutation score of {', '.join(modules)}: {score:.1f}% "
          f"({stats['killed']} killed, {stats['timeout']} timed out, {stats['survived']} survived, "
          f"{stats['no_tests']} without tests, of {stats['total']})")
    return 0 if score >= args.min_score else 1


if __name__ == "__main__":
    sys.exit(main())
