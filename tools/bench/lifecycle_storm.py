#!/usr/bin/env python3
"""Process-lifecycle storm benchmark: what does tracing cost, and does the tracer lose exits?

For each of two storms run at the machine's maximum rate by N worker processes for a fixed time —

  fork+exit       a child that _exit(0)s at once
  fork+exec+exit  the child execs a tiny static helper (comm "aiops-storm-x") that exits 0

— this measures, back to back on the same machine:

  untraced        the storm alone, run before and after every tracer run: each tracer row is
                  compared with the mean of its two neighbours, so drift on a shared machine
                  cancels out as far as it can
  aiops           `aiops trace --backend bpf`, default event types, table output to a file
  aiops --json    the same with --json
  exitsnoop       libbpf-tools' /usr/sbin/exitsnoop, output to a file (the reference peer)

and reports, per tracer: storm rate as % of untraced, tracer CPU µs per spawned process (during
the storm window, and over the tracer's whole life), peak RSS, and spawned vs exits captured vs
drops the tracer admitted to. The issue's targets are printed as PASS/FAIL next to the results:
rate >= 95% of untraced, aiops CPU/spawn <= exitsnoop's, peak RSS <= 30 MB, and no silent loss
(captured + dropped >= spawned).

Needs root (BPF). Python 3.11 standard library only; the storm generator (storm.c next to this
file) is compiled with `cc -O2` into a temporary directory at each run.

    python3 tools/bench/lifecycle_storm.py --aiops .build/release/aiops --seconds 10 --repeat 3
    make bench BENCH_ARGS="--markdown --json-out /tmp/bench.json"
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[2]
STORM_SOURCE = Path(__file__).resolve().parent / "storm.c"
EXITSNOOP = "/usr/sbin/exitsnoop"

# Comms of the storm's children (see storm.c): fork children inherit the worker's "aiops-storm";
# exec children take the helper's file name. A failed exec exits as "aiops-storm", so both count.
STORM_COMMS = {"aiops-storm", "aiops-storm-x"}
HELPER_NAME = "aiops-storm-x"

STORMS = {"fork+exit": "fork", "fork+exec+exit": "exec"}

# The targets.
TARGET_RATE_PERCENT = 95.0
TARGET_PEAK_RSS_MB = 30.0

# After the storm the tracer gets this long to drain what the kernel queued before SIGINT.
DRAIN_SECONDS = 0.5
# exitsnoop's stdout is block-buffered into a file, so its header cannot signal readiness: wait
# at least this long after it has attached (bpf_link / perf_event fds).
EXITSNOOP_MIN_STARTUP_SECONDS = 1.5
EXITSNOOP_MAX_STARTUP_SECONDS = 5.0
STARTUP_TIMEOUT_SECONDS = 30.0
SHUTDOWN_TIMEOUT_SECONDS = 60.0

CLOCK_TICKS = os.sysconf("SC_CLK_TCK")

# Above these, say that rate comparisons are not to be trusted (the slowdowns measured are ~5%).
NOISY_FOREIGN_CPU_PERCENT = 10.0
NOISY_SPREAD_PERCENT = 10.0


# ── the storm ────────────────────────────────────────────────────────────────────────────────


@dataclass
class StormBinaries:
    storm: Path
    helper: Path
    helper_static: bool


@dataclass
class StormResult:
    spawned: int
    failed: int
    fork_errors: int
    elapsed_s: float
    worker_pids: list[int]
    # CPU of the generator, its workers and their children (all reaped, so wait4 sees them):
    # the BPF programs run in these processes' context, so this is where in-kernel cost shows.
    storm_cpu_s: float
    # Busy and stolen CPU of the whole machine while the storm ran (/proc/stat), to tell how much
    # of it went to other people's processes: the machines are shared, and a neighbour's build
    # moves the storm rate by more than any tracer does.
    machine_busy_cpu_s: float
    machine_steal_cpu_s: float

    @property
    def rate(self) -> float:
        return self.spawned / self.elapsed_s if self.elapsed_s > 0 else 0.0


def compile_generator(source: Path, binary: Path, helper: Path, helper_define: str) -> bool:
    """Builds a load generator and its exec helper (the same C file, built with `helper_define`);
    the helper static if libc.a is there (a cheaper exec). Returns whether it is static."""
    subprocess.run(["cc", "-O2", "-Wall", "-o", str(binary), str(source)], check=True)
    helper_command = ["cc", "-O2", f"-D{helper_define}", "-o", str(helper), str(source)]
    static = subprocess.run(helper_command[:2] + ["-static"] + helper_command[2:], capture_output=True).returncode == 0
    if not static:
        subprocess.run(helper_command, check=True)
    return static


def compile_storm(workdir: Path) -> StormBinaries:
    storm, helper = workdir / "storm", workdir / HELPER_NAME
    static = compile_generator(STORM_SOURCE, storm, helper, "STORM_HELPER")
    return StormBinaries(storm=storm, helper=helper, helper_static=static)


def read_machine_cpu_seconds() -> tuple[float, float]:
    """(busy, steal) CPU seconds of all CPUs since boot, from the first line of /proc/stat."""
    fields = [int(value) for value in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
    user, nice, system, _idle, _iowait, irq, softirq, steal = fields[:8]
    return (user + nice + system + irq + softirq) / CLOCK_TICKS, steal / CLOCK_TICKS


def run_storm(binaries: StormBinaries, mode: str, seconds: float, workers: int) -> StormResult:
    command = [str(binaries.storm), mode, str(seconds), str(workers)]
    if mode == "exec":
        command.append(str(binaries.helper))
    busy_before, steal_before = read_machine_cpu_seconds()
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    stdout, stderr = process.stdout.read(), process.stderr.read()  # stderr: a usage line at most
    process.stdout.close()
    process.stderr.close()
    # wait4 rather than Popen.wait: its rusage is the storm's CPU, children included.
    _, status, usage = os.wait4(process.pid, 0)
    busy_after, steal_after = read_machine_cpu_seconds()
    process.returncode = os.waitstatus_to_exitcode(status)  # so Popen does not wait again
    if process.returncode != 0:
        raise RuntimeError(f"storm {mode} failed ({process.returncode}): {stderr.strip()}")
    fields = dict(item.split("=", 1) for item in stdout.split())
    return StormResult(
        spawned=int(fields["spawned"]),
        failed=int(fields["failed"]),
        fork_errors=int(fields["fork_errors"]),
        elapsed_s=float(fields["elapsed"]),
        worker_pids=[int(pid) for pid in fields["workers"].split(",")],
        storm_cpu_s=usage.ru_utime + usage.ru_stime,
        machine_busy_cpu_s=busy_after - busy_before,
        machine_steal_cpu_s=steal_after - steal_before,
    )


def foreign_cpu_percent(storm: StormResult, tracer_cpu_s: float = 0.0) -> float:
    """Share of the machine's CPUs used by neither the storm nor the tracer during a storm."""
    foreign = storm.machine_busy_cpu_s - storm.storm_cpu_s - tracer_cpu_s
    return max(0.0, 100 * foreign / (storm.elapsed_s * os.cpu_count()))


