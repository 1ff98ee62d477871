#!/usr/bin/env python3
"""Monitoring daemon overhead benchmark (AC6): what does `aiops monitor processes` cost a busy host?

On a machine carrying 1000 extra idle processes and a steady churn of short processes (fork+exec
of a tiny static helper, paced at a fixed rate: 250 a second by default), four phases run back
to back:

  baseline 1   the churn alone
  aiops        the churn under `aiops monitor processes --daemon --foreground` (BPF), with a few
               idle processes critical by PID and by name, a history and an alert file in a
               temporary directory
  exitsnoop    the churn under libbpf-tools' /usr/sbin/exitsnoop, output to a file (the peer)
  baseline 2   the churn alone again: the baselines bracket the monitored phases, and how far
               apart they are shows how much the shared machine drifted meanwhile

For each monitored phase: the tool's CPU (utime+stime from /proc/<pid>/stat over the churn
window, as % of one core; also the worst 60 s window), its RSS (VmRSS at the end and on average,
peak VmHWM), the churn's achieved rate and its spawn latency (fork to reaped, p50/p99) against
the mean of the baselines, and the ratios aiops/exitsnoop. The issue's targets are printed as
PASS/FAIL: CPU < 2% of one core (goal <= 1%), peak RSS < 100 MB (goal <= 50 MB), churn rate
>= 95% of the baseline. The daemon's own summary (what it saw, whether it lost anything) is
printed as well.

Needs root (BPF). Python 3.11 standard library only; the churn generator (churn.c next to this
file) is compiled with `cc -O2` into a temporary directory at each run. Everything the benchmark
starts is stopped at the end, on failure, Ctrl-C or SIGTERM too.

    python3 tools/bench/monitor_overhead.py --seconds 60                    # quick: ~5 minutes
    make bench-monitor BENCH_ARGS="--markdown --json-out /tmp/monitor.json"  # 4 × 10 minutes
"""

from __future__ import annotations

import argparse
import json
import os
import re
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path

# The lifecycle storm benchmark next to this file already reads /proc the way we need to.
from lifecycle_storm import (check_prerequisites, compile_generator, has_bpf_attachments, read_cpu_seconds,
                             read_machine_cpu_seconds, wait_with_timeout)

REPO_ROOT = Path(__file__).resolve().parents[2]
CHURN_SOURCE = Path(__file__).resolve().parent / "churn.c"
EXITSNOOP = "/usr/sbin/exitsnoop"
HELPER_NAME = "aiops-churn-x"  # comm of the churn's children (the helper's file name)

# Critical targets given to the daemon: a name carried by the first few idle processes (churn.c
# names the first NAMED of them NAME), and the next few by PID. Apart, so that each target has
# processes of its own; the name is one no other program on a shared machine is likely to use.
CRITICAL_BY_PID = 5
CRITICAL_NAME = "aiopsbench-crit"
CRITICAL_NAMED = 3
MONITOR_INTERVAL_SECONDS = 10

# The limits and goals (AC6).
LIMIT_CPU_PERCENT = 2.0
GOAL_CPU_PERCENT = 1.0
LIMIT_RSS_MB = 100.0
GOAL_RSS_MB = 50.0
TARGET_RATE_PERCENT = 95.0

# The tool is sampled this often during a phase: the daemon's /proc scan every 10 s makes its CPU
# bursty, and the worst minute says more about that than the average does.
SAMPLE_SECONDS = 2.0
WORST_WINDOW_SECONDS = 60.0

STARTUP_TIMEOUT_SECONDS = 60.0
SHUTDOWN_TIMEOUT_SECONDS = 30.0
# exitsnoop's stdout is block-buffered into a file, so no header signals readiness: wait at least
# this long after it holds its BPF link and perf buffer.
EXITSNOOP_MIN_STARTUP_SECONDS = 1.5
EXITSNOOP_MAX_STARTUP_SECONDS = 5.0

# Lines of the daemon's stop summary (MonitorSummary.swift), after its "aiops: " prefix; alerts
# may be printed in between.
DAEMON_SUMMARY_PREFIXES = ("monitored ", "alerts: ", "history: ", "nothing lost", "may have missed: ")

# Alerts are expected (a 250/s churn is a fork storm); a few of each kind are kept to show which.
ALERT_EXAMPLES_PER_KIND = 3

# Above this, say that latency and rate comparisons are not to be trusted.
NOISY_FOREIGN_CPU_PERCENT = 10.0


# ── processes the benchmark starts ───────────────────────────────────────────────────────────


@dataclass
class ChurnBinaries:
    churn: Path
    helper: Path
    helper_static: bool


def compile_churn(workdir: Path) -> ChurnBinaries:
    churn, helper = workdir / "churn", workdir / HELPER_NAME
    static = compile_generator(CHURN_SOURCE, churn, helper, "CHURN_HELPER")
    return ChurnBinaries(churn=churn, helper=helper, helper_static=static)


