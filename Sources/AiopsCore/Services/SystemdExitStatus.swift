/// Exit statuses as systemd names them (exit_status_to_string in systemd; systemd.exec(5),
/// "Process Exit Codes"), with what each means for a service that failed to start. Statuses
/// 200–245 are set by systemd itself when the step before exec() failed: the program never ran.
public enum SystemdExitStatus {
    public static func name(_ status: Int32) -> String? { table[status]?.0 }

    public static func meaning(_ status: Int32) -> String {
        table[status]?.1 ?? "exit status \(status): the program's own error code"
    }

    /// Whether systemd itself failed before the program ran (the statuses 200 and up).
    public static func isSystemdStep(_ status: Int32) -> Bool { status >= 200 && status <= 245 }

    private static let table: [Int32: (String, String)] = [
        0: ("SUCCESS", "success"),
        1: ("FAILURE", "generic failure: the program reported an error (see its log lines)"),
        2: ("INVALIDARGUMENT", "invalid or excess arguments"),
        3: ("NOTIMPLEMENTED", "unimplemented feature"),
        4: ("NOPERMISSION", "the user has insufficient privileges"),
        5: ("NOTINSTALLED", "the program is not installed"),
        6: ("NOTCONFIGURED", "the program is not configured"),
        7: ("NOTRUNNING", "the program is not running"),
        64: ("USAGE", "command line usage error"), 65: ("DATAERR", "data format error"),
        66: ("NOINPUT", "cannot open input"), 67: ("NOUSER", "addressee unknown"),
        68: ("NOHOST", "host name unknown"), 69: ("UNAVAILABLE", "service unavailable"),
        70: ("SOFTWARE", "internal software error"), 71: ("OSERR", "system error (e.g. can't fork)"),
        72: ("OSFILE", "critical OS file missing"), 73: ("CANTCREAT", "can't create (user) output file"),
        74: ("IOERR", "input/output error"),
        75: ("TEMPFAIL", "temporary failure; the user is invited to retry"),
        76: ("PROTOCOL", "remote error in protocol"), 77: ("NOPERM", "permission denied"),
        78: ("CONFIG", "configuration error"),
        200: ("CHDIR", "systemd could not change to WorkingDirectory= (missing, or not accessible to User=)"),
        201: ("NICE", "systemd could not set the scheduling priority (Nice=)"),
        202: ("FDS", "systemd could not close unwanted file descriptors or adjust passed sockets"),
        203: (
            "EXEC",
            "systemd could not execute the program: ExecStart= names a file that is missing, not executable, or a script whose interpreter is missing"
        ),
        204: ("MEMORY", "systemd ran out of memory while starting the service"),
        205: ("LIMITS", "systemd could not set a resource limit (Limit*=)"),
        206: ("OOM_ADJUST", "systemd could not adjust the OOM score (OOMScoreAdjust=)"),
        207: ("SIGNAL_MASK", "systemd could not set the signal mask"),
        208: ("STDIN", "systemd could not set up standard input (StandardInput=)"),
        209: ("STDOUT", "systemd could not set up standard output (StandardOutput=)"),
        210: ("CHROOT", "systemd could not change the root directory (RootDirectory=/RootImage=)"),
        211: ("IOPRIO", "systemd could not set the IO scheduling priority (IOSchedulingClass=)"),
        212: ("TIMERSLACK", "systemd could not set the timer slack (TimerSlackNSec=)"),
        213: ("SECUREBITS", "systemd could not set the secure bits (SecureBits=)"),
        214: ("SETSCHEDULER", "systemd could not set the CPU scheduling policy (CPUSchedulingPolicy=)"),
        215: ("CPUAFFINITY", "systemd could not set the CPU affinity (CPUAffinity=)"),
        216: ("GROUP", "systemd could not switch to Group= (unknown group, or failure setting groups)"),
        217: ("USER", "systemd could not switch to User= (unknown user, or failure changing uid)"),
        218: (
            "CAPABILITIES",
            "systemd could not drop or set capabilities (CapabilityBoundingSet=, AmbientCapabilities=)"
        ),
        219: ("CGROUP", "systemd could not set up the service's cgroup"),
        220: ("SETSID", "systemd could not create a new session"),
        221: ("CONFIRM", "the start was refused at the confirmation prompt"),
        222: ("STDERR", "systemd could not set up standard error (StandardError=)"),
        224: ("PAM", "the PAM session could not be set up (PAMName=)"),
        225: ("NETWORK", "systemd could not set up the network namespace (PrivateNetwork=)"),
        226: (
            "NAMESPACE",
            "systemd could not set up the file-system namespace (ProtectSystem=, ReadWritePaths=, PrivateTmp=…: often a path that does not exist)"
        ),
        227: ("NO_NEW_PRIVILEGES", "systemd could not set no_new_privs (NoNewPrivileges=)"),
        228: ("SECCOMP", "systemd could not apply the system-call filter (SystemCallFilter=)"),
        229: ("SELINUX_CONTEXT", "systemd could not set the SELinux context (SELinuxContext=)"),
        230: ("PERSONALITY", "systemd could not set the execution domain (Personality=)"),
        231: ("APPARMOR", "systemd could not switch to the AppArmor profile (AppArmorProfile=)"),
        232: ("ADDRESS_FAMILIES", "systemd could not restrict address families (RestrictAddressFamilies=)"),
        233: ("RUNTIME_DIRECTORY", "systemd could not create RuntimeDirectory= under /run"),
        235: ("CHOWN", "systemd could not change the owner of the socket (SocketUser=/SocketGroup=)"),
        236: ("SMACK_PROCESS_LABEL", "systemd could not set the SMACK label (SmackProcessLabel=)"),
        237: ("KEYRING", "systemd could not set up the kernel keyring (KeyringMode=)"),
        238: ("STATE_DIRECTORY", "systemd could not create StateDirectory= under /var/lib"),
        239: ("CACHE_DIRECTORY", "systemd could not create CacheDirectory= under /var/cache"),
        240: ("LOGS_DIRECTORY", "systemd could not create LogsDirectory= under /var/log"),
        241: ("CONFIGURATION_DIRECTORY", "systemd could not create ConfigurationDirectory= under /etc"),
        242: ("NUMA_POLICY", "systemd could not set the NUMA policy (NUMAPolicy=)"),
        243: (
            "CREDENTIALS",
            "systemd could not set up the service's credentials (LoadCredential=, SetCredential=)"
        ),
        245: ("BPF", "systemd could not apply a BPF program (e.g. RestrictFileSystems=)"),
    ]
}
