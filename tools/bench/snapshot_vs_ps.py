#!/usr/bin/env python3
"""Snapshot speed: `aiops collect processes` against `ps aux`, with thousands of processes.

Not a test: a measurement. For each population (e.g. 1 000 and 5 000 extra idle processes, forked
from one parent so they cost little memory) it runs both commands alternately, output to
/dev/null, and reports the median wall time of each and their ratio. Alternating in one run keeps
the comparison fair on a noisy machine.

    python3 tools/bench/snapshot_vs_ps.py [--aiops .build/release/aiops] [--populations 1000,5000] [--runs 15]
"""
import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time

SPAWNER_C = r"""
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>
/* Forks N children that sleep in pause() until killed; prints "ready" when all exist. */
int main(int argc, char **argv) {
    int count = atoi(argv[1]);
    for (int index = 0; index < count; index++) {
        pid_t child = fork();
        if (child == 0) { pause(); _exit(0); }
        if (child < 0) { perror("fork"); return 1; }
    }
    printf("ready\n");
    fflush(stdout);
    pause();
    return 0;
}
"""


def build_spawner(directory):
    source = os.path.join(directory, "spawner.c")
    binary = os.path.join(directory, "spawner")
    with open(source, "w") as handle:
        handle.write(SPAWNER_C)
    subprocess.run(["cc", "-O2", "-o", binary, source], check=True)
    return binary


def count_processes():
    return sum(1 for name in os.listdir("/proc") if name.isdigit())


def time_command(command):
    started = time.perf_counter()
    subprocess.run(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=True)
    return time.perf_counter() - started


def measure(aiops, runs):
    ours, theirs = [], []
    for _ in range(runs):
        ours.append(time_command([aiops, "collect", "processes"]))
        theirs.append(time_command(["ps", "aux"]))
    return statistics.median(ours), statistics.median(theirs)


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--aiops", default=".build/release/aiops")
    parser.add_argument("--populations", default="0,1000,5000", help="extra idle processes, comma-separated")
    parser.add_argument("--runs", type=int, default=15)
    parser.add_argument("--markdown", action="store_true")
    arguments = parser.parse_args()
    if not os.access(arguments.aiops, os.X_OK):
        sys.exit(f"no aiops binary at {arguments.aiops} (run `make build`)")

    rows = []
    with tempfile.TemporaryDirectory(prefix="aiops-snapshot-bench-") as directory:
        spawner = build_spawner(directory)
        for extra in [int(value) for value in arguments.populations.split(",")]:
            parent = None
            if extra > 0:
                parent = subprocess.Popen([spawner, str(extra)], stdout=subprocess.PIPE, text=True)
                if parent.stdout.readline().strip() != "ready":
                    sys.exit("spawner failed")
            try:
                total = count_processes()
                ours, theirs = measure(arguments.aiops, arguments.runs)
                rows.append((extra, total, ours, theirs))
                print(f"… {total} processes: aiops {ours * 1000:.1f} ms, ps aux {theirs * 1000:.1f} ms", file=sys.stderr)
            finally:
                if parent:
                    subprocess.run(["pkill", "-KILL", "-P", str(parent.pid)], check=False)
                    parent.kill()
                    parent.wait()

    if arguments.markdown:
        print("| processes | `aiops collect processes` | `ps aux` | aiops ÷ ps |")
        print("|--:|--:|--:|--:|")
        for _, total, ours, theirs in rows:
            print(f"| {total:,} | {ours * 1000:.1f} ms | {theirs * 1000:.1f} ms | {ours / theirs:.2f} |")
    else:
        print(f"{'processes':>10} {'aiops ms':>10} {'ps aux ms':>10} {'ratio':>7}")
        for _, total, ours, theirs in rows:
            print(f"{total:>10,} {ours * 1000:>10.1f} {theirs * 1000:>10.1f} {ours / theirs:>7.2f}")
    print(f"medians of {arguments.runs} alternating runs each, output to /dev/null", file=sys.stderr)


if __name__ == "__main__":
    main()