# ── tracers ──────────────────────────────────────────────────────────────────────────────────


@dataclass
class TracerSpec:
    name: str
    command: list[str]
    kind: str  # "aiops-table", "aiops-json" or "exitsnoop": how to detect readiness and parse


@dataclass
class CaptureCount:
    """What a tracer's output says about the storm's children."""

    captured: int = 0  # exits with a storm comm whose parent is one of this run's workers
    captured_by_comm: int = 0  # the same without the parent check (differs if ppid is wrong/missing)
    dropped: int | None = None  # drops that may have been these exits; None = tracer cannot tell
    drop_details: dict = field(default_factory=dict)
    output_lines: int = 0
    output_bytes: int = 0


@dataclass
class TracerRun:
    tracer: str
    storm: str
    storm_result: StormResult
    window_cpu_s: float  # utime+stime from /proc/<pid>/stat, just before the storm to just before SIGINT
    storm_only_cpu_s: float  # the same, to the end of the storm (without the drain): for foreign_cpu_percent
    life_cpu_s: float  # whole life from wait4: startup (BPF load, BTF, /proc seed) and shutdown included
    # Peak RSS: the highest VmHWM read from /proc/<pid>/status, up to the moment the process
    # became a zombie. Not ru_maxrss: the kernel carries the pre-exec high-water mark into it, and
    # a child forked by this script starts with Python's memory (a /bin/true started from a Python
    # holding 60 MB reports ru_maxrss 61 MB), which would inflate any tracer smaller than Python.
    peak_rss_mb: float
    ru_maxrss_mb: float  # kept for reference, with the inflation above
    startup_s: float  # launch to attached
    shutdown_s: float  # SIGINT to exit
    exit_code: int
    capture: CaptureCount
    stderr_tail: str


def tracer_specs(aiops: Path) -> list[TracerSpec]:
    return [
        TracerSpec("aiops", [str(aiops), "trace", "--backend", "bpf"], "aiops-table"),
        TracerSpec("aiops --json", [str(aiops), "trace", "--backend", "bpf", "--json"], "aiops-json"),
        TracerSpec("exitsnoop", [EXITSNOOP], "exitsnoop"),
    ]


