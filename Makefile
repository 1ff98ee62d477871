# aiops — build, test and run. Everything starts from a fresh Debian 12 machine as root:
#   make run     builds what is needed and starts a live trace session (ARGS="--json" etc.)
#   make test    builds what is needed and runs the whole test suite (kernel tests included)

SHELL := /bin/bash

# Pinned BPF compiler: the toolchain clang and Debian's clang default to different BPF ISA
# levels and the verifier has rejected one and accepted the other on the same source.
BPF_CLANG ?= /usr/bin/clang-14
BPF_ARCH := $(shell uname -m | sed -e 's/x86_64/x86/' -e 's/aarch64/arm64/')
MULTIARCH := $(shell gcc -print-multiarch 2>/dev/null)
BPF_CFLAGS := -g -O2 -target bpf -mcpu=v3 -D__TARGET_ARCH_$(BPF_ARCH) -Wall -Werror \
	-Ibpf -ISources/CAiopsBPF/include -I/usr/include/$(MULTIARCH)
BPF_OBJ := Sources/CAiopsBPF/bpfobj/lifecycle.bpf.o
BPF_SOURCES := bpf/lifecycle.bpf.c bpf/kernel_types.h Sources/CAiopsBPF/include/aiops_event.h

# Debian packages: libbpf/libelf/zlib to link, clang + bpftool to build BPF, libbpf-tools for the
# exitsnoop oracle in tests and benchmarks, util-linux for unshare/setpriv in fallback tests,
# procps for the ps oracle, libsqlite3-dev for the monitoring history, libcurl for alert webhooks,
# systemd-container (systemd-nspawn, and systemd itself) for the systemd lab the service tests boot,
# python3 (Debian's, in /usr: the lab shares only /usr) for the lab's port-conflict servers,
# dnsmasq-base (a daemon binary with a real syntax checker and no service of its own to start) for
# the configuration check against real systemd, valgrind and binutils (strip) for the test that runs the
# /proc scans under valgrind.
APT_PACKAGES := libbpf-dev libelf-dev zlib1g-dev clang bpftool libbpf-tools util-linux procps \
	libsqlite3-dev libcurl4-openssl-dev systemd-container python3 dnsmasq-base valgrind binutils

SWIFT ?= swift
SWIFT_FORMAT ?= swift-format
FORMAT_PATHS := Package.swift Sources Tests

.PHONY: all deps bpf build build-debug test run fmt lint bench bench-monitor clean

all: build

deps:
	@missing=""; for package in $(APT_PACKAGES); do \
		dpkg-query -W -f='$${Status}' $$package 2>/dev/null | grep -q 'install ok installed' \
			|| missing="$$missing $$package"; \
	done; \
	if [ -n "$$missing" ]; then \
		echo "installing:$$missing"; \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing; \
	fi

bpf: $(BPF_OBJ)

# bpftool strips DWARF (about 50 KB -> 25 KB); BTF and CO-RE relocations stay.
$(BPF_OBJ): $(BPF_SOURCES) | deps
	@mkdir -p $(dir $@)
	$(BPF_CLANG) $(BPF_CFLAGS) -c bpf/lifecycle.bpf.c -o $@.full
	bpftool gen object $@ $@.full
	@rm -f $@.full

# The Swift runtime is linked statically: half the start-up time of a one-shot command like
# `collect processes`, less memory, and a binary that runs where the toolchain is not installed
# (containers of the systemd test lab).
build: bpf
	$(SWIFT) build -c release --product aiops --static-swift-stdlib

build-debug: bpf
	$(SWIFT) build --build-tests

run: build
	.build/release/aiops trace $(ARGS)

test: build build-debug lint
	$(SWIFT) test --skip-build

fmt:
	$(SWIFT_FORMAT) format --in-place --recursive $(FORMAT_PATHS)

lint:
	$(SWIFT_FORMAT) lint --strict --recursive $(FORMAT_PATHS)

bench: build
	python3 tools/bench/lifecycle_storm.py $(BENCH_ARGS)

# AC6: the monitoring daemon's CPU and memory next to exitsnoop's, under 1000 idle processes and a
# 250/s process churn; four phases of 10 minutes each by default (BENCH_ARGS="--seconds 60" to try).
bench-monitor: build
	python3 tools/bench/monitor_overhead.py $(BENCH_ARGS)

clean:
	rm -rf .build Sources/CAiopsBPF/bpfobj
