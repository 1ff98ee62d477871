/// Linux signal numbers and names (the generic numbering used by x86, arm64, riscv; the few
/// architectures with other numbers — alpha, mips, sparc, parisc — are not supported targets).
public enum SignalName {
    private static let names: [Int32: String] = [
        1: "SIGHUP", 2: "SIGINT", 3: "SIGQUIT", 4: "SIGILL", 5: "SIGTRAP", 6: "SIGABRT", 7: "SIGBUS",
        8: "SIGFPE", 9: "SIGKILL", 10: "SIGUSR1", 11: "SIGSEGV", 12: "SIGUSR2", 13: "SIGPIPE",
        14: "SIGALRM", 15: "SIGTERM", 16: "SIGSTKFLT", 17: "SIGCHLD", 18: "SIGCONT", 19: "SIGSTOP",
        20: "SIGTSTP", 21: "SIGTTIN", 22: "SIGTTOU", 23: "SIGURG", 24: "SIGXCPU", 25: "SIGXFSZ",
        26: "SIGVTALRM", 27: "SIGPROF", 28: "SIGWINCH", 29: "SIGIO", 30: "SIGPWR", 31: "SIGSYS",
    ]

    /// "SIGSEGV", "SIGRTMIN+3", or "SIG99" for numbers no kernel uses. Real-time signals are
    /// named as glibc, `kill -l` and systemd name them: glibc keeps 32 and 33 for itself, so
    /// SIGRTMIN is 34, and the upper half counts down from SIGRTMAX (64).
    public static func of(_ number: Int32) -> String {
        if let name = names[number] { return name }
        switch number {
        case 34: return "SIGRTMIN"
        case 35...49: return "SIGRTMIN+\(number - 34)"
        case 50...63: return "SIGRTMAX-\(64 - number)"
        case 64: return "SIGRTMAX"
        default: return "SIG\(number)"
        }
    }

    /// Accepts "SIGKILL", "KILL", "kill" or "9".
    public static func number(named text: String) -> Int32? {
        if let number = Int32(text), number > 0, number <= 64 { return number }
        let upper = text.uppercased()
        let wanted = upper.hasPrefix("SIG") ? upper : "SIG" + upper
        return names.first { $0.value == wanted }?.key
    }

    /// Signals whose default action dumps core (signal(7)).
    public static func dumpsCoreByDefault(_ number: Int32) -> Bool {
        [3, 4, 5, 6, 7, 8, 11, 24, 25, 31].contains(number)
    }
}

/// The si_code of a generated signal: who or what caused it.
public enum SignalCode {
    /// Whether a signal with this code was raised by the kernel on its own account — SI_KERNEL
    /// (the OOM killer, a PID namespace torn down), a timer expiring (SI_TIMER), I/O readiness
    /// or completion (SI_SIGIO, SI_ASYNCIO, SI_ASYNCNL, and SIGIO's POLL_* codes) — rather than by
    /// the task in whose context it was generated. Timers and I/O are signalled from interrupt
    /// context, where the "current" task is whatever happened to be running: naming it the
    /// sender would blame a bystander.
    public static func isFromKernel(_ code: Int32, signal: Int32) -> Bool {
        switch code {
        case 0x80, -2, -4, -5, -60: return true
        case 1...6: return signal == 29  // SIGIO/SIGPOLL: POLL_IN … POLL_HUP
        default: return false
        }
    }

    /// Names for the codes common to all signals, then the per-signal ones (siginfo.h).
    public static func name(_ code: Int32, signal: Int32) -> String {
        switch code {
        case 0: return "SI_USER"  // kill(2), including systemctl stop/kill
        case 0x80: return "SI_KERNEL"  // the kernel itself, e.g. the OOM killer
        case -1: return "SI_QUEUE"
        case -2: return "SI_TIMER"
        case -3: return "SI_MESGQ"
        case -4: return "SI_ASYNCIO"
        case -5: return "SI_SIGIO"
        case -6: return "SI_TKILL"  // tgkill/raise/abort
        case -7: return "SI_DETHREAD"
        case -60: return "SI_ASYNCNL"
        default: break
        }
        let perSignal: [Int32: [String]] = [
            4: [
                "ILL_ILLOPC", "ILL_ILLOPN", "ILL_ILLADR", "ILL_ILLTRP", "ILL_PRVOPC", "ILL_PRVREG",
                "ILL_COPROC", "ILL_BADSTK", "ILL_BADIADDR",
            ],
            8: [
                "FPE_INTDIV", "FPE_INTOVF", "FPE_FLTDIV", "FPE_FLTOVF", "FPE_FLTUND", "FPE_FLTRES",
                "FPE_FLTINV", "FPE_FLTSUB", "FPE_FLTUNK", "FPE_CONDTRAP",
            ],
            11: [
                "SEGV_MAPERR", "SEGV_ACCERR", "SEGV_BNDERR", "SEGV_PKUERR", "SEGV_ACCADI",
                "SEGV_ADIDERR", "SEGV_ADIPERR", "SEGV_MTEAERR", "SEGV_MTESERR", "SEGV_CPERR",
            ],
            7: ["BUS_ADRALN", "BUS_ADRERR", "BUS_OBJERR", "BUS_MCEERR_AR", "BUS_MCEERR_AO"],
            5: ["TRAP_BRKPT", "TRAP_TRACE", "TRAP_BRANCH", "TRAP_HWBKPT", "TRAP_UNK", "TRAP_PERF"],
            17: ["CLD_EXITED", "CLD_KILLED", "CLD_DUMPED", "CLD_TRAPPED", "CLD_STOPPED", "CLD_CONTINUED"],
            29: ["POLL_IN", "POLL_OUT", "POLL_MSG", "POLL_ERR", "POLL_PRI", "POLL_HUP"],
            31: ["SYS_SECCOMP", "SYS_USER_DISPATCH"],
        ]
        if code > 0, let names = perSignal[signal], Int(code) <= names.count {
            return names[Int(code) - 1]
        }
        return String(code)
    }
}

/// The `result` argument of the signal_generate tracepoint.
public enum SignalResult {
    public static func name(_ result: Int32) -> String {
        switch result {
        case 0: return "delivered"
        case 1: return "ignored"
        case 2: return "already_pending"
        case 3: return "overflow"
        case 4: return "info_lost"
        default: return String(result)
        }
    }
}