def read_cpu_seconds(pid: int) -> float:
    """utime+stime of a live process (all its threads), from /proc/<pid>/stat, in seconds."""
    text = Path(f"/proc/{pid}/stat").read_text()
    fields = text[text.rindex(")") + 2 :].split()  # after "pid (comm) ": field 3 is fields[0]
    return (int(fields[11]) + int(fields[12])) / CLOCK_TICKS


def read_vm_hwm_mb(pid: int) -> float:
    """The process's own RSS high-water mark; 0 once it is a zombie (its memory is gone)."""
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return 0.0


def has_bpf_attachments(pid: int) -> bool:
    """True once the process holds a BPF link or perf event fd (exitsnoop's attach + perf buffer)."""
    try:
        targets = [os.readlink(f"/proc/{pid}/fd/{fd}") for fd in os.listdir(f"/proc/{pid}/fd")]
    except OSError:
        return False
    return any("bpf_link" in target for target in targets) and any("perf_event" in target for target in targets)


def wait_until_attached(spec: TracerSpec, process: subprocess.Popen, stderr_path: Path) -> float:
    """Blocks until the tracer sees events; returns how long that took. Raises if it died."""
    started = time.monotonic()
    while True:
        elapsed = time.monotonic() - started
        if process.poll() is not None:
            raise RuntimeError(f"{spec.name} exited with {process.returncode} before attaching:\n"
                               + stderr_path.read_text(errors="replace")[-2000:])
        if elapsed > STARTUP_TIMEOUT_SECONDS:
            raise RuntimeError(f"{spec.name} did not attach within {STARTUP_TIMEOUT_SECONDS}s")
        if spec.kind.startswith("aiops"):
            # aiops says so on stderr once the BPF programs are attached and the table is seeded.
            if "tracing with bpf" in stderr_path.read_text(errors="replace"):
                return elapsed
        elif elapsed >= EXITSNOOP_MIN_STARTUP_SECONDS and has_bpf_attachments(process.pid):
            return elapsed
        elif elapsed >= EXITSNOOP_MAX_STARTUP_SECONDS:
            # Another libbpf may attach without these fd kinds; by now it has loaded anyway.
            progress(f"{spec.name}: no bpf_link/perf_event fds seen after {elapsed:.1f}s; starting the storm")
            return elapsed
        time.sleep(0.02)


def wait_with_timeout(process: subprocess.Popen, timeout: float) -> tuple[int, os.struct_rusage, float]:
    """wait4 with a deadline (SIGKILL after it), so the rusage of the tracer itself is kept.
    Also returns the highest VmHWM seen while waiting: shutdown may allocate (final drain, summary)."""
    deadline = time.monotonic() + timeout
    peak_mb = 0.0
    while True:
        peak_mb = max(peak_mb, read_vm_hwm_mb(process.pid))
        pid, status, usage = os.wait4(process.pid, os.WNOHANG)
        if pid == process.pid:
            process.returncode = os.waitstatus_to_exitcode(status)
            return process.returncode, usage, peak_mb
        if time.monotonic() > deadline:
            process.kill()
            _, status, usage = os.wait4(process.pid, 0)
            process.returncode = os.waitstatus_to_exitcode(status)
            return process.returncode, usage, peak_mb
        time.sleep(0.005)


def run_traced_storm(spec: TracerSpec, binaries: StormBinaries, storm_name: str, seconds: float,
                     workers: int, workdir: Path) -> TracerRun:
    stdout_path = workdir / f"{spec.kind}.out"
    stderr_path = workdir / f"{spec.kind}.err"
    with open(stdout_path, "wb") as stdout, open(stderr_path, "wb") as stderr:
        process = subprocess.Popen(spec.command, stdout=stdout, stderr=stderr, stdin=subprocess.DEVNULL)
    try:
        startup_s = wait_until_attached(spec, process, stderr_path)
        # CPU is sampled around the storm only, so loading BPF, parsing BTF and seeding the
        # process table (one-off costs) do not inflate the per-spawn figure.
        cpu_before = read_cpu_seconds(process.pid)
        storm = run_storm(binaries, STORMS[storm_name], seconds, workers)
        cpu_at_storm_end = read_cpu_seconds(process.pid)
        # The drain belongs to the storm: a batching reader may still be working through it.
        time.sleep(DRAIN_SECONDS)
        cpu_after = read_cpu_seconds(process.pid)
        hwm_before_stop = read_vm_hwm_mb(process.pid)
        stop_sent = time.monotonic()
        process.send_signal(signal.SIGINT)
        exit_code, usage, hwm_during_stop = wait_with_timeout(process, SHUTDOWN_TIMEOUT_SECONDS)
        shutdown_s = time.monotonic() - stop_sent
    finally:
        if process.returncode is None:
            process.kill()
            process.wait()

    capture = count_captured_exits(spec.kind, stdout_path, stderr_path, set(storm.worker_pids))
    stderr_text = stderr_path.read_text(errors="replace")
    return TracerRun(
        tracer=spec.name,
        storm=storm_name,
        storm_result=storm,
        window_cpu_s=cpu_after - cpu_before,
        storm_only_cpu_s=cpu_at_storm_end - cpu_before,
        life_cpu_s=usage.ru_utime + usage.ru_stime,
        peak_rss_mb=max(hwm_before_stop, hwm_during_stop),
        ru_maxrss_mb=usage.ru_maxrss / 1024,
        startup_s=startup_s,
        shutdown_s=shutdown_s,
        exit_code=exit_code,
        capture=capture,
        stderr_tail="\n".join(stderr_text.splitlines()[-5:]),
    )