class IdleProcesses:
    """The extra idle processes, alive from before the first phase to after the last.

    churn.c's idle mode forks them and kills them when it gets SIGTERM, or when this script dies
    (PR_SET_PDEATHSIG), so they cannot outlive the benchmark even if it is SIGKILLed."""

    def __init__(self, binaries: ChurnBinaries, count: int):
        # A session of its own: Ctrl-C on the terminal reaches this script, which stops them in
        # order, rather than reaching 1000 processes at once.
        self.process = subprocess.Popen(
            [str(binaries.churn), "idle", str(count), str(CRITICAL_NAMED), CRITICAL_NAME],
            stdout=subprocess.PIPE, stdin=subprocess.DEVNULL, text=True, start_new_session=True)
        line = self.process.stdout.readline()
        self.pids = [int(pid) for pid in line.split()]
        if len(self.pids) != count:
            self.stop()
            raise RuntimeError(f"only {len(self.pids)} of {count} idle processes started")

    def stop(self) -> int:
        """Stops them all; returns how many of their pids are still alive afterwards (should be 0)."""
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=SHUTDOWN_TIMEOUT_SECONDS)
            except subprocess.TimeoutExpired:
                self.process.kill()  # its children then get SIGKILL from PR_SET_PDEATHSIG
                self.process.wait()
        self.process.stdout.close()
        return sum(1 for pid in self.pids if is_idle_process(pid))


def is_idle_process(pid: int) -> bool:
    try:
        comm = Path(f"/proc/{pid}/comm").read_text().strip()
    except OSError:
        return False
    return comm in ("aiops-idle", CRITICAL_NAME)


# ── the churn ────────────────────────────────────────────────────────────────────────────────


@dataclass
class ChurnResult:
    spawned: int
    failed: int
    fork_errors: int
    elapsed_s: float
    late: int  # spawns that started more than one period behind schedule
    max_lag_ms: float
    lat_mean_us: float
    lat_p50_us: int
    lat_p90_us: int
    lat_p99_us: int
    lat_p999_us: int
    lat_max_us: int
    # CPU of the generator and its (reaped) children, from wait4: the BPF programs of a tracer
    # run in these processes' context, so in-kernel tracing cost shows up here.
    churn_cpu_s: float
    machine_busy_cpu_s: float
    machine_steal_cpu_s: float

    @property
    def rate(self) -> float:
        return self.spawned / self.elapsed_s if self.elapsed_s > 0 else 0.0


def start_churn(binaries: ChurnBinaries, seconds: float, rate: float) -> subprocess.Popen:
    command = [str(binaries.churn), "rate", f"{seconds:g}", f"{rate:g}", str(binaries.helper)]
    return subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, stdin=subprocess.DEVNULL,
                            text=True)


def finish_churn(process: subprocess.Popen, status: int, usage, busy_s: float, steal_s: float) -> ChurnResult:
    """Builds the result once wait4 has reaped the generator (its one output line is in the pipe)."""
    process.returncode = os.waitstatus_to_exitcode(status)  # so Popen does not wait again
    stdout, stderr = process.stdout.read(), process.stderr.read()
    process.stdout.close()
    process.stderr.close()
    if process.returncode != 0:
        raise RuntimeError(f"churn failed ({process.returncode}): {stderr.strip()}")
    fields = dict(item.split("=", 1) for item in stdout.split())
    return ChurnResult(
        spawned=int(fields["spawned"]), failed=int(fields["failed"]), fork_errors=int(fields["fork_errors"]),
        elapsed_s=float(fields["elapsed"]), late=int(fields["late"]), max_lag_ms=float(fields["max_lag_ms"]),
        lat_mean_us=float(fields["lat_mean_us"]), lat_p50_us=int(fields["lat_p50_us"]),
        lat_p90_us=int(fields["lat_p90_us"]), lat_p99_us=int(fields["lat_p99_us"]),
        lat_p999_us=int(fields["lat_p999_us"]), lat_max_us=int(fields["lat_max_us"]),
        churn_cpu_s=usage.ru_utime + usage.ru_stime, machine_busy_cpu_s=busy_s, machine_steal_cpu_s=steal_s)


# ── sampling during a phase ──────────────────────────────────────────────────────────────────


@dataclass
class Sample:
    t: float  # seconds since the churn started
    load1: float  # the machine's 1-minute load average
    cpu_s: float | None = None  # the tool's utime+stime so far
    rss_mb: float | None = None  # the tool's VmRSS
    hwm_mb: float | None = None  # the tool's VmHWM


def read_load_averages() -> list[float]:
    return [float(value) for value in Path("/proc/loadavg").read_text().split()[:3]]


def read_memory_mb(pid: int) -> tuple[float, float]:
    """(VmRSS, VmHWM) of a live process, in MB."""
    values = {}
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith(("VmRSS:", "VmHWM:")):
            values[line[:5]] = int(line.split()[1]) / 1024
    return values["VmRSS"], values["VmHWM"]


