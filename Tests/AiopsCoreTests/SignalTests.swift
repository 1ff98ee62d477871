import AiopsCore
import Testing

@Suite("Signal names, si_codes and results")
struct SignalTests {
    @Test(
        "classic signals have their names",
        arguments: [
            (1, "SIGHUP"), (2, "SIGINT"), (6, "SIGABRT"), (9, "SIGKILL"), (11, "SIGSEGV"), (13, "SIGPIPE"),
            (15, "SIGTERM"), (17, "SIGCHLD"), (19, "SIGSTOP"), (31, "SIGSYS"),
        ])
    func classicNames(number: Int32, name: String) {
        #expect(SignalName.of(number) == name)
        #expect(SignalName.number(named: name) == number)
    }

    @Test("real-time signals are named as kill -l and glibc name them (SIGRTMIN is 34)")
    func realTimeSignals() {
        #expect(SignalName.of(32) == "SIG32")
        #expect(SignalName.of(33) == "SIG33")
        #expect(SignalName.of(34) == "SIGRTMIN")
        #expect(SignalName.of(35) == "SIGRTMIN+1")
        #expect(SignalName.of(49) == "SIGRTMIN+15")
        #expect(SignalName.of(50) == "SIGRTMAX-14")
        #expect(SignalName.of(63) == "SIGRTMAX-1")
        #expect(SignalName.of(64) == "SIGRTMAX")
    }

    @Test("numbers no kernel uses get a plain SIGn name")
    func unknownNumbers() {
        #expect(SignalName.of(0) == "SIG0")
        #expect(SignalName.of(65) == "SIG65")
        #expect(SignalName.of(-1) == "SIG-1")
    }

    @Test("number(named:) accepts SIGKILL, KILL, kill and 9, rejects the rest")
    func numberNamed() {
        #expect(SignalName.number(named: "SIGKILL") == 9)
        #expect(SignalName.number(named: "KILL") == 9)
        #expect(SignalName.number(named: "kill") == 9)
        #expect(SignalName.number(named: "9") == 9)
        #expect(SignalName.number(named: "64") == 64)
        #expect(SignalName.number(named: "0") == nil)
        #expect(SignalName.number(named: "65") == nil)
        #expect(SignalName.number(named: "-9") == nil)
        #expect(SignalName.number(named: "SIGNOPE") == nil)
        #expect(SignalName.number(named: "") == nil)
    }

    @Test("signals that dump core by default (signal(7))")
    func coreSignals() {
        for number: Int32 in [3, 4, 5, 6, 7, 8, 11, 24, 25, 31] {
            #expect(SignalName.dumpsCoreByDefault(number))
        }
        for number: Int32 in [1, 2, 9, 13, 14, 15, 17] { #expect(!SignalName.dumpsCoreByDefault(number)) }
    }

    @Test("si_code names: the common codes whatever the signal")
    func commonCodes() {
        #expect(SignalCode.name(0, signal: 15) == "SI_USER")
        #expect(SignalCode.name(0x80, signal: 9) == "SI_KERNEL")
        #expect(SignalCode.name(-6, signal: 6) == "SI_TKILL")
        #expect(SignalCode.name(-1, signal: 10) == "SI_QUEUE")
        #expect(SignalCode.name(-60, signal: 10) == "SI_ASYNCNL")
    }

    @Test("si_code names: the per-signal codes")
    func perSignalCodes() {
        #expect(SignalCode.name(1, signal: 11) == "SEGV_MAPERR")
        #expect(SignalCode.name(2, signal: 11) == "SEGV_ACCERR")
        #expect(SignalCode.name(1, signal: 8) == "FPE_INTDIV")
        #expect(SignalCode.name(2, signal: 7) == "BUS_ADRERR")
        #expect(SignalCode.name(1, signal: 17) == "CLD_EXITED")
        #expect(SignalCode.name(1, signal: 31) == "SYS_SECCOMP")
    }

    @Test("an unknown si_code is shown as its number")
    func unknownCodes() {
        #expect(SignalCode.name(1, signal: 9) == "1")  // SIGKILL has no per-signal codes
        #expect(SignalCode.name(11, signal: 11) == "11")  // one past SEGV_CPERR
        #expect(SignalCode.name(-99, signal: 11) == "-99")
    }

    @Test("signal_generate results")
    func results() {
        #expect(SignalResult.name(0) == "delivered")
        #expect(SignalResult.name(1) == "ignored")
        #expect(SignalResult.name(2) == "already_pending")
        #expect(SignalResult.name(3) == "overflow")
        #expect(SignalResult.name(4) == "info_lost")
        #expect(SignalResult.name(5) == "5")
    }

    @Test("the kernel, not the running task, raised: SI_KERNEL, timers, I/O; a kill or a fault is the task's")
    func fromKernel() {
        #expect(SignalCode.isFromKernel(0x80, signal: 9))  // OOM killer, namespace teardown
        #expect(SignalCode.isFromKernel(-2, signal: 14))  // a POSIX timer expiring
        #expect(SignalCode.isFromKernel(-5, signal: 29))  // SI_SIGIO
        #expect(SignalCode.isFromKernel(1, signal: 29))  // SIGIO POLL_IN, from an interrupt
        #expect(!SignalCode.isFromKernel(1, signal: 11))  // SEGV_MAPERR: the faulting task itself
        #expect(!SignalCode.isFromKernel(0, signal: 15))  // kill(2)
        #expect(!SignalCode.isFromKernel(-6, signal: 6))  // tgkill: abort()
        #expect(!SignalCode.isFromKernel(-1, signal: 10))  // sigqueue(3)
    }
}