# ── reading tracer output ────────────────────────────────────────────────────────────────────


def count_captured_exits(kind: str, stdout_path: Path, stderr_path: Path, workers: set[int]) -> CaptureCount:
    count = CaptureCount(output_bytes=stdout_path.stat().st_size)
    with open(stdout_path, "rb") as output:
        if kind == "aiops-json":
            parse_aiops_json(output, workers, count)
        elif kind == "aiops-table":
            parse_aiops_table(output, workers, count)
        else:
            parse_exitsnoop(output, workers, count)
    if kind == "exitsnoop":
        # libbpf-tools' perf-buffer lost callback warns "lost N events on CPU #C" on stderr; every
        # event exitsnoop emits is an exit, so these are exactly its exit drops.
        lost = [int(n) for n in re.findall(r"lost (\d+) events", stderr_path.read_text(errors="replace"))]
        count.dropped = sum(lost)
        count.drop_details = {"lost_warnings": len(lost)}
    return count


def tally(count: CaptureCount, comm: str, ppid: str | int | None, workers: set[int]) -> None:
    if comm not in STORM_COMMS:
        return
    count.captured_by_comm += 1
    try:
        if int(ppid) in workers:
            count.captured += 1
    except (TypeError, ValueError):
        pass  # unknown parent ("?" / null): only the comm-only count sees it


def parse_aiops_json(output, workers: set[int], count: CaptureCount) -> None:
    summary = None
    for line in output:
        count.output_lines += 1
        # Decode only exits and the summary: a storm writes hundreds of thousands of lines.
        if b'"event":"exit"' in line:
            event = json.loads(line)
            if event.get("event") == "exit":
                tally(count, event.get("comm"), event.get("ppid"), workers)
        elif b'"event":"summary"' in line:
            summary = json.loads(line)
    if summary is None:
        count.drop_details = {"error": "no summary line"}
        return
    # Queue drops and malformed records have no known kind: any of them may have been an exit.
    exit_kernel = summary["kernel_dropped_by_event"].get("exit", 0)
    count.dropped = exit_kernel + summary["stream_dropped"] + summary["malformed"]
    count.drop_details = {
        "kernel_dropped": summary["kernel_dropped"],
        "kernel_dropped_exit": exit_kernel,
        "stream_dropped": summary["stream_dropped"],
        "malformed": summary["malformed"],
        "complete": summary["complete"],
        "events_shown": summary["events"],
        "events_seen": summary["seen"],
        "table_evictions": summary["table_evictions"],
    }


# Table line: "HH:MM:SS.mmm exit  PID PPID COMM DETAILS"; the summary's loss line looks like
# "lost: none (...)" or "lost: 12 exit in the kernel (ring buffer full); 3 in the queue (...)".
AIOPS_LOST_KERNEL = re.compile(r"(\d+) (\w+) in the kernel")
AIOPS_LOST_QUEUE = re.compile(r"(\d+) in the queue")
AIOPS_LOST_MALFORMED = re.compile(r"(\d+) malformed")
AIOPS_SHOWN = re.compile(r"(\d+) (exec|fork|exit|signal)")