def take_sample(t: float, tool_pid: int | None) -> Sample:
    sample = Sample(t=t, load1=read_load_averages()[0])
    if tool_pid is not None:
        try:
            sample.cpu_s = read_cpu_seconds(tool_pid)
            sample.rss_mb, sample.hwm_mb = read_memory_mb(tool_pid)
        except (OSError, KeyError) as error:
            raise RuntimeError(f"the monitored tool (pid {tool_pid}) died during the phase: {error}") from error
    return sample


def run_churn_watching(binaries: ChurnBinaries, seconds: float, rate: float,
                       tool_pid: int | None) -> tuple[ChurnResult, list[Sample]]:
    """Runs the churn for one phase, sampling the tool (if any) and the load average meanwhile."""
    busy_before, steal_before = read_machine_cpu_seconds()
    started = time.monotonic()
    samples = [take_sample(0.0, tool_pid)]
    process = start_churn(binaries, seconds, rate)
    pid = 0
    try:
        while pid != process.pid:
            time.sleep(0.1)
            # wait4 rather than Popen.poll: its rusage is the churn's CPU, children included.
            pid, status, usage = os.wait4(process.pid, os.WNOHANG)
            now = time.monotonic() - started
            if pid == process.pid or now - samples[-1].t >= SAMPLE_SECONDS:
                samples.append(take_sample(now, tool_pid))
    finally:
        if pid != process.pid:  # interrupted, or the tool died: the churn must not run on
            process.kill()
            process.wait()
    busy_after, steal_after = read_machine_cpu_seconds()
    result = finish_churn(process, status, usage, busy_after - busy_before, steal_after - steal_before)
    return result, samples


# ── monitored tools ──────────────────────────────────────────────────────────────────────────


@dataclass
class ToolSpec:
    name: str
    kind: str  # "aiops" or "exitsnoop": how to tell readiness, stop it and read its output
    command: list[str]
    stop_signal: int


@dataclass
class ToolRun:
    startup_s: float  # launch to ready
    shutdown_s: float  # stop signal to exit
    exit_code: int
    life_cpu_s: float  # whole life from wait4: start-up (BPF load, /proc seed) and stop included
    peak_rss_mb: float  # highest VmHWM seen, up to the moment it became a zombie
    summary_lines: list[str]  # aiops: its stop summary; exitsnoop: its "lost N events" warnings
    nothing_lost: bool | None  # aiops: "nothing lost" in its summary; exitsnoop: no lost warnings
    output_lines: int
    output_bytes: int
    exits_seen: int | None  # exits the tool reported (all processes of the machine)
    churn_exits_seen: int | None  # exitsnoop: lines for the churn's children
    alerts: dict = field(default_factory=dict)  # aiops: alert kind → count, from the alert file
    alert_examples: list[str] = field(default_factory=list)  # aiops: the first few of each kind
    announcement: str = ""  # aiops: its "monitoring with …" line (what it watches)
    history_bytes: int = 0  # aiops: the SQLite history with its WAL
    stderr_tail: str = ""


def tool_specs(aiops: Path, workdir: Path, idle_pids: list[int]) -> list[ToolSpec]:
    by_pid = idle_pids[CRITICAL_NAMED : CRITICAL_NAMED + CRITICAL_BY_PID]
    critical = ",".join([str(pid) for pid in by_pid] + [CRITICAL_NAME])
    monitor = [str(aiops), "monitor", "processes", "--daemon", "--foreground", "--critical", critical,
               "--interval", str(MONITOR_INTERVAL_SECONDS), "--history", str(workdir / "history.sqlite"),
               "--alert-file", str(workdir / "alerts.jsonl"), "--pid-file", str(workdir / "monitor.pid")]
    return [
        ToolSpec("aiops", "aiops", monitor, signal.SIGTERM),
        # exitsnoop flushes its buffered output on SIGINT (Ctrl-C); SIGTERM would lose the tail.
        ToolSpec("exitsnoop", "exitsnoop", [EXITSNOOP], signal.SIGINT),
    ]


def start_tool(spec: ToolSpec, workdir: Path) -> tuple[subprocess.Popen, float]:
    with open(workdir / f"{spec.kind}.out", "wb") as stdout, open(workdir / f"{spec.kind}.err", "wb") as stderr:
        process = subprocess.Popen(spec.command, stdout=stdout, stderr=stderr, stdin=subprocess.DEVNULL,
                                   start_new_session=True)
    try:
        return process, wait_until_ready(spec, process, workdir / f"{spec.kind}.err")
    except BaseException:
        process.kill()
        process.wait()
        raise


