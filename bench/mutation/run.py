"""Mutation testing of the rule modules with mutmut: which small faults do the tests miss?

For each rule module, mutmut (pinned in the dev dependencies) plants one small fault at a time
(a flipped comparison, a constant off by one, ``and`` for ``or``, a dropped argument …) and
runs that module's own fast tests; a fault no test notices "survives". Prints per module the
mutants total / killed / survived / timeout and every survivor with its diff line.

    python bench/mutation/run.py [--module peaks] [--max-children 2] [--json out.json]

Each module runs in its own copy of the project (a temporary folder, ``mutants/`` inside it),
so a module is judged by its own tests only and the working tree is never touched. The run
uses SQLite without migrations (the migrations' only extras are PostgreSQL triggers), where row
locks are no-ops: faults in ``select_for_update()`` are pinned by the PostgreSQL tests instead
(tests/billing/test_numbering.py). mutmut runs the tests in parallel forked children: the copy
has its own var folder, and each child its own test database file in it (``TEST_DATABASE_PER_PROCESS``).
"""

from __future__ import annotations

import argparse
import ast
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent
APPS = ("config", "provisioning", "billing", "telephony", "portal", "status", "support")


@dataclass(frozen=True)
class Module:
    key: str
    path: str
    tests: tuple[str, ...]
    # Only these top-level functions are mutated (all when empty).
    functions: tuple[str, ...] = field(default=())


MODULES = (
    Module(
        "access",
        "provisioning/access.py",
        (
            "tests/provisioning/test_access.py",
            "tests/provisioning/test_api_isolation.py",
            "tests/portal/test_isolation.py",
            "tests/netchecks/test_access.py",
        ),
    ),
    Module("peaks", "billing/peaks.py", ("tests/billing/test_peaks.py",)),
    Module(
        "numbering",
        "billing/services/invoices.py",
        ("tests/billing/test_runs.py", "tests/billing/test_numbering.py"),
        functions=("_counter", "format_number", "issue", "invoice_finalize"),
    ),
    Module(
        "demo-limits",
        "provisioning/services/licenses.py",
        ("tests/provisioning/test_licenses.py",),
    ),
    Module(
        "routing",
        "telephony/routing/engine.py",
        (
            "tests/telephony/routing",
            "--deselect",
            "tests/telephony/routing/test_routing_properties.py",
        ),
    ),
    Module(
        "verdict", "telephony/netcheck/verdict.py", ("tests/telephony/netcheck/test_verdict.py",)
    ),
    Module(
        "metrics",
        "telephony/netcheck/metrics.py",
        (
            "tests/telephony/netcheck/test_metrics.py",
            "tests/telephony/netcheck/test_e2e.py::test_jitter_matches_rfc3550_computed_from_the_relay_stamps",
        ),
    ),
)

STATUS = {1: "killed", 3: "killed", 0: "survived", 36: "timeout", 24: "timeout", -24: "timeout"}
STATUS |= {152: "timeout", 255: "timeout", 5: "no tests", 33: "no tests", 34: "skipped"}