def parse_aiops_table(output, workers: set[int], count: CaptureCount) -> None:
    lost_line = shown_line = None
    for raw in output:
        count.output_lines += 1
        parts = raw.split(None, 5)
        if len(parts) >= 5 and parts[1] == b"exit":
            tally(count, parts[4].decode(errors="replace"), parts[3].decode(), workers)
        elif raw.startswith(b"lost:"):
            lost_line = raw.decode(errors="replace")
        elif raw.startswith(b"backend "):
            shown_line = raw.decode(errors="replace")
    if lost_line is None:
        count.drop_details = {"error": "no 'lost:' summary line"}
        return
    kernel = {kind: int(n) for n, kind in AIOPS_LOST_KERNEL.findall(lost_line)}
    queue = sum(int(n) for n in AIOPS_LOST_QUEUE.findall(lost_line))
    malformed = sum(int(n) for n in AIOPS_LOST_MALFORMED.findall(lost_line))
    count.dropped = kernel.get("exit", 0) + queue + malformed
    count.drop_details = {
        "kernel_dropped": sum(kernel.values()),
        "kernel_dropped_exit": kernel.get("exit", 0),
        "stream_dropped": queue,
        "malformed": malformed,
        "complete": lost_line.startswith("lost: none"),
        "events_shown": {kind: int(n) for n, kind in AIOPS_SHOWN.findall(shown_line or "")},
    }


def parse_exitsnoop(output, workers: set[int], count: CaptureCount) -> None:
    # Columns come from the header ("PCOMM PID PPID TID AGE(s) EXIT_CODE", "TIME" first with -t).
    comm_column = ppid_column = None
    for raw in output:
        count.output_lines += 1
        parts = raw.split()
        if comm_column is None:
            if b"PCOMM" in parts and b"PPID" in parts:
                comm_column, ppid_column = parts.index(b"PCOMM"), parts.index(b"PPID")
            continue
        if len(parts) > max(comm_column, ppid_column):
            tally(count, parts[comm_column].decode(errors="replace"), parts[ppid_column].decode(), workers)


# ── one benchmark round ──────────────────────────────────────────────────────────────────────


def run_round(args, binaries: StormBinaries, specs: list[TracerSpec], workdir: Path, round_number: int) -> dict:
    """Per storm: untraced, tracer 1, untraced, tracer 2, …, untraced. Tracer i is compared with
    untraced runs i and i+1, the ones closest to it in time, so slow drift cancels out."""
    round_result = {}
    for storm_name, mode in STORMS.items():
        untraced, tracer_runs = [], []
        for spec in specs:
            progress(f"round {round_number}, {storm_name}: untraced")
            untraced.append(run_storm(binaries, mode, args.seconds, args.workers))
            progress(f"round {round_number}, {storm_name}: {spec.name}")
            tracer_runs.append(run_traced_storm(spec, binaries, storm_name, args.seconds, args.workers, workdir))
        progress(f"round {round_number}, {storm_name}: untraced")
        untraced.append(run_storm(binaries, mode, args.seconds, args.workers))
        round_result[storm_name] = {"untraced": untraced, "tracers": tracer_runs}
    return round_result


def progress(message: str) -> None:
    print(f"… {message}", file=sys.stderr, flush=True)


# ── summarising ──────────────────────────────────────────────────────────────────────────────


def median(values):
    values = [v for v in values if v is not None]
    return statistics.median(values) if values else None


