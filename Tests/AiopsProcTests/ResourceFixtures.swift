/// Text captured from this project's machine (Debian 12, Linux 6.18, x86_64, a hybrid cgroup
/// host) with `cat /proc/self/<file>` from a python3 process that held the sockets below, kept
/// byte for byte (trailing spaces and tabs included): the parsers are checked against what the
/// kernel really writes, not against what we think it writes.
///
/// The sockets: TCP listening on [fd00::2]:47141 (one connection to itself), on [::]:47142 (a
/// connection from 127.0.0.1, so a v4-mapped peer), on 127.0.0.1:47143 (one connection); UDP6
/// bound on [::]:47144; UDP connected from 127.0.0.1:47145 to 127.0.0.1:53; a listening unix
/// stream socket at /tmp/wtres-cap/app.sock and an abstract datagram socket "@aiops-abstract".
enum ResourceFixtures {
    /// The kernel's lines, each ending with a newline.
    static func text(_ lines: [String]) -> [UInt8] {
        Array(lines.map { $0 + "\n" }.joined().utf8)
    }

    static let limits = text([
        "Limit                     Soft Limit           Hard Limit           Units     ",
        "Max cpu time              unlimited            unlimited            seconds   ",
        "Max file size             unlimited            unlimited            bytes     ",
        "Max data size             unlimited            unlimited            bytes     ",
        "Max stack size            8388608              unlimited            bytes     ",
        "Max core file size        0                    unlimited            bytes     ",
        "Max resident set          unlimited            unlimited            bytes     ",
        "Max processes             96365                96365                processes ",
        "Max open files            20000                20000                files     ",
        "Max locked memory         8388608              8388608              bytes     ",
        "Max address space         unlimited            unlimited            bytes     ",
        "Max file locks            unlimited            unlimited            locks     ",
        "Max pending signals       96365                96365                signals   ",
        "Max msgqueue size         819200               819200               bytes     ",
        "Max nice priority         0                    0                    ",
        "Max realtime priority     0                    0                    ",
        "Max realtime timeout      unlimited            unlimited            us        ",
    ])

    static let smapsRollup = text([
        "56259c236000-7ffed0b85000 ---p 00000000 00:00 0                          [rollup]",
        "Rss:               21304 kB",
        "Pss:               19952 kB",
        "Pss_Dirty:         14412 kB",
        "Pss_Anon:          14412 kB",
        "Pss_File:           5540 kB",
        "Pss_Shmem:             0 kB",
        "Shared_Clean:       1584 kB",
        "Shared_Dirty:          0 kB",
        "Private_Clean:      5308 kB",
        "Private_Dirty:     14412 kB",
        "Referenced:        21304 kB",
        "Anonymous:         14412 kB",
        "KSM:                   0 kB",
        "LazyFree:              0 kB",
        "AnonHugePages:         0 kB",
        "ShmemPmdMapped:        0 kB",
        "FilePmdMapped:         0 kB",
        "Shared_Hugetlb:        0 kB",
        "Private_Hugetlb:       0 kB",
        "Swap:                  0 kB",
        "SwapPss:               0 kB",
        "Locked:                0 kB",
    ])

    static let io = text([
        "rchar: 8753853",
        "wchar: 3547",
        "syscr: 2536",
        "syscw: 30",
        "read_bytes: 6836224",
        "write_bytes: 0",
        "cancelled_write_bytes: 0",
    ])

    static let status = text([
        "Name:\tpython3",
        "Umask:\t0022",
        "State:\tR (running)",
        "Tgid:\t32061",
        "Ngid:\t0",
        "Pid:\t32061",
        "PPid:\t32059",
        "TracerPid:\t0",
        "Uid:\t0\t0\t0\t0",
        "Gid:\t0\t0\t0\t0",
        "FDSize:\t256",
        "Groups:\t ",
        "NStgid:\t32061",
        "NSpid:\t32061",
        "NSpgid:\t32059",
        "NSsid:\t20393",
        "Kthread:\t0",
        "VmPeak:\t   24924 kB",
        "VmSize:\t   24924 kB",
        "VmLck:\t       0 kB",
        "VmPin:\t       0 kB",
        "VmHWM:\t   21304 kB",
        "VmRSS:\t   21304 kB",
        "RssAnon:\t   14412 kB",
        "RssFile:\t    6892 kB",
        "RssShmem:\t       0 kB",
        "VmData:\t   16060 kB",
        "VmStk:\t     132 kB",
        "VmExe:\t       4 kB",
        "VmLib:\t    4772 kB",
        "VmPTE:\t      88 kB",
        "VmSwap:\t       0 kB",
        "HugetlbPages:\t       0 kB",
        "CoreDumping:\t0",
        "THP_enabled:\t1",
        "untag_mask:\t0xffffffffffffffff",
        "Threads:\t1",
        "SigQ:\t0/96365",
        "SigPnd:\t0000000000000000",
        "ShdPnd:\t0000000000000000",
        "SigBlk:\t0000000000000000",
        "SigIgn:\t0000000001001000",
        "SigCgt:\t0000000000000002",
        "CapInh:\t0000000000000000",
        "CapPrm:\t000001fffeffffff",
        "CapEff:\t000001fffeffffff",
        "CapBnd:\t000001fffeffffff",
        "CapAmb:\t0000000000000000",
        "NoNewPrivs:\t0",
        "Seccomp:\t0",
        "Seccomp_filters:\t0",
        "Speculation_Store_Bypass:\tvulnerable",
        "SpeculationIndirectBranch:\talways enabled",
        "Cpus_allowed:\t3",
        "Cpus_allowed_list:\t0-1",
        "Mems_allowed:\t00000000,00000000,00000000,00000000,00000000,00000000,00000000,00000000,00000000,00000000,00000000,00000000,00000000,00000000,00000000,00000000,00000000,00000000,00000000,00000000,00000000,00000000,00000000,00000000,00000000,00000000,00000000,00000000,00000000,00000000,00000000,00000001",
        "Mems_allowed_list:\t0",
        "voluntary_ctxt_switches:\t20",
        "nonvoluntary_ctxt_switches:\t4",
    ])

