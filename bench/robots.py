"""robots.txt wildcard rules: time per URL check as the checked path grows.

Run (from the project root):
  python bench/robots.py [--baseline PATH] [--lengths 10,20,25,30,40] [--timeout 60]

The rule is the hostile review's shape: ``Disallow: /`` + ``*e`` × 20 + ``*Q``, checked 100
times against a path of L ``e``s (a backtracking matcher tries every way to split the path
among the wildcards before it finds no ``Q``). Each
measurement runs in its own child process with ``crawler`` imported from the tree named,
so ``--baseline`` measures another checkout (e.g. a worktree of an older commit) in the same
run; a child that does not finish within ``--timeout`` seconds is killed and reported.
Prints a Markdown table for BENCHMARKS.md.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CHECKS = 100

CHILD = f"""
import sys, time
from crawler.fetch.robots import Robots
robots = Robots.parse("User-agent: *\\nDisallow: /" + "*e" * 20 + "*Q\\n")
path = "/" + "e" * int(sys.argv[1])
start = time.perf_counter()
for _ in range({CHECKS}):
    robots.allowed(path)
print((time.perf_counter() - start) / {CHECKS} * 1e6)
"""


def measure(tree: Path, length: int, timeout: float) -> str:
    env = {**os.environ, "PYTHONPATH": str(tree)}
    try:
        done = subprocess.run(
            [sys.executable, "-c", CHILD, str(length)],
            cwd=tree, env=env, capture_output=True, text=True, timeout=timeout, check=True,
        )  # fmt: skip
    except subprocess.TimeoutExpired:
        return f"killed after {timeout:g} s"
    return f"{float(done.stdout):,.1f}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--baseline", type=Path, help="another tree to measure the same way")
    parser.add_argument("--lengths", default="10,20,25,30,40", help="path lengths, comma-separated")
    parser.add_argument("--timeout", type=float, default=60.0, help="seconds per child")
    args = parser.parse_args()
    trees = [("HEAD", ROOT)] + ([("baseline", args.baseline)] if args.baseline else [])
    print("| path length | " + " | ".join(f"{name} µs per URL" for name, _ in trees) + " |")
    print("|---:|" + "---:|" * len(trees))
    for n in (int(v) for v in args.lengths.split(",")):
        cells = [measure(tree, n, args.timeout) for _name, tree in trees]
        print(f"| {n} | " + " | ".join(cells) + " |", flush=True)


if __name__ == "__main__":
    main()