def summarise(rounds: list[dict], specs: list[TracerSpec]) -> dict:
    """Medians over rounds for rates, CPU and memory; sums for the counts, so one lost exit in
    any round shows up (and fails the check) instead of being hidden by a median."""
    summary = {}
    for storm_name in STORMS:
        untraced_runs = [run for r in rounds for run in r[storm_name]["untraced"]]
        untraced_rates = [run.rate for run in untraced_runs]
        storm_cpu = [run.storm_cpu_s / run.spawned for run in untraced_runs if run.spawned]
        foreign = [foreign_cpu_percent(run) for run in untraced_runs]
        rows = []
        for index, spec in enumerate(specs):
            runs = [r[storm_name]["tracers"][index] for r in rounds]
            # The untraced runs just before and just after this tracer's run, in the same round.
            neighbours = [r[storm_name]["untraced"][index : index + 2] for r in rounds]
            baselines = [statistics.mean(run.rate for run in pair) for pair in neighbours]
            # A second, noise-resistant view of the slowdown: with both CPUs saturated by the storm,
            # every µs the tracer spends is a µs the storm does not get, so the rate should fall to
            # storm CPU / (storm CPU + tracer CPU) per spawn. It leaves out the BPF programs' own
            # time (in the storm's context), so it is an upper bound on the rate.
            untraced_cpu = [statistics.mean(run.storm_cpu_s / run.spawned for run in pair) for pair in neighbours]
            foreign += [foreign_cpu_percent(t.storm_result, t.storm_only_cpu_s) for t in runs]
            spawned = sum(t.storm_result.spawned for t in runs)
            captured = sum(t.capture.captured for t in runs)
            captured_by_comm = sum(t.capture.captured_by_comm for t in runs)
            drops_known = all(t.capture.dropped is not None for t in runs)
            dropped = sum(t.capture.dropped for t in runs) if drops_known else None
            rows.append({
                "tracer": spec.name,
                "rate": median(t.storm_result.rate for t in runs),
                "baseline_rate": median(baselines),
                "rate_percent": median(100 * t.storm_result.rate / base for t, base in zip(runs, baselines)),
                "cpu_model_rate_percent": median(100 * cpu / (cpu + t.window_cpu_s / t.storm_result.spawned)
                                                 for t, cpu in zip(runs, untraced_cpu)),
                "cpu_us_per_spawn": median(1e6 * t.window_cpu_s / t.storm_result.spawned for t in runs),
                "life_cpu_s": median(t.life_cpu_s for t in runs),
                "life_cpu_us_per_spawn": median(1e6 * t.life_cpu_s / t.storm_result.spawned for t in runs),
                "storm_cpu_us_per_spawn": median(1e6 * t.storm_result.storm_cpu_s / t.storm_result.spawned
                                                 for t in runs),
                "peak_rss_mb": median(t.peak_rss_mb for t in runs),
                "ru_maxrss_mb": median(t.ru_maxrss_mb for t in runs),
                "startup_s": median(t.startup_s for t in runs),
                "shutdown_s": median(t.shutdown_s for t in runs),
                "output_mb": median(t.capture.output_bytes / 1e6 for t in runs),
                "foreign_cpu_percent": median(foreign_cpu_percent(t.storm_result, t.storm_only_cpu_s) for t in runs),
                "spawned": spawned,
                "captured": captured,
                "captured_by_comm": captured_by_comm,
                "dropped": dropped,
                "no_silent_loss": captured + (dropped or 0) >= spawned,
                "duplicates_suspected": captured > spawned,
                "exit_codes": [t.exit_code for t in runs],
                # Output that could not be read as expected (e.g. aiops printed no summary).
                "problems": [t.capture.drop_details["error"] + (f"; stderr: {t.stderr_tail}" if t.stderr_tail else "")
                             for t in runs if "error" in t.capture.drop_details],
            })
        summary[storm_name] = {
            "untraced_rate": median(untraced_rates),
            "untraced_rates": untraced_rates,
            "untraced_storm_cpu_us_per_spawn": 1e6 * median(storm_cpu) if storm_cpu else None,
            "untraced_rate_spread_percent": 100 * (max(untraced_rates) - min(untraced_rates)) / median(untraced_rates),
            "max_foreign_cpu_percent": max(foreign),
            "rows": rows,
        }
    return summary


def evaluate_targets(summary: dict) -> list[dict]:
    """The issue's targets, one verdict per (storm, check)."""
    checks = []
    for storm_name, storm in summary.items():
        rows = {row["tracer"]: row for row in storm["rows"]}
        exitsnoop_cpu = rows.get("exitsnoop", {}).get("cpu_us_per_spawn")
        for row in storm["rows"]:
            name = row["tracer"]
            checks.append({
                "storm": storm_name, "tracer": name, "target": f"storm rate >= {TARGET_RATE_PERCENT:.0f}% of untraced",
                "value": f"{row['rate_percent']:.1f}%", "pass": row["rate_percent"] >= TARGET_RATE_PERCENT,
            })
            dropped = "not reported" if row["dropped"] is None else f"{row['dropped']:,}"
            checks.append({
                "storm": storm_name, "tracer": name, "target": "no silent loss (captured + dropped >= spawned)",
                "value": f"{row['captured']:,} + {dropped} vs {row['spawned']:,}", "pass": row["no_silent_loss"],
            })
            if not name.startswith("aiops"):
                continue
            checks.append({
                "storm": storm_name, "tracer": name, "target": f"peak RSS <= {TARGET_PEAK_RSS_MB:.0f} MB",
                "value": f"{row['peak_rss_mb']:.1f} MB", "pass": row["peak_rss_mb"] <= TARGET_PEAK_RSS_MB,
            })
            if exitsnoop_cpu is not None:
                checks.append({
                    "storm": storm_name, "tracer": name, "target": "CPU/spawn <= exitsnoop's",
                    "value": f"{row['cpu_us_per_spawn']:.1f} vs {exitsnoop_cpu:.1f} µs",
                    "pass": row["cpu_us_per_spawn"] <= exitsnoop_cpu,
                })
    return checks


# ── printing ─────────────────────────────────────────────────────────────────────────────────