def wait_until_ready(spec: ToolSpec, process: subprocess.Popen, stderr_path: Path) -> float:
    """Blocks until the tool watches; returns how long that took. Raises if it died or fell back."""
    started = time.monotonic()
    while True:
        elapsed = time.monotonic() - started
        if process.poll() is not None:
            raise RuntimeError(f"{spec.name} exited with {process.returncode} before it was ready:\n"
                               + stderr_path.read_text(errors="replace")[-2000:])
        if elapsed > STARTUP_TIMEOUT_SECONDS:
            raise RuntimeError(f"{spec.name} was not ready within {STARTUP_TIMEOUT_SECONDS:g} s")
        if spec.kind == "aiops":
            # The daemon announces "monitoring with BACKEND, …" once its source is attached, the
            # process table seeded and the history open.
            announced = re.search(r"monitoring with (\S+),", stderr_path.read_text(errors="replace"))
            if announced:
                if announced.group(1) != "bpf":
                    raise RuntimeError(f"aiops fell back to {announced.group(1)}: not the BPF daemon AC6 is about")
                return elapsed
        elif elapsed >= EXITSNOOP_MIN_STARTUP_SECONDS and has_bpf_attachments(process.pid):
            return elapsed
        elif elapsed >= EXITSNOOP_MAX_STARTUP_SECONDS:
            progress(f"{spec.name}: no bpf_link/perf_event fds seen after {elapsed:.1f}s; starting anyway")
            return elapsed
        time.sleep(0.05)


def stop_tool(spec: ToolSpec, process: subprocess.Popen, workdir: Path, startup_s: float,
              hwm_before_mb: float) -> ToolRun:
    stop_sent = time.monotonic()
    process.send_signal(spec.stop_signal)
    exit_code, usage, hwm_during_stop = wait_with_timeout(process, SHUTDOWN_TIMEOUT_SECONDS)
    run = ToolRun(
        startup_s=startup_s, shutdown_s=time.monotonic() - stop_sent, exit_code=exit_code,
        life_cpu_s=usage.ru_utime + usage.ru_stime, peak_rss_mb=max(hwm_before_mb, hwm_during_stop),
        summary_lines=[], nothing_lost=None, output_lines=0,
        output_bytes=(workdir / f"{spec.kind}.out").stat().st_size, exits_seen=None, churn_exits_seen=None)
    stderr_text = (workdir / f"{spec.kind}.err").read_text(errors="replace")
    run.stderr_tail = "\n".join(stderr_text.splitlines()[-8:])
    if spec.kind == "aiops":
        read_aiops_results(run, stderr_text, workdir)
    else:
        read_exitsnoop_results(run, stderr_text, workdir)
    return run


def read_aiops_results(run: ToolRun, stderr_text: str, workdir: Path) -> None:
    lines = [line.removeprefix("aiops: ") for line in stderr_text.splitlines()]
    run.summary_lines = [line for line in lines if line.startswith(DAEMON_SUMMARY_PREFIXES)]
    run.announcement = next((line for line in lines if line.startswith("monitoring with ")), "")
    run.nothing_lost = "nothing lost" in run.summary_lines
    seen = re.search(r"(\d+) exits", " ".join(run.summary_lines))
    run.exits_seen = int(seen.group(1)) if seen else None
    alerts_path = workdir / "alerts.jsonl"
    if alerts_path.exists():
        for line in alerts_path.read_text(errors="replace").splitlines():
            run.output_lines += 1
            try:
                alert = json.loads(line)
            except json.JSONDecodeError:
                alert = {"kind": "unreadable", "summary": line[:200]}
            kind = alert.get("kind", "?")
            run.alerts[kind] = run.alerts.get(kind, 0) + 1
            if run.alerts[kind] <= ALERT_EXAMPLES_PER_KIND:
                run.alert_examples.append(f"{kind}: {alert.get('summary', '')}")
    run.history_bytes = sum(path.stat().st_size for path in workdir.glob("history.sqlite*"))


def read_exitsnoop_results(run: ToolRun, stderr_text: str, workdir: Path) -> None:
    # libbpf-tools' perf buffer lost callback warns "lost N events on CPU #C" on stderr.
    run.summary_lines = [line for line in stderr_text.splitlines() if "lost" in line]
    run.nothing_lost = not run.summary_lines
    run.exits_seen = run.churn_exits_seen = 0
    with open(workdir / "exitsnoop.out", "rb") as output:
        header = next(output, b"")  # "PCOMM PID PPID TID AGE(s) EXIT_CODE"
        run.output_lines = 1
        for line in output:
            run.output_lines += 1
            run.exits_seen += 1
            if line.split(None, 1)[:1] == [HELPER_NAME.encode()]:
                run.churn_exits_seen += 1
    if not header.startswith(b"PCOMM"):
        run.summary_lines.append(f"unexpected exitsnoop header: {header[:80]!r}")


# ── one phase ────────────────────────────────────────────────────────────────────────────────


@dataclass
class Phase:
    name: str
    seconds: float
    churn: ChurnResult
    samples: list[Sample]
    load_before: list[float]
    load_after: list[float]
    tool: ToolRun | None = None