def copy_project(target: Path) -> None:
    """The working tree's files as git sees them (tracked and new, not ignored)."""
    listed = subprocess.run(
        ["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
        cwd=ROOT,
        check=True,
        capture_output=True,
    ).stdout.split(b"\0")
    for raw in listed:
        if not raw:
            continue
        name = raw.decode()
        source = ROOT / name
        if not source.is_file():
            continue
        dest = target / name
        dest.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(source, dest)


TEST_DATABASE_PER_PROCESS = """

@pytest.fixture(scope="session")
def django_db_modify_db_settings(django_db_modify_db_settings_parallel_suffix: None) -> None:
    \"\"\"Mutation run only: one test database file per process, so that parallel mutmut
    children never share (and delete) one another's SQLite file.\"\"\"
    import os
    import re

    from django.conf import settings

    for db in settings.DATABASES.values():
        name = db.get("TEST", {}).get("NAME")
        if name and name != ":memory:":
            db["TEST"]["NAME"] = re.sub(r"_pid\\d+$", "", str(name)) + f"_pid{os.getpid()}"
"""


def add_test_database_per_process(project: Path) -> None:
    conftest = project / "tests" / "conftest.py"
    conftest.write_text(conftest.read_text() + TEST_DATABASE_PER_PROCESS)


def toml_list(values: tuple[str, ...] | list[str]) -> str:
    return "[" + ", ".join(json.dumps(v) for v in values) + "]"


def write_config(project: Path, module: Module) -> None:
    """Replace the [tool.mutmut] table of the copy's pyproject.toml with this module's."""
    pyproject = project / "pyproject.toml"
    text = re.sub(r"\n\[tool\.mutmut\]\n(?:(?!\n\[).)*", "\n", pyproject.read_text(), flags=re.S)
    text += (
        "\n[tool.mutmut]\n"
        f"source_paths = {toml_list([f'{app}/' for app in APPS])}\n"
        f"only_mutate = {toml_list([module.path])}\n"
        'also_copy = ["manage.py"]\n'
        'pytest_add_cli_args = ["-p", "no:cacheprovider", "-p", "no:xdist", "--nomigrations"]\n'
        f"pytest_add_cli_args_test_selection = {toml_list(module.tests)}\n"
        "use_git_change_detection = false\n"
    )
    pyproject.write_text(text)


def restrict_to_functions(source: Path, functions: tuple[str, ...]) -> None:
    """Mark every other top-level function and class of the copy ``# pragma: no mutate``."""
    lines = source.read_text().splitlines()
    tree = ast.parse("\n".join(lines))
    skipped: list[tuple[int, int]] = []
    for node in tree.body:
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
            if node.name in functions:
                continue
            first = min([node.lineno, *(d.lineno for d in node.decorator_list)])
            skipped.append((first, node.end_lineno or node.lineno))
    for first, last in reversed(skipped):
        lines.insert(last, "# pragma: no mutate end")
        lines.insert(first - 1, "# pragma: no mutate start")
    source.write_text("\n".join(lines) + "\n")


MUTMUT_REPORT = """
import json, sys
from pathlib import Path
from mutmut.__main__ import SourceFileMutationData
from mutmut.mutation.diff_apply import get_diff_for_mutant
path = Path(sys.argv[1])
data = SourceFileMutationData(path=path)
data.load()
out = {}
for name, code in data.exit_code_by_key.items():
    diff = get_diff_for_mutant(name, path=path) if code == 0 else ""
    out[name] = {"exit_code": code, "diff": diff}
print(json.dumps(out))
"""


def changed_lines(diff: str) -> list[str]:
    return [
        line
        for line in diff.splitlines()
        if line[:1] in "+-" and not line.startswith(("+++", "---"))
    ]


def run_module(module: Module, max_children: int, keep: bool) -> dict[str, object]:
    folder = Path(tempfile.mkdtemp(prefix=f"mutation-{module.key}-"))
    started = time.monotonic()
    try:
        copy_project(folder)
        write_config(folder, module)
        add_test_database_per_process(folder)
        if module.functions:
            restrict_to_functions(folder / module.path, module.functions)
        env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "CI")}
        env["PYTHONDONTWRITEBYTECODE"] = "1"
        env["STIMME_VAR_DIR"] = str(folder / "var")
        log = folder / "mutmut.log"
        with log.open("w") as out:
            result = subprocess.run(
                [str(BIN / "mutmut"), "run", "--max-children", str(max_children)],
                cwd=folder,
                env=env,
                stdout=out,
                stderr=subprocess.STDOUT,
                check=False,
            )
        if result.returncode != 0:
            tail = log.read_text(errors="replace")[-3000:]
            raise RuntimeError(f"mutmut failed for {module.path}:\n{tail}")
        report = subprocess.run(
            [str(BIN / "python"), "-c", MUTMUT_REPORT, module.path],
            cwd=folder,
            env=env,
            check=True,
            capture_output=True,
            text=True,
        )
        mutants: dict[str, dict[str, object]] = json.loads(report.stdout)
    finally:
        if keep:
            print(f"  kept {folder}", file=sys.stderr)
        else:
            shutil.rmtree(folder, ignore_errors=True)
    counts: dict[str, int] = {}
    survivors = []
    for name, info in sorted(mutants.items(), key=lambda kv: _mutant_order(kv[0])):
        status = STATUS.get(int(str(info["exit_code"])), "suspicious")
        counts[status] = counts.get(status, 0) + 1
        if status == "survived":
            survivors.append({"id": name, "diff": changed_lines(str(info["diff"]))})
    return {
        "module": module.path,
        "tests": list(module.tests),
        "functions": list(module.functions),
        "total": len(mutants),
        "counts": counts,
        "seconds": round(time.monotonic() - started),
        "survivors": survivors,
    }


def _mutant_order(name: str) -> tuple[str, int]:
    head, _, number = name.rpartition("_")
    return head, int(number) if number.isdigit() else 0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--module", action="append", choices=[m.key for m in MODULES])
    parser.add_argument("--max-children", type=int, default=os.cpu_count() or 2)
    parser.add_argument("--json", type=Path, help="also write the report as JSON")
    parser.add_argument("--keep", action="store_true", help="keep the temporary copies")
    args = parser.parse_args()
    chosen = [m for m in MODULES if not args.module or m.key in args.module]
    reports = []
    for module in chosen:
        print(f"== {module.path} ({', '.join(module.tests)})", flush=True)
        report = run_module(module, args.max_children, args.keep)
        reports.append(report)
        counts = report["counts"]
        assert isinstance(counts, dict)
        print(
            f"   mutants {report['total']}: killed {counts.get('killed', 0)}, "
            f"survived {counts.get('survived', 0)}, timeout {counts.get('timeout', 0)}"
            + "".join(
                f", {k} {v}"
                for k, v in counts.items()
                if k not in ("killed", "survived", "timeout")
            )
            + f"  ({report['seconds']} s)",
            flush=True,
        )
        survivors = report["survivors"]
        assert isinstance(survivors, list)
        for survivor in survivors:
            print(f"   survived {survivor['id']}")
            for line in survivor["diff"]:
                print(f"       {line.strip()}")
    print()
    print(f"{'module':40} {'total':>6} {'killed':>7} {'survived':>9} {'timeout':>8}")
    for report in reports:
        counts = report["counts"]
        assert isinstance(counts, dict)
        print(
            f"{report['module']:40} {report['total']:>6} {counts.get('killed', 0):>7} "
            f"{counts.get('survived', 0):>9} {counts.get('timeout', 0):>8}"
        )
    if args.json:
        args.json.write_text(json.dumps(reports, indent=2) + "\n")


if __name__ == "__main__":
    main()