COLUMNS = [
    # (header, width, formatter)
    ("tracer", 13, lambda r: r["tracer"]),
    ("spawns/s", 9, lambda r: f"{r['rate']:,.0f}"),
    ("% untraced", 10, lambda r: f"{r['rate_percent']:.1f}%"),
    ("CPU model", 9, lambda r: f"{r['cpu_model_rate_percent']:.1f}%"),
    ("CPU µs/spawn", 12, lambda r: f"{r['cpu_us_per_spawn']:.1f}"),
    ("life CPU s", 10, lambda r: f"{r['life_cpu_s']:.2f}"),
    ("storm µs/spawn", 14, lambda r: f"{r['storm_cpu_us_per_spawn']:.0f}"),
    ("peak RSS MB", 11, lambda r: f"{r['peak_rss_mb']:.1f}"),
    ("others %", 8, lambda r: f"{r['foreign_cpu_percent']:.0f}"),
    ("spawned", 9, lambda r: f"{r['spawned']:,}"),
    ("exits captured", 14, lambda r: f"{r['captured']:,}"),
    ("dropped", 12, lambda r: "not reported" if r["dropped"] is None else f"{r['dropped']:,}"),
    ("no silent loss", 14, lambda r: "PASS" if r["no_silent_loss"] else "FAIL"),
]


def print_human(summary: dict, checks: list[dict], context: dict) -> None:
    print(f"\nlifecycle storm benchmark — {context['workers']} workers × {context['seconds']:g} s, "
          f"{context['repeat']} round(s), medians (counts summed over rounds)")
    print(f"kernel {context['kernel']}, {context['cpus']} CPUs, aiops {context['aiops']}, "
          f"exec helper {'static' if context['helper_static'] else 'dynamic'}")
    for storm_name, storm in summary.items():
        rates = ", ".join(f"{rate:,.0f}" for rate in storm["untraced_rates"])
        print(f"\n{storm_name}: untraced {storm['untraced_rate']:,.0f} spawns/s (runs: {rates}; spread "
              f"{storm['untraced_rate_spread_percent']:.0f}%), storm CPU {storm['untraced_storm_cpu_us_per_spawn']:.0f} "
              f"µs/spawn; other processes used up to {storm['max_foreign_cpu_percent']:.0f}% of the CPUs")
        print("  ".join(header.rjust(width) if i else header.ljust(width)
                        for i, (header, width, _) in enumerate(COLUMNS)))
        for row in storm["rows"]:
            print("  ".join(fmt(row).rjust(width) if i else fmt(row).ljust(width)
                            for i, (_, width, fmt) in enumerate(COLUMNS)))
        for row in storm["rows"]:
            if row["captured"] != row["captured_by_comm"]:
                print(f"  note: {row['tracer']}: {row['captured_by_comm']:,} exits by comm alone, "
                      f"{row['captured']:,} with a storm worker as parent (wrong/missing ppid, or another storm)")
            if row["duplicates_suspected"]:
                print(f"  note: {row['tracer']}: more exits captured than spawned (duplicates?)")
            if any(code != 0 for code in row["exit_codes"]):
                print(f"  note: {row['tracer']}: exit codes {row['exit_codes']}")
            for problem in row["problems"]:
                print(f"  PROBLEM: {row['tracer']}: {problem}")
    noisy = [name for name, storm in summary.items()
             if storm["max_foreign_cpu_percent"] > NOISY_FOREIGN_CPU_PERCENT
             or storm["untraced_rate_spread_percent"] > NOISY_SPREAD_PERCENT]
    if noisy:
        print(f"\nWARNING: the machine was busy with other work during {', '.join(noisy)} (other processes "
              f"> {NOISY_FOREIGN_CPU_PERCENT:.0f}% of the CPUs, or untraced rates {NOISY_SPREAD_PERCENT:.0f}% apart): "
              "the rate percentages are unreliable; rerun when it is quiet or with --repeat.")
    print("\nCPU model: the rate % expected from CPU alone, untraced storm CPU / (that + tracer CPU) per spawn;")
    print("  it ignores in-kernel BPF time, and a busy machine disturbs it less than the measured %.")
    print("CPU µs/spawn: tracer utime+stime from /proc/<pid>/stat, storm start to SIGINT (incl. 0.5 s drain).")
    print("life CPU s: tracer whole life (wait4), startup and shutdown included. storm µs/spawn: CPU of the")
    print("storm processes themselves (the in-kernel BPF programs run there). peak RSS: highest VmHWM.")
    print("dropped: aiops' summary (exit kernel drops + queue drops + malformed records); exitsnoop's")
    print("  'lost N events on CPU' warnings on stderr (its perf buffer's lost-sample callback).")
    print("others %: CPU used by other processes on the machine during the storm (noise indicator).")
    print("\ntargets:")
    for check in checks:
        verdict = "PASS" if check["pass"] else "FAIL"
        print(f"  {verdict}  {check['storm']:<15} {check['tracer']:<13} {check['target']:<48} {check['value']}")