def run_phase(name: str, spec: ToolSpec | None, seconds: float, args, binaries: ChurnBinaries,
              workdir: Path) -> Phase:
    progress(f"{name}: {seconds:g} s (load average {format_load(read_load_averages())})")
    load_before = read_load_averages()
    if spec is None:
        churn, samples = run_churn_watching(binaries, seconds, args.rate, None)
        return Phase(name, seconds, churn, samples, load_before, read_load_averages())
    process, startup_s = start_tool(spec, workdir)
    try:
        churn, samples = run_churn_watching(binaries, seconds, args.rate, process.pid)
        load_after = read_load_averages()
        tool = stop_tool(spec, process, workdir, startup_s, samples[-1].hwm_mb)
    finally:
        if process.returncode is None:
            process.kill()
            process.wait()
    if tool.exit_code != 0:
        progress(f"{name}: exited with {tool.exit_code}:\n{tool.stderr_tail}")
    return Phase(name, seconds, churn, samples, load_before, load_after, tool)


def run_phases(args, binaries: ChurnBinaries, specs: list[ToolSpec], workdir: Path) -> list[Phase]:
    aiops, exitsnoop = specs
    plan = [("baseline 1", None, args.seconds), ("aiops", aiops, args.seconds),
            ("exitsnoop", exitsnoop, args.exitsnoop_seconds), ("baseline 2", None, args.drift_seconds)]
    return [run_phase(name, spec, seconds, args, binaries, workdir) for name, spec, seconds in plan]


# ── results ──────────────────────────────────────────────────────────────────────────────────


def tool_cpu_percent(samples: list[Sample]) -> float:
    """The tool's CPU over the whole churn window, as % of one core."""
    first, last = samples[0], samples[-1]
    return 100 * (last.cpu_s - first.cpu_s) / (last.t - first.t) if last.t > first.t else 0.0


def worst_window_cpu_percent(samples: list[Sample]) -> float:
    """The highest CPU % of one core over any window of at least WORST_WINDOW_SECONDS (or the
    whole phase if it is shorter): the /proc scans make the daemon's CPU come in bursts."""
    worst = 0.0
    end = 0
    for start, first in enumerate(samples):
        while end < len(samples) and samples[end].t - first.t < WORST_WINDOW_SECONDS:
            end += 1
        if end == len(samples):
            break
        last = samples[end]
        worst = max(worst, 100 * (last.cpu_s - first.cpu_s) / (last.t - first.t))
    return worst or tool_cpu_percent(samples)


def foreign_cpu_percent(phase: Phase) -> float:
    """Share of the machine's CPUs used by neither the churn nor the tool: other people's work."""
    tool_cpu = phase.samples[-1].cpu_s - phase.samples[0].cpu_s if phase.tool else 0.0
    foreign = phase.churn.machine_busy_cpu_s - phase.churn.churn_cpu_s - tool_cpu
    return max(0.0, 100 * foreign / (phase.churn.elapsed_s * os.cpu_count()))


def phase_row(phase: Phase, base: dict) -> dict:
    churn = phase.churn
    row = {
        "phase": phase.name, "seconds": phase.seconds, "spawned": churn.spawned, "rate": churn.rate,
        "rate_percent": 100 * churn.rate / base["rate"],
        "late": churn.late, "max_lag_ms": churn.max_lag_ms,
        "lat_p50_us": churn.lat_p50_us, "lat_p99_us": churn.lat_p99_us, "lat_p999_us": churn.lat_p999_us,
        "lat_p50_ratio": churn.lat_p50_us / base["lat_p50_us"], "lat_p99_ratio": churn.lat_p99_us / base["lat_p99_us"],
        "churn_cpu_us_per_spawn": 1e6 * churn.churn_cpu_s / max(1, churn.spawned),
        "foreign_cpu_percent": foreign_cpu_percent(phase),
        "load1_mean": statistics.fmean(sample.load1 for sample in phase.samples),
        "load1_max": max(sample.load1 for sample in phase.samples),
        "failed": churn.failed + churn.fork_errors,
    }
    if phase.tool:
        rss = [sample.rss_mb for sample in phase.samples]
        row |= {
            "cpu_percent": tool_cpu_percent(phase.samples), "worst_minute_cpu_percent":
            worst_window_cpu_percent(phase.samples), "life_cpu_s": phase.tool.life_cpu_s,
            "rss_end_mb": rss[-1], "rss_mean_mb": statistics.fmean(rss), "peak_rss_mb": phase.tool.peak_rss_mb,
            "startup_s": phase.tool.startup_s, "shutdown_s": phase.tool.shutdown_s,
            "exit_code": phase.tool.exit_code, "nothing_lost": phase.tool.nothing_lost,
        }
    return row


