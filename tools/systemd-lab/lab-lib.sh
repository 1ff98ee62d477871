# Shared by the lab scripts (sourced, not run). See lab-boot for what a lab is.

lab_die() {
	echo "systemd-lab: $*" >&2
	exit 1
}

lab_check_name() {
	[[ "$1" =~ ^[A-Za-z0-9][A-Za-z0-9-]{0,47}$ ]] || lab_die "bad lab name '$1' ([A-Za-z0-9-], at most 48)"
}

lab_check_host() {
	[ "$(id -u)" = 0 ] || lab_die "must run as root (nspawn, cgroups, nsenter)"
	command -v systemd-nspawn >/dev/null || lab_die "systemd-nspawn missing: apt-get install systemd-container"
	[ -x /usr/lib/systemd/systemd ] || lab_die "/usr/lib/systemd/systemd missing: apt-get install systemd"
}

# The cgroup directories of lab NAME, one per line: a child of this process's own cgroup in the
# cgroup v2 hierarchy, the v1 name=systemd hierarchy and the v1 memory hierarchy (whichever exist).
lab_cgroup_dirs() {
	local name="$1" line hierarchy controllers path root
	while IFS= read -r line; do
		hierarchy="${line%%:*}"
		controllers="${line#*:}"
		controllers="${controllers%%:*}"
		path="${line#*:*:}"
		root=""
		if [ "$hierarchy" = 0 ] && [ -z "$controllers" ]; then
			if [ -d /sys/fs/cgroup/unified ]; then root=/sys/fs/cgroup/unified; else root=/sys/fs/cgroup; fi
		elif [ "$controllers" = name=systemd ]; then
			root=/sys/fs/cgroup/systemd
		elif [[ ",$controllers," == *,memory,* ]]; then
			root=/sys/fs/cgroup/memory
		fi
		[ -n "$root" ] && [ -d "$root" ] || continue
		# "/" or a nested path; strip a trailing slash so "/" + name works.
		echo "$root${path%/}/aiops-lab-$name"
	done </proc/self/cgroup
}

# Moves this shell into fresh cgroups of its own (exec keeps them for nspawn).
lab_enter_own_cgroups() {
	local name="$1" dir
	for dir in $(lab_cgroup_dirs "$name"); do
		mkdir -p "$dir"
		echo $$ >"$dir/cgroup.procs"
	done
}

# Removes lab NAME's cgroup directories, innermost first. Call after nspawn has exited; a
# directory that still holds processes is reported and left.
lab_remove_cgroups() {
	local name="$1" dir status=0
	for dir in $(lab_cgroup_dirs "$name"); do
		[ -d "$dir" ] || continue
		find "$dir" -depth -type d -exec rmdir {} + 2>/dev/null || true
		if [ -d "$dir" ]; then
			echo "systemd-lab: $dir still holds processes" >&2
			status=1
		fi
	done
	return $status
}

# The container's PID 1 as the host sees it: the child of nspawn (NSPAWN_PID) whose NSpid line
# ends in 1. Prints nothing while it does not exist yet.
lab_leader() {
	local nspawn="$1" child
	for child in $(cat /proc/"$nspawn"/task/*/children 2>/dev/null); do
		if awk '$1 == "NSpid:" && $NF == 1 { found = 1 } END { exit !found }' /proc/"$child"/status 2>/dev/null; then
			echo "$child"
			return 0
		fi
	done
}

# Runs a command inside the container of LEADER, with a clean environment.
lab_exec() {
	local leader="$1"
	shift
	nsenter -t "$leader" -a env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin HOME=/root LANG=C.UTF-8 \
		SYSTEMD_PAGER= SYSTEMD_COLORS=0 "$@"
}

# Labs whose owner died without tearing down (a test process killed with SIGKILL): names made by
# SystemdLab are "aiops-OWNERPID-N". For each whose owner is gone, kill what is left in its
# cgroups and remove them. Labs of live owners (other test runs on this machine) are left alone.
lab_sweep_stale() {
	local dir name owner pids
	for dir in $(lab_cgroup_dirs "x" | sed 's|/aiops-lab-x$||' | sort -u); do
		for name in $(ls "$dir" 2>/dev/null | sed -n 's/^aiops-lab-\(aiops-[0-9]*-[0-9]*\)$/\1/p'); do
			owner="${name#aiops-}"
			owner="${owner%%-*}"
			kill -0 "$owner" 2>/dev/null && continue
			pids="$(find "$dir/aiops-lab-$name" -name cgroup.procs -exec cat {} + 2>/dev/null)"
			[ -n "$pids" ] && kill -KILL $pids 2>/dev/null
			echo "systemd-lab: removing stale lab $name (owner $owner is gone)" >&2
			for _ in 1 2 3 4 5 6 7 8 9 10; do
				find "$dir/aiops-lab-$name" -depth -type d -exec rmdir {} + 2>/dev/null || true
				[ -d "$dir/aiops-lab-$name" ] || break
				sleep 0.1
			done
		done
	done
}