def print_markdown(summary: dict, checks: list[dict], context: dict) -> None:
    busiest = max(storm["max_foreign_cpu_percent"] for storm in summary.values())
    print(f"\n{context['workers']} workers × {context['seconds']:g} s storms, {context['repeat']} round(s), "
          f"medians; kernel {context['kernel']}, {context['cpus']} CPUs; other processes used up to "
          f"{busiest:.0f}% of the CPUs. \"CPU model\" = untraced storm CPU ÷ (that + tracer CPU) per spawn.\n")
    print("| storm | tracer | spawns/s | % of untraced | CPU model | tracer CPU µs/spawn | peak RSS MB "
          "| spawned | exits captured | dropped | no silent loss |")
    print("|---|---|--:|--:|--:|--:|--:|--:|--:|--:|---|")
    for storm_name, storm in summary.items():
        print(f"| {storm_name} | untraced | {storm['untraced_rate']:,.0f} | 100% | – | – | – | – | – | – | – |")
        for row in storm["rows"]:
            dropped = "not reported" if row["dropped"] is None else f"{row['dropped']:,}"
            print(f"| {storm_name} | {row['tracer']} | {row['rate']:,.0f} | {row['rate_percent']:.1f}% "
                  f"| {row['cpu_model_rate_percent']:.1f}% | {row['cpu_us_per_spawn']:.1f} "
                  f"| {row['peak_rss_mb']:.1f} | {row['spawned']:,} "
                  f"| {row['captured']:,} | {dropped} | {'yes' if row['no_silent_loss'] else '**no**'} |")
    failed = [c for c in checks if not c["pass"]]
    print(f"\nTargets: {len(checks) - len(failed)} of {len(checks)} met"
          + ("." if not failed else "; missed: " + "; ".join(
              f"{c['storm']} {c['tracer']}: {c['target']} ({c['value']})" for c in failed) + "."))


# ── main ─────────────────────────────────────────────────────────────────────────────────────


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--aiops", default=".build/release/aiops", help="aiops binary (relative to the repo root)")
    parser.add_argument("--seconds", type=float, default=10, help="storm length per run (default 10)")
    parser.add_argument("--workers", type=int, default=2, help="storm worker processes (default 2)")
    parser.add_argument("--repeat", type=int, default=1, help="rounds; results are medians (default 1)")
    parser.add_argument("--markdown", action="store_true", help="also print a Markdown table for the README")
    parser.add_argument("--json-out", metavar="FILE", help="write every raw measurement as JSON to FILE")
    args = parser.parse_args(argv)
    if args.seconds <= 0 or args.workers < 1 or args.repeat < 1:
        parser.error("--seconds, --workers and --repeat must be positive")
    return args


def check_prerequisites(aiops: Path, tool: str = "lifecycle_storm", generator: str = "storm generator") -> None:
    """Exits with one line naming everything missing (root, the binary, exitsnoop, a C compiler)."""
    problems = []
    if os.geteuid() != 0:
        problems.append("run as root: aiops' BPF backend and exitsnoop need it")
    if not (aiops.is_file() and os.access(aiops, os.X_OK)):
        problems.append(f"no aiops binary at {aiops} (make build, or pass --aiops)")
    if not os.access(EXITSNOOP, os.X_OK):
        problems.append(f"no {EXITSNOOP} (apt-get install libbpf-tools, or make deps)")
    if shutil.which("cc") is None:
        problems.append(f"no C compiler 'cc' for the {generator}")
    if problems:
        sys.exit(f"{tool}: " + "; ".join(problems))


def main(argv=None) -> int:
    args = parse_args(argv)
    aiops = Path(args.aiops)
    if not aiops.is_absolute():
        aiops = REPO_ROOT / aiops
    check_prerequisites(aiops)
    specs = tracer_specs(aiops)

    with tempfile.TemporaryDirectory(prefix="aiops-bench-") as tmp:
        workdir = Path(tmp)
        binaries = compile_storm(workdir)
        rounds = [run_round(args, binaries, specs, workdir, n + 1) for n in range(args.repeat)]

    context = {
        "seconds": args.seconds, "workers": args.workers, "repeat": args.repeat,
        "kernel": os.uname().release, "cpus": os.cpu_count(), "aiops": str(aiops),
        "helper_static": binaries.helper_static,
    }
    summary = summarise(rounds, specs)
    checks = evaluate_targets(summary)
    print_human(summary, checks, context)
    if args.markdown:
        print_markdown(summary, checks, context)
    if args.json_out:
        raw = [{storm: {"untraced": [asdict(run) for run in r[storm]["untraced"]],
                        "tracers": [asdict(run) for run in r[storm]["tracers"]]}
                for storm in r} for r in rounds]
        Path(args.json_out).write_text(json.dumps(
            {"context": context, "summary": summary, "targets": checks, "rounds": raw}, indent=2) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