def summarise(phases: list[Phase]) -> dict:
    """Rows per phase, compared with the mean of the two baselines; the aiops/exitsnoop ratios."""
    baselines = [phase.churn for phase in phases if phase.tool is None]
    base = {
        "rate": statistics.fmean(churn.rate for churn in baselines),
        "lat_p50_us": statistics.fmean(churn.lat_p50_us for churn in baselines),
        "lat_p99_us": statistics.fmean(churn.lat_p99_us for churn in baselines),
    }
    rates = [churn.rate for churn in baselines]
    base["rate_drift_percent"] = 100 * (max(rates) - min(rates)) / base["rate"]
    rows = [phase_row(phase, base) for phase in phases]
    tools = {row["phase"]: row for row in rows if "cpu_percent" in row}
    aiops, exitsnoop = tools["aiops"], tools["exitsnoop"]
    ratios = {key: aiops[key] / exitsnoop[key] if exitsnoop[key] else None
              for key in ("cpu_percent", "worst_minute_cpu_percent", "rss_mean_mb", "peak_rss_mb")}
    return {"baseline": base, "rows": rows, "ratios_aiops_to_exitsnoop": ratios}


def evaluate_targets(summary: dict) -> list[dict]:
    aiops = next(row for row in summary["rows"] if row["phase"] == "aiops")
    cpu, rss, rate = aiops["cpu_percent"], aiops["peak_rss_mb"], aiops["rate_percent"]
    return [
        {"target": f"CPU < {LIMIT_CPU_PERCENT:g}% of one core", "value": f"{cpu:.2f}%",
         "pass": cpu < LIMIT_CPU_PERCENT, "goal": f"<= {GOAL_CPU_PERCENT:g}%", "goal_met": cpu <= GOAL_CPU_PERCENT},
        {"target": f"peak RSS < {LIMIT_RSS_MB:g} MB", "value": f"{rss:.1f} MB",
         "pass": rss < LIMIT_RSS_MB, "goal": f"<= {GOAL_RSS_MB:g} MB", "goal_met": rss <= GOAL_RSS_MB},
        {"target": f"churn rate >= {TARGET_RATE_PERCENT:g}% of baseline", "value": f"{rate:.1f}%",
         "pass": rate >= TARGET_RATE_PERCENT, "goal": None, "goal_met": None},
        {"target": "daemon lost nothing (its summary)", "value": "nothing lost" if aiops["nothing_lost"] else "losses",
         "pass": bool(aiops["nothing_lost"]), "goal": None, "goal_met": None},
    ]


# ── printing ─────────────────────────────────────────────────────────────────────────────────


def dash_unless(row: dict, key: str, fmt: str) -> str:
    return format(row[key], fmt) if key in row else "–"


COLUMNS = [
    # (header, width, formatter)
    ("phase", 10, lambda r: r["phase"]),
    ("s", 4, lambda r: f"{r['seconds']:g}"),
    ("spawns/s", 8, lambda r: f"{r['rate']:.1f}"),
    ("% base", 6, lambda r: f"{r['rate_percent']:.1f}"),
    ("late", 5, lambda r: f"{r['late']}"),
    ("p50 µs", 6, lambda r: f"{r['lat_p50_us']}"),
    ("p99 µs", 6, lambda r: f"{r['lat_p99_us']}"),
    ("p50/base", 8, lambda r: f"{r['lat_p50_ratio']:.2f}"),
    ("p99/base", 8, lambda r: f"{r['lat_p99_ratio']:.2f}"),
    ("churn µs/spawn", 14, lambda r: f"{r['churn_cpu_us_per_spawn']:.0f}"),
    ("CPU % core", 10, lambda r: dash_unless(r, "cpu_percent", ".2f")),
    ("worst 60 s", 10, lambda r: dash_unless(r, "worst_minute_cpu_percent", ".2f")),
    ("RSS MB end", 10, lambda r: dash_unless(r, "rss_end_mb", ".1f")),
    ("mean", 5, lambda r: dash_unless(r, "rss_mean_mb", ".1f")),
    ("peak", 5, lambda r: dash_unless(r, "peak_rss_mb", ".1f")),
    ("others %", 8, lambda r: f"{r['foreign_cpu_percent']:.0f}"),
    ("load", 9, lambda r: f"{r['load1_mean']:.2f}/{r['load1_max']:.1f}"),
]


def format_load(load: list[float]) -> str:
    return " ".join(f"{value:.2f}" for value in load)


def format_ratio(value: float | None) -> str:
    return "–" if value is None else f"{value:.2f}×"


def print_table(rows: list[dict]) -> None:
    print("  ".join(header.rjust(width) if i else header.ljust(width) for i, (header, width, _) in enumerate(COLUMNS)))
    for row in rows:
        print("  ".join(fmt(row).rjust(width) if i else fmt(row).ljust(width) for i, (_, width, fmt) in enumerate(COLUMNS)))