    static let tcp = text([
        "  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode                                                     ",
        "   0: 00000000:07E8 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 1208 1 000000001c7af338 100 0 0 10 0                      ",
        "   1: 0100007F:B827 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 8350885 1 00000000c989e5a0 100 0 0 10 0                   ",
        "   2: 0100007F:E2B4 0100007F:B826 01 00000000:00000000 00:00000000 00000000     0        0 8350883 2 00000000cb835f34 20 0 0 10 -1                   ",
        "   3: 0100007F:B827 0100007F:ED12 01 00000000:00000000 00:00000000 00000000     0        0 8350887 1 000000000f0e128a 20 0 0 10 -1                   ",
        "   4: 0100007F:ED12 0100007F:B827 01 00000000:00000000 00:00000000 00000000     0        0 8350886 2 0000000050519263 20 0 0 10 -1                   ",
    ])

    static let tcp6 = text([
        "  sl  local_address                         remote_address                        st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode",
        "   0: 000000FD000000000000000002000000:B825 00000000000000000000000000000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 8350879 1 0000000058ec7ebc 100 0 0 10 0",
        "   1: 00000000000000000000000000000000:B826 00000000000000000000000000000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 8350882 1 000000007715d43a 100 0 0 10 0",
        "   2: 000000FD000000000000000002000000:B825 000000FD000000000000000002000000:D8A8 01 00000000:00000000 00:00000000 00000000     0        0 8350881 1 000000003ec8981d 20 0 0 10 -1",
        "   3: 000000FD000000000000000002000000:D8A8 000000FD000000000000000002000000:B825 01 00000000:00000000 00:00000000 00000000     0        0 8350880 2 000000008de7b674 20 0 0 10 -1",
        "   4: 0000000000000000FFFF00000100007F:B826 0000000000000000FFFF00000100007F:E2B4 01 00000000:00000000 00:00000000 00000000     0        0 8350884 1 000000006507c48b 20 0 0 10 -1",
    ])

    static let udp = text([
        "   sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode ref pointer drops            ",
        "12611: 0100007F:B829 0100007F:0035 01 00000000:00000000 00:00000000 00000000     0        0 8350889 2 000000002fb104dc 0       ",
    ])

    static let udp6 = text([
        "  sl  local_address                         remote_address                        st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode ref pointer drops",
        "12610: 00000000000000000000000000000000:B828 00000000000000000000000000000000:0000 07 00000000:00000000 00:00000000 00000000     0        0 8350888 2 00000000d4f8b458 0",
    ])

    static let unix = text([
        "Num       RefCount Protocol Flags    Type St Inode Path",
        "00000000a4143296: 00000003 00000000 00000000 0001 03  1204",
        "00000000063c22e6: 00000003 00000000 00000000 0001 03  1205",
        "00000000aaf87cae: 00000002 00000000 00010000 0001 01 8350890 /tmp/wtres-cap/app.sock",
        "00000000b96dba04: 00000002 00000000 00000000 0002 01 8350891 @aiops-abstract",
    ])

    static let mountinfo = text([
        "31 23 0:28 / /sys/fs/cgroup rw,relatime - tmpfs tmpfs rw,mode=755",
        "32 31 0:29 / /sys/fs/cgroup/cpu rw,relatime - cgroup cgroup rw,cpu",
        "33 31 0:30 / /sys/fs/cgroup/cpuacct rw,relatime - cgroup cgroup rw,cpuacct",
        "34 31 0:31 / /sys/fs/cgroup/cpuset rw,relatime - cgroup cgroup rw,cpuset",
        "35 31 0:32 / /sys/fs/cgroup/memory rw,relatime - cgroup cgroup rw,memory",
        "36 31 0:33 / /sys/fs/cgroup/devices rw,relatime - cgroup cgroup rw,devices",
        "37 31 0:34 / /sys/fs/cgroup/freezer rw,relatime - cgroup cgroup rw,freezer",
        "38 31 0:35 / /sys/fs/cgroup/blkio rw,relatime - cgroup cgroup rw,blkio",
        "39 31 0:36 / /sys/fs/cgroup/pids rw,relatime - cgroup cgroup rw,pids",
        "40 31 0:37 / /sys/fs/cgroup/systemd rw,relatime - cgroup cgroup rw,name=systemd",
        "41 31 0:38 / /sys/fs/cgroup/unified rw,relatime - cgroup2 cgroup2 rw",
    ])

    static let cgroup = text([
        "9:name=systemd:/",
        "8:pids:/",
        "7:blkio:/",
        "6:freezer:/",
        "5:devices:/",
        "4:memory:/process_api/4d3113779815b0327b39242882f6afc0",
        "3:cpuset:/",
        "2:cpuacct:/",
        "1:cpu:/",
        "0::/",
    ])

    static let meminfo = text([
        "MemTotal:       24684096 kB",
        "MemFree:        22551268 kB",
        "MemAvailable:   24225008 kB",
        "Buffers:           11044 kB",
        "Cached:          1819296 kB",
        "SwapCached:            0 kB",
    ])
}
