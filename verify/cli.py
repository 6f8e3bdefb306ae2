"""``batchproof``: a thin command-line layer over the library.

Exit codes: 0 success; 1 a claim failed / a harness comparison was rejected / a claim
survived mutation / generated code is stale; 2 bad usage or unusable input (one line on
stderr, checked before any work); 3 an internal error (a bug: its traceback is printed).
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path
from typing import Sequence

from verify.core.errors import InputError

__all__ = ["main"]


class UsageError(Exception):
    pass


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # one line, exit 2
        raise UsageError(f"{self.prog}: error: {message}")


def _positive_int(s: str) -> int:
    try:
        v = int(s)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a positive integer, got {s!r}") from None
    if v < 1:
        raise argparse.ArgumentTypeError(f"expected a positive integer, got {s!r}")
    if v > 2**31 - 1:
        raise argparse.ArgumentTypeError(f"expected a positive integer below 2**31, got {s!r}")
    return v


MAX_REPLICAS = 2**31 - 1

# Replicas per chunk when --replicas is given without --chunk: every experiment's default
# replica count fits in one chunk (so default runs are unchanged), and a larger count is
# streamed chunk by chunk in bounded memory instead of allocating it all at once.
DEFAULT_LARGE_CHUNK = 2**20


def _max_workers() -> int:
    """Processes or threads a command may start: 4 per CPU core (at least 4)."""
    return 4 * max(1, os.cpu_count() or 1)


def _workers(s: str) -> int:
    """A process or thread count: positive and at most 4 per CPU core."""
    v = _positive_int(s)
    if v > _max_workers():
        raise argparse.ArgumentTypeError(
            f"at most {_max_workers()} (4 per CPU core on this machine), got {s!r}")
    return v


def _replicas(s: str) -> int:
    """A replica count: at least 2 (a standard error needs two) and below 2**31."""
    try:
        v = int(s)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected an integer replica count, got {s!r}") from None
    if v < 2:
        raise argparse.ArgumentTypeError(f"a standard error needs at least 2 replicas, got {s!r}")
    if v > MAX_REPLICAS:
        raise argparse.ArgumentTypeError(f"at most {MAX_REPLICAS} replicas, got {s!r}")
    return v


def _seed(s: str) -> int:
    try:
        v = int(s)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a non-negative integer seed, got {s!r}") from None
    if v < 0 or v >= 2**63:
        raise argparse.ArgumentTypeError(f"seed must be in [0, 2**63), got {s!r}")
    return v


def _alpha(s: str) -> float:
    try:
        v = float(s)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a level in (0, 1), got {s!r}") from None
    if not 0 < v < 1:
        raise argparse.ArgumentTypeError(f"expected a level in (0, 1), got {s!r}")
    return v


def _topics_epilog() -> str:
    """The topics (one per paper) and the commands they contribute, for ``--help``."""
    import importlib

    from verify.core import topics as T

    lines = ["topics (--topic T; one per paper):"]
    for t in T.names(with_part="claims"):
        doc = (importlib.import_module(f"{T.PACKAGE}.{t}").__doc__ or "").strip().splitlines()
        lines.append(f"  {t:<14}{doc[0] if doc else ''}")
    cmds = topic_commands()
    if cmds:
        lines.append("topic commands (batchproof COMMAND --help for each):")
        lines += [f"  {name:<14}{help_}" for name, (help_, _a, _r) in cmds.items()]
    lines += ["exit codes: 0 success; 1 a claim failed, a Monte-Carlo comparison was rejected, a claim",
              "  survived mutation or generated code is stale; 2 bad usage or unusable input (one line);",
              "  3 an internal error (a bug; its traceback is printed)"]
    return "\n".join(lines)


def build_parser() -> argparse.ArgumentParser:
    p = _Parser(prog="batchproof", description=__doc__.splitlines()[0], epilog=_topics_epilog(),
                formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = p.add_subparsers(dest="cmd", required=True, parser_class=_Parser, metavar="COMMAND")

    c = sub.add_parser("check", help="decide every claim (symbolic + numeric)")
    c.add_argument("--topic", help="only this topic (e.g. interpolation)")
    c.add_argument("--json", metavar="FILE", help="write results JSON to FILE ('-' for stdout)")
    c.add_argument("--junit-xml", metavar="FILE", help="write JUnit XML to FILE")
    c.add_argument("--quiet", action="store_true", help="no table, only the summary line")
    c.add_argument("--mutate", action="store_true",
                   help="also perturb each claim's thing under test and report which claims "
                        "change verdict (killed); exit 1 if any survives without a listed exemption")
    c.add_argument("--jobs", type=_workers, default=None,
                   help="worker processes deciding claims, and for --mutate (default: the CPUs this "
                        "process may use; 1 decides in this process)")
    c.add_argument("--harness-results", metavar="DIR", default=None,
                   help="attach the Monte-Carlo results in DIR/harness_<topic>.json to their claims")

    g = sub.add_parser("generate", help="emit verify/generated/ from the manifest")
    g.add_argument("--check", action="store_true", help="fail with a diff if committed files are stale")

    h = sub.add_parser("harness", help="Monte-Carlo validation on torch")
    h.add_argument("--topic", help="only this topic")
    h.add_argument("--device", default="auto", help="auto (cuda if available), cpu, cuda[:N]")
    h.add_argument("--replicas", type=_replicas,
                   help="replica count (default per experiment); without --chunk, counts above "
                        f"{DEFAULT_LARGE_CHUNK} are streamed in chunks of {DEFAULT_LARGE_CHUNK}")
    size = h.add_mutually_exclusive_group()
    size.add_argument("--quick", action="store_true", help="the light variant (minutes on a CPU)")
    size.add_argument("--full", action="store_true",
                      help="the full variant even on a CPU (default: full on CUDA, light on CPU)")
    h.add_argument("--seed", type=_seed, default=20261125)
    h.add_argument("--alpha", type=_alpha, default=0.01, help="family-wise level (Holm)")
    h.add_argument("--out", default=None, help="results folder (default ./results)")
    h.add_argument("--resume", action="store_true",
                   help="on SIGINT/SIGTERM save the streaming state to results/.harness_<topic>.ckpt "
                        "and stop; rerun the same command to resume (the result is bit-identical)")
    h.add_argument("--chunk", type=_positive_int, default=None,
                   help="replicas per chunk (chunk k uses seed + k); fixes results across process counts")
    h.add_argument("--threads", type=_workers, default=None,
                   help="torch intra-op threads (1 is much faster on a loaded shared CPU)")
    h.add_argument("--jobs", type=_workers, default=None,
                   help="topics run side by side in this many worker processes (default on a CPU: the "
                        "CPUs available, each worker with CPUs/jobs torch threads; on CUDA: 1)")
    h.add_argument("--distributed", action="store_true",
                   help="shard replicas across torchrun ranks; the entry point is "
                        "'torchrun --nproc-per-node N -m verify.harness.distributed [--topic T] [--chunk C] ...' "
                        "(README, 'Harness at scale'); this flag hands over to it when already under torchrun")

    b = sub.add_parser("book", help="build the Jupyter Book (offline)")
    b.add_argument("--path", default="book", help="book folder")

    a = sub.add_parser("all", help="the main job: generate --check, check, harness, book")
    asize = a.add_mutually_exclusive_group()
    asize.add_argument("--quick", action="store_true", help="harness light variant")
    asize.add_argument("--full", action="store_true", help="harness full variant even on a CPU")
    a.add_argument("--device", default="auto")
    a.add_argument("--seed", type=_seed, default=20261125)

    for name, (help_, add_arguments, _run) in topic_commands().items():
        add_arguments(sub.add_parser(name, help=help_))
    return p


def topic_commands() -> dict:
    """Commands that topics contribute (``COMMANDS`` in ``verify.topics.<topic>.cli``)."""
    from verify.core import topics as T

    out: dict = {}
    for t in T.names(with_part="cli"):
        out.update(getattr(T.part(t, "cli"), "COMMANDS", {}))
    return out


EXTRAS = {"torch": "harness", "jupyter_book": "book"}


def require_extra(module: str, command: str) -> None:
    """Exit 2 with one line, before any work, when ``command`` needs an optional extra that is
    not installed (``pip install -e .`` installs what ``check``, ``generate``, ``advise`` and
    ``deep-linear`` need; ``harness`` needs ``.[harness]``, ``book`` ``.[book]``)."""
    import importlib.util

    if importlib.util.find_spec(module) is None:
        extra = EXTRAS[module]
        raise UsageError(f"batchproof {command}: error: needs {module}, which is not installed: "
                         f"python3 -m pip install -e \".[{extra}]\" (or \".[all]\")")


def _out_of_memory(e: BaseException) -> bool:
    """Whether ``e`` is an allocation failure (torch's CPU allocator raises a RuntimeError)."""
    if isinstance(e, MemoryError):
        return True
    return type(e).__name__ == "OutOfMemoryError" or "can't allocate memory" in str(e) \
        or "out of memory" in str(e).lower()


def _cmd_generate(args) -> int:
    from verify.core import codegen

    if args.check:
        diff = codegen.check()
        if diff:
            sys.stdout.write(diff)
            print("batchproof generate --check: committed generated code is stale; run 'batchproof generate'",
                  file=sys.stderr)
            return 1
        print("generated code is fresh")
        return 0
    from verify.core.results import check_output_dir

    check_output_dir(codegen.GENERATED_DIR, "generated code folder")
    for p in codegen.generate():
        print(f"wrote {p.relative_to(Path.cwd()) if p.is_relative_to(Path.cwd()) else p}")
    return 0


def _cmd_check(args) -> int:
    from rich.console import Console
    from rich.markup import escape
    from rich.progress import Progress
    from rich.table import Table

    from verify.core.claims import Strength, Verdict, default_jobs, registry, run_claims
    from verify.core.report import junit_xml
    from verify.core.results import atomic_write_text, attach_montecarlo, provenance, write_json

    from verify.core.results import check_output_dir, check_output_path

    claims = registry(args.topic)  # an unknown topic: one line, exit 2, before any work
    if args.json and args.json != "-":
        check_output_path(args.json, "--json")
    if args.junit_xml:
        check_output_path(args.junit_xml, "--junit-xml")
    if args.harness_results:
        check_output_dir(args.harness_results, "--harness-results")
    console = Console(stderr=args.json == "-")
    t0 = time.perf_counter()
    with Progress(console=console, transient=True, disable=args.quiet) as prog:
        task = prog.add_task("checking claims", total=len(claims))
        results = run_claims(claims, progress=lambda r: prog.advance(task), jobs=args.jobs or default_jobs(),
                             hints=_timing_hints())
    wall = time.perf_counter() - t0
    if args.harness_results:
        attach_montecarlo(results, Path(args.harness_results))
    counts = {v.value: sum(r.verdict is v for r in results) for v in Verdict}
    strengths = {s.value: sum(r.strength.strength is s for r in results if r.verdict.ok)
                 for s in Strength if s is not Strength.NONE}
    if not args.quiet:
        table = Table(title=f"batchproof check: {len(results)} claims")
        for col in ("claim", "where", "verdict", "strength", "s"):
            table.add_column(col)
        style = {Verdict.HOLDS: "green", Verdict.ERRATUM: "yellow", Verdict.FAILED: "bold red"}
        for r in results:
            table.add_row(escape(r.claim.id), escape(r.claim.where), f"[{style[r.verdict]}]{r.verdict.value}",
                          escape(strength_text(r)), f"{r.seconds:.2f}")
        console.print(table)
        for r in results:
            if not r.verdict.ok:
                console.print(f"[bold red]FAILED[/] {escape(r.claim.id)}: {escape(r.reason)}")
    summary = (", ".join(f"{n} {k}" for k, n in counts.items())
               + " (" + ", ".join(f"{n} {k}" for k, n in strengths.items()) + f") in {wall:.1f} s")
    console.print(summary)
    data = {"summary": counts, "strength": strengths, "wall_seconds": wall, "provenance": provenance(),
            "claims": [r.to_json() for r in results]}
    ok = all(r.verdict.ok for r in results)
    if args.mutate:
        from verify.core.mutation import mutate_all

        t1 = time.perf_counter()
        jobs = args.jobs or default_jobs()
        with Progress(console=console, transient=True, disable=args.quiet) as prog:
            task = prog.add_task("mutating claims", total=len(results))
            muts = mutate_all(results, jobs=jobs, progress=lambda m: prog.advance(task))
        mwall = time.perf_counter() - t1
        by = {k: [m for m in muts if m.status == k] for k in ("killed", "exempt", "survived", "no mark")}
        for m in by["survived"] + by["no mark"]:
            console.print(f"[bold red]{m.status.upper()}[/] {escape(m.claim_id)}: {escape(m.to_json()['reason'])}")
        if not args.quiet:
            for m in by["exempt"]:
                console.print(f"[cyan]exempt[/] {escape(m.claim_id)}: {escape(m.exempt or '')}")
        console.print(f"mutation: {len(by['killed'])} killed, {len(by['exempt'])} exempt, "
                      f"{len(by['survived'])} survived, {len(by['no mark'])} without a mark "
                      f"of {len(muts)} claims in {mwall:.1f} s")
        data["mutation"] = {"operators": ["scale", "shift", "negate"], "wall_seconds": mwall, "jobs": jobs,
                            "summary": {k: len(v) for k, v in by.items()},
                            "claims": [m.to_json() for m in muts]}
        ok = ok and not by["survived"] and not by["no mark"]
    if args.json == "-":
        print(json.dumps(data, indent=2, default=str))
    elif args.json:
        write_json(args.json, data)
    if args.junit_xml:
        atomic_write_text(args.junit_xml, junit_xml(results, wall))
    return 0 if ok else 1


def _timing_hints() -> dict[str, float]:
    """Seconds per claim from the last ``results/check.json`` (they only order the parallel
    work; missing or unreadable: none)."""
    from verify.core.results import RESULTS_DIR

    try:
        with open(Path(RESULTS_DIR) / "check.json", encoding="utf-8") as f:
            return {c["id"]: float(c["seconds"]) for c in json.load(f).get("claims", [])}
    except Exception:  # noqa: BLE001 - hints are optional
        return {}


def strength_text(r) -> str:
    """A result's strength for a table cell: 'proved', 'verified (N instances)', 'empirical'."""
    from verify.core.claims import Strength

    s = r.strength
    if s.strength is Strength.VERIFIED and s.instances:
        return f"verified ({s.instances})"
    return s.strength.value


def _cmd_harness(args) -> int:
    from rich.console import Console
    from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn

    require_extra("torch", "harness")  # before anything imports torch
    from verify.harness import HarnessConfig, experiment_topics, run_topic

    topics = [args.topic] if args.topic else experiment_topics()
    known = experiment_topics()
    for t in topics:
        if t not in known:
            raise UsageError(f"batchproof harness: error: unknown topic {t!r} (known: {', '.join(known)})")
    from verify.core.results import RESULTS_DIR, check_output_dir
    from verify.harness import resolve_device

    device = resolve_device(args.device)
    check_output_dir(args.out or RESULTS_DIR, "--out" if args.out else "results folder")
    quick = args.quick or (not args.full and device == "cpu")  # default size: full on CUDA only
    if args.distributed:
        from verify.harness import distributed

        argv = ["--device", args.device, "--seed", str(args.seed), "--alpha", str(args.alpha)]
        argv += ["--topic", args.topic] if args.topic else []
        argv += ["--replicas", str(args.replicas)] if args.replicas else []
        argv += ["--quick"] if quick else []
        argv += ["--out", args.out] if args.out else []
        argv += ["--chunk", str(args.chunk)] if args.chunk else []
        argv += ["--resume"] if args.resume else []
        return distributed.main(argv)  # exit 2 with one line when not under torchrun
    if args.threads:
        import torch

        torch.set_num_threads(args.threads)
    from verify.harness.distributed import set_default_chunk
    from verify.harness.distributed import run_topic_resumable

    if args.chunk is None and args.replicas and args.replicas > DEFAULT_LARGE_CHUNK:
        set_default_chunk(DEFAULT_LARGE_CHUNK)  # stream a large count in bounded memory
    else:
        set_default_chunk(args.chunk)
    runner = run_topic_resumable if args.resume else run_topic
    cfg = HarnessConfig(device=device, replicas=args.replicas, quick=quick,
                        seed=args.seed, alpha=args.alpha)
    console = Console()
    ok = True

    def report(t, rep) -> None:
        nonlocal ok
        d = rep["decision"]
        status = "[green]passed" if d["passed"] else "[bold red]FAILED"
        console.print(f"{t}: {status}[/] — {d['n_comparisons']} comparisons, {d['n_rejected']} rejected "
                      f"(Holm, alpha={d['family_wise_alpha']}); device {rep['provenance']['device']}; "
                      f"{rep['provenance']['wall_seconds']:.1f} s -> {rep['path']}")
        if rep.get("unresolved"):
            console.print(f"  {len(rep['unresolved'])} values unresolved (Monte-Carlo could not resolve them; "
                          f"see 'unresolved' in the results file)")
        for c in rep["comparisons"]:
            if c["rejected"]:
                console.print(f"  [red]rejected[/] {c['name']}: estimate {c['estimate']:.6g} ± {c['sem']:.2g}, "
                              f"predicted {c['predicted']:.6g}, z = {c['z']:.2f}")
        ok &= d["passed"]

    def oom(t, e) -> InputError:
        return InputError(f"harness {t}: out of memory on {device} with --replicas "
                          f"{args.replicas or 'default'} and --chunk {args.chunk or 'default'}: "
                          f"lower --replicas or --chunk")

    from verify.core.claims import default_jobs

    cpus = default_jobs()
    jobs = min(len(topics), args.jobs or (cpus if device == "cpu" else 1))
    if jobs > 1:  # whole topics side by side, one per worker process
        from verify.harness.pool import run_topics_parallel, timing_hints

        out_dir = args.out or RESULTS_DIR
        with Progress(TextColumn("[bold]{task.description}"), BarColumn(), TextColumn("{task.fields[msg]}"),
                      TimeElapsedColumn(), console=console, transient=True) as prog:
            tasks = {t: prog.add_task(t, total=1.0, msg="waiting", start=False) for t in topics}

            def done(t, rep):
                prog.update(tasks[t], completed=1.0, visible=False)
                report(t, rep)

            try:
                run_topics_parallel(
                    topics, cfg, args.out, args.resume, jobs, args.threads or max(1, cpus // jobs),
                    DEFAULT_LARGE_CHUNK if args.chunk is None and args.replicas and args.replicas > DEFAULT_LARGE_CHUNK
                    else args.chunk, timing_hints(topics, out_dir),
                    on_start=lambda t: prog.start_task(tasks[t]),
                    on_progress=lambda t, msg, frac: prog.update(tasks[t], completed=frac, msg=msg),
                    on_done=done)
            except (MemoryError, RuntimeError) as e:
                if not _out_of_memory(e):
                    raise
                raise oom("topics", e) from None
        return 0 if ok else 1
    for t in topics:
        with Progress(TextColumn("[bold]{task.description}"), BarColumn(), TextColumn("{task.fields[msg]}"),
                      TimeElapsedColumn(), console=console, transient=True) as prog:
            task = prog.add_task(t, total=1.0, msg="")
            try:
                rep = runner(t, cfg, Path(args.out) if args.out else None,
                             progress=lambda msg, frac, _t=task: prog.update(_t, completed=frac, msg=msg))
            except (MemoryError, RuntimeError) as e:
                if not _out_of_memory(e):
                    raise
                raise oom(t, e) from None
        report(t, rep)
    return 0 if ok else 1


def _book_inputs_stamp(results: Path) -> str:
    """SHA-256 over what the book's pages read besides their own source: the results files
    (``check.json``, ``harness_*.json``) and the Python code they import (not the CLI and
    the browser helpers, which no page imports)."""
    import hashlib

    h = hashlib.sha256()
    root = Path(__file__).resolve().parents[1]
    files = [results / "check.json", *sorted(results.glob("harness_*.json")),
             *sorted(f for f in (root / "verify").rglob("*.py") if f.name not in ("cli.py", "browser.py")),
             *sorted((root / "derivations").rglob("*.py")),
             *sorted((root / "examples").glob("*.py"))]
    for f in files:
        h.update(str(f.name).encode())
        try:
            h.update(f.read_bytes())
        except OSError:
            h.update(b"-")
    return h.hexdigest()


def _cmd_book(args) -> int:
    """Build the book from the results the main job wrote (``results/check.json``, deciding
    the claims once first when it is missing or stale), with one progress display; the
    Sphinx/Jupyter Book log goes to ``_build/build.log`` and only its warnings and errors
    are shown. Then a screenshot of every page in ``_build/screenshots/``."""
    import re

    from rich.console import Console
    from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn

    path = Path(args.path)
    if not (path / "_config.yml").exists():
        raise UsageError(f"batchproof book: error: no Jupyter Book at {str(path)!r} (missing _config.yml)")
    results = Path("results").resolve()
    root = Path(__file__).resolve().parents[1]  # the checkout whose code the book imports
    env = {**os.environ, "BATCHPROOF_RESULTS": str(results),
           "PYTHONPATH": os.pathsep.join([str(root), *filter(None, [os.environ.get("PYTHONPATH")])]),
           "PYDEVD_DISABLE_FILE_VALIDATION": "1", "PYTHONUNBUFFERED": "1"}  # live progress
    console = Console(soft_wrap=True)
    from verify.core.book import results_status

    os.environ["BATCHPROOF_RESULTS"] = str(results)
    why = results_status(results)
    if why is not None:  # the book never decides a claim: the main job's check does, once
        console.print(f"book: {why}; deciding the claims once (batchproof check)")
        results.mkdir(exist_ok=True)
        rc = main(["check", "--quiet", "--json", str(results / "check.json")])
        if rc not in (0, 1):
            return rc
    build = path / "_build"
    build.mkdir(parents=True, exist_ok=True)
    # jupyter-cache keys a page on its own source only: when the results or the code the
    # pages import change, the cached outputs are stale, so the cache goes
    stamp, stamp_path = _book_inputs_stamp(results), build / "inputs.sha256"
    if not stamp_path.exists() or stamp_path.read_text().strip() != stamp:
        shutil.rmtree(build / ".jupyter_cache", ignore_errors=True)
    log_path = build / "build.log"
    # jupyter-book's command line builds with one Sphinx job; the pages are read (their notebooks
    # executed) in as many processes as there are CPUs (at most 4), through its own build function
    from verify.core.claims import default_jobs

    jobs = min(4, default_jobs())
    launcher = ("import sys; import jupyter_book.sphinx as s; from jupyter_book.cli.main import main; "
                f"b = s.build_sphinx; s.build_sphinx = lambda *a, **k: b(*a, **{{**k, 'jobs': {jobs}}}); main()")
    cmd = [sys.executable, "-c", launcher,
           "build", str(path), "-W", "-n", "--keep-going", "--all"]  # --all: every page rewritten;
    # notebook execution is still cached by jupyter-cache, so an unchanged page is not re-executed
    n_pages = max(1, sum(1 for _ in path.rglob("*.md")) - sum(1 for _ in build.rglob("*.md")))
    ansi = re.compile(r"\x1b\[[0-9;]*m")
    stage = re.compile(r"^(reading sources|writing output)\.\.\. \[\s*(\d+)%\] (\S+)")
    problems: list[str] = []
    t0 = time.perf_counter()
    with open(log_path, "w", encoding="utf-8", buffering=1) as log, \
            Progress(TextColumn("[bold]book"), BarColumn(), TextColumn("{task.percentage:>3.0f}%"),
                     TimeElapsedColumn(), TextColumn("{task.fields[msg]}"), console=console,
                     transient=True) as prog:
        task = prog.add_task("book", total=100.0, msg=f"starting ({n_pages} pages)")
        proc = subprocess.Popen(cmd, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                                text=True, errors="replace", bufsize=1)
        assert proc.stdout is not None
        for raw in proc.stdout:
            log.write(raw)
            line = ansi.sub("", raw).rstrip()
            m = stage.match(line)
            if m:  # reading (= executing the notebooks) is nearly all the time
                frac = int(m.group(2)) / 100
                done = 90 * frac if m.group(1) == "reading sources" else 90 + 10 * frac
                verb = "executing" if m.group(1) == "reading sources" else "writing"
                prog.update(task, completed=done, msg=f"{verb} {m.group(3)}")
            elif re.search(r"\b(WARNING|ERROR|CRITICAL)\b|Traceback|Error:", line) \
                    and "Kernel is running over TCP" not in line:
                problems.append(line)
        rc = proc.wait()
        prog.update(task, completed=100.0, msg="done")
    secs = time.perf_counter() - t0
    for line in problems[:40]:
        console.print(line, markup=False, highlight=False)
    if rc:
        console.print(f"book: the build FAILED after {secs:.0f} s ({len(problems)} warnings/errors); "
                      f"full log: {log_path}", markup=False, highlight=False)
        return 1
    stamp_path.write_text(stamp + "\n")
    html = path / "_build" / "html"
    console.print(f"book: built in {secs:.0f} s; log: {log_path}", markup=False, highlight=False)
    from verify.core.browser import find_chromium, screenshot_pages

    if find_chromium():
        t1 = time.perf_counter()
        try:
            shots = screenshot_pages(html, path / "_build" / "screenshots")
        except Exception as e:  # noqa: BLE001 -- screenshots are a by-product: the book is built
            console.print(f"book: screenshots failed: {type(e).__name__}: {str(e).splitlines()[0] if str(e) else ''}",
                          markup=False, highlight=False)
        else:
            console.print(f"book: {len(shots)} screenshots in {time.perf_counter() - t1:.0f} s -> "
                          f"{path / '_build' / 'screenshots'}", markup=False, highlight=False)
    else:
        console.print("book: no Chromium installed: screenshots skipped (apt-get install chromium)")
    console.print(f"book: {(html / 'index.html').resolve()}", markup=False, highlight=False)
    return 0


def _cmd_all(args) -> int:
    from verify.core.results import check_output_dir
    from verify.harness import resolve_device

    require_extra("torch", "all")  # the main job needs the harness and book extras: say so first
    require_extra("jupyter_book", "all")
    resolve_device(args.device)  # an unknown or absent device: one line, exit 2, before any work
    check_output_dir("results", "results folder")
    Path("results").mkdir(exist_ok=True)
    if not (Path("book") / "_config.yml").exists():
        raise UsageError("batchproof all: error: no Jupyter Book at 'book' (run from the checkout's root)")
    steps = [
        ("generate --check", ["generate", "--check"]),
        ("check", ["check", "--json", "results/check.json", "--junit-xml", "results/check-junit.xml"]),
        ("harness", ["harness", "--device", args.device, "--seed", str(args.seed), "--resume"]
         + (["--quick"] if args.quick else []) + (["--full"] if args.full else [])),
        ("attach Monte-Carlo", None),
        ("book", ["book"]),
    ]
    rc_all = 0
    for name, argv in steps:
        print(f"== batchproof {name}", flush=True)
        if argv is None:  # the harness results become evidence on the claims in check.json
            from verify.core.results import attach_montecarlo_file

            n = attach_montecarlo_file(Path("results/check.json"), Path("results"))
            print(f"Monte-Carlo results attached to {n} claims in results/check.json")
            continue
        rc = main(argv)
        rc_all = rc_all or rc
        if rc and name == "generate --check":
            return rc
    book = Path("book/_build/html/index.html").resolve()
    print(f"the book is at {book}" if book.exists() else "the book was not built")
    return rc_all


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
        handlers = {"check": _cmd_check, "generate": _cmd_generate, "harness": _cmd_harness,
                    "book": _cmd_book, "all": _cmd_all}
        if args.cmd not in handlers:
            return topic_commands()[args.cmd][2](args)
        return handlers[args.cmd](args)
    except UsageError as e:
        print(str(e).splitlines()[0], file=sys.stderr)
        return 2
    except InputError as e:  # unusable input that only the library can judge
        print(f"batchproof: error: {str(e).splitlines()[0]}", file=sys.stderr)
        return 2
    except KeyboardInterrupt as e:
        print(f"batchproof: interrupted{': ' + str(e) if str(e) else ''}", file=sys.stderr)
        return 130
    except BrokenPipeError:  # the reader went away (e.g. piped to head): stop quietly
        try:
            sys.stdout = open(os.devnull, "w")
        except OSError:
            pass
        return 0
    except Exception:  # a bug: say so, with the traceback, and a code of its own
        import traceback

        traceback.print_exc()
        print("batchproof: internal error (a bug in batchproof; the traceback is above)", file=sys.stderr)
        return 3


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