def print_human(phases: list[Phase], summary: dict, checks: list[dict], context: dict) -> None:
    base = summary["baseline"]
    print(f"\nmonitoring daemon overhead (AC6) — {context['idle']} idle processes + churn at {context['rate']:g} "
          f"spawns/s (fork+exec of a {'static' if context['helper_static'] else 'dynamic'} helper)")
    print(f"kernel {context['kernel']}, {context['cpus']} CPUs, aiops {context['aiops']}; load average "
          f"{format_load(context['load_start'])} at the start, {format_load(context['load_end'])} at the end")
    print(f"baseline: {base['rate']:.1f} spawns/s, p50 {base['lat_p50_us']:.0f} µs, p99 {base['lat_p99_us']:.0f} µs "
          f"(mean of both baselines; their rates differ by {base['rate_drift_percent']:.1f}%)\n")
    print_table(summary["rows"])
    ratios = summary["ratios_aiops_to_exitsnoop"]
    print(f"\naiops / exitsnoop: CPU {format_ratio(ratios['cpu_percent'])} (worst 60 s "
          f"{format_ratio(ratios['worst_minute_cpu_percent'])}), RSS mean {format_ratio(ratios['rss_mean_mb'])}, "
          f"peak RSS {format_ratio(ratios['peak_rss_mb'])}")
    for phase in phases:
        if phase.tool:
            print_tool_details(phase)
    print_notes(summary)
    print("\ntargets (aiops phase):")
    for check in checks:
        goal = "" if check["goal"] is None else f"  goal {check['goal']}: {'met' if check['goal_met'] else 'NOT met'}"
        print(f"  {'PASS' if check['pass'] else 'FAIL'}  {check['target']:<36} {check['value']:>12}{goal}")


def print_tool_details(phase: Phase) -> None:
    tool = phase.tool
    print(f"\n{phase.name}: ready after {tool.startup_s:.2f} s, stopped {tool.shutdown_s:.2f} s after the signal "
          f"with exit code {tool.exit_code}; whole-life CPU {tool.life_cpu_s:.2f} s")
    # A daemon that grows over the phase would pass a short run and fail a long one.
    first, last = phase.samples[0], phase.samples[-1]
    print(f"  RSS {first.rss_mb:.1f} MB when the churn started, {last.rss_mb:.1f} MB {last.t:.0f} s later")
    if phase.name == "aiops":
        alerts = ", ".join(f"{count} {kind}" for kind, count in sorted(phase.tool.alerts.items())) or "none"
        print(f"  {tool.announcement}")
        print(f"  alerts in the alert file: {alerts}; history {tool.history_bytes / 1024:.0f} KiB")
        for example in tool.alert_examples:
            print(f"    {example}")
        print("  daemon summary:")
    else:
        print(f"  {tool.exits_seen:,} exits printed, {tool.churn_exits_seen:,} of them the churn's "
              f"(churn spawned {phase.churn.spawned:,})")
    for line in tool.summary_lines or ["(no lost-event warnings)"]:
        print(f"    {line}")


def print_notes(summary: dict) -> None:
    busiest = max(row["foreign_cpu_percent"] for row in summary["rows"])
    if busiest > NOISY_FOREIGN_CPU_PERCENT or summary["baseline"]["rate_drift_percent"] > 5:
        print(f"\nWARNING: other work used up to {busiest:.0f}% of the CPUs during a phase: latency ratios "
              "are noisy; compare them with the gap between the two baselines.")
    print("\nCPU % core: tool utime+stime (/proc/<pid>/stat) over the churn window, % of one core; worst 60 s:")
    print("  the highest over any minute. RSS: VmRSS at the end / mean of samples every 2 s / peak VmHWM.")
    print("p50/p99: spawn latency, fork() to reaped (fork + exec + exit + wait) in the churn generator.")
    print("churn µs/spawn: CPU of the generator and its children (in-kernel BPF programs run there).")
    print("late: spawns that started more than one period behind schedule. others %: CPU used by other")
    print("  processes on the machine (noise indicator). load: 1-minute load average, mean/max.")


def print_markdown(summary: dict, checks: list[dict], context: dict) -> None:
    base = summary["baseline"]
    print(f"\n{context['idle']:,} idle processes + {context['rate']:g} fork+exec/s churn; kernel {context['kernel']}, "
          f"{context['cpus']} CPUs; load average {format_load(context['load_start'])} at the start, "
          f"{format_load(context['load_end'])} at the end. Latency = fork() to reaped; ratios are against the mean "
          f"of the two baselines ({base['rate']:.1f} spawns/s, p50 {base['lat_p50_us']:.0f} µs, p99 "
          f"{base['lat_p99_us']:.0f} µs).\n")
    print("| phase | length | spawns/s | % of baseline | spawn p50 / p99 µs | vs baseline | tool CPU % of a core "
          "(worst minute) | RSS MB mean / peak | others' CPU | load avg |")
    print("|---|--:|--:|--:|--:|--:|--:|--:|--:|--:|")
    for row in summary["rows"]:
        cpu = "–" if "cpu_percent" not in row else \
            f"**{row['cpu_percent']:.2f}%** ({row['worst_minute_cpu_percent']:.2f}%)"
        rss = "–" if "peak_rss_mb" not in row else f"{row['rss_mean_mb']:.1f} / **{row['peak_rss_mb']:.1f}**"
        print(f"| {row['phase']} | {row['seconds']:g} s | {row['rate']:.1f} | {row['rate_percent']:.1f}% "
              f"| {row['lat_p50_us']} / {row['lat_p99_us']} | {row['lat_p50_ratio']:.2f}× / {row['lat_p99_ratio']:.2f}× "
              f"| {cpu} | {rss} | {row['foreign_cpu_percent']:.0f}% | {row['load1_mean']:.2f} |")
    ratios = summary["ratios_aiops_to_exitsnoop"]
    print(f"\naiops ÷ exitsnoop: CPU {format_ratio(ratios['cpu_percent'])}, peak RSS "
          f"{format_ratio(ratios['peak_rss_mb'])}. Targets: "
          + "; ".join(f"{check['target']}: {check['value']} **{'PASS' if check['pass'] else 'FAIL'}**"
                      + ("" if check["goal"] is None else f" (goal {check['goal']} {'met' if check['goal_met'] else 'not met'})")
                      for check in checks) + ".")


# ── main ─────────────────────────────────────────────────────────────────────────────────────


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--aiops", default=".build/release/aiops", help="aiops binary (relative to the repo root)")
    parser.add_argument("--seconds", type=float, default=600,
                        help="length of the first baseline and of the aiops phase (default 600: AC6 asks for >= 10 min)")
    parser.add_argument("--exitsnoop-seconds", type=float, help="length of the exitsnoop phase (default: --seconds)")
    parser.add_argument("--drift-seconds", type=float, help="length of the second baseline (default: --seconds)")
    parser.add_argument("--rate", type=float, default=250, help="churn: short processes per second (default 250)")
    parser.add_argument("--idle", type=int, default=1000, help="extra idle processes (default 1000)")
    parser.add_argument("--markdown", action="store_true", help="also print a Markdown table for the README")
    parser.add_argument("--json-out", metavar="FILE", help="write every raw measurement as JSON to FILE")
    args = parser.parse_args(argv)
    args.exitsnoop_seconds = args.exitsnoop_seconds or args.seconds
    args.drift_seconds = args.drift_seconds or args.seconds
    if min(args.seconds, args.exitsnoop_seconds, args.drift_seconds) < 10 or args.rate <= 0:
        parser.error("phases need at least 10 s (the daemon samples every 10 s) and --rate must be positive")
    if args.idle < CRITICAL_BY_PID + CRITICAL_NAMED:
        parser.error(f"--idle must be at least {CRITICAL_BY_PID + CRITICAL_NAMED}")
    return args


def stop_on_sigterm() -> None:
    """SIGTERM and SIGHUP unwind like Ctrl-C, so every finally block stops what it started."""
    def handler(number, _frame):
        raise KeyboardInterrupt(f"signal {number}")
    signal.signal(signal.SIGTERM, handler)
    signal.signal(signal.SIGHUP, handler)


def measure(args, aiops: Path) -> tuple[list[Phase], dict]:
    with tempfile.TemporaryDirectory(prefix="aiops-monitor-bench-") as tmp:
        workdir = Path(tmp)
        binaries = compile_churn(workdir)
        progress(f"starting {args.idle} idle processes")
        idle = IdleProcesses(binaries, args.idle)
        try:
            load_start = read_load_averages()
            phases = run_phases(args, binaries, tool_specs(aiops, workdir, idle.pids), workdir)
            load_end = read_load_averages()
        finally:
            left = idle.stop()
            progress(f"idle processes stopped ({left} left alive)" if left else "idle processes stopped")
    context = {
        "idle": args.idle, "rate": args.rate, "seconds": args.seconds, "exitsnoop_seconds": args.exitsnoop_seconds,
        "drift_seconds": args.drift_seconds, "kernel": os.uname().release, "cpus": os.cpu_count(),
        "aiops": str(aiops), "helper_static": binaries.helper_static, "load_start": load_start,
        "load_end": load_end, "monitor_interval_s": MONITOR_INTERVAL_SECONDS,
        "critical": f"{CRITICAL_BY_PID} idle processes by PID + name {CRITICAL_NAME} ({CRITICAL_NAMED} processes)",
        "idle_left_alive": left,
    }
    return phases, context


def main(argv=None) -> int:
    args = parse_args(argv)
    aiops = Path(args.aiops)
    if not aiops.is_absolute():
        aiops = REPO_ROOT / aiops
    check_prerequisites(aiops, tool="monitor_overhead", generator="churn generator")
    stop_on_sigterm()
    try:
        phases, context = measure(args, aiops)
    except KeyboardInterrupt:
        # The finally blocks have stopped the tool, the churn and the idle processes by now.
        progress("interrupted: everything the benchmark started has been stopped")
        return 130
    summary = summarise(phases)
    checks = evaluate_targets(summary)
    print_human(phases, summary, checks, context)
    if args.markdown:
        print_markdown(summary, checks, context)
    if args.json_out:
        Path(args.json_out).write_text(json.dumps(
            {"context": context, "summary": summary, "targets": checks, "phases": [asdict(p) for p in phases]},
            indent=2) + "\n")
    return 0


def progress(message: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


if __name__ == "__main__":
    sys.exit(main())
