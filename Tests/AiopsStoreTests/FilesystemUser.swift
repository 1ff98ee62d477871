import Foundation
import Synchronization

/// Runs `body` on a new thread whose file-system uid is `uid`: how a test running as root
/// meets a permission check. setfsuid(2) is per thread (the rest of the test process stays
/// root), and moving the fsuid away from 0 drops CAP_DAC_OVERRIDE and CAP_DAC_READ_SEARCH
/// from that thread's effective set, so a mode-000 file is really unreadable to it.
/// glibc declares setfsuid in <sys/fsuid.h>, which Swift's Glibc module does not include: it
/// is looked up by name.
func asFilesystemUser<T: Sendable>(_ uid: UInt32, _ body: @escaping @Sendable () -> T) -> T {
    typealias SetFSUID = @convention(c) (UInt32) -> Int32
    let symbol = dlsym(dlopen(nil, RTLD_NOW), "setfsuid")
    precondition(symbol != nil, "setfsuid not found")
    let setfsuid = unsafeBitCast(symbol, to: SetFSUID.self)
    let result = Mutex<T?>(nil)
    let done = DispatchSemaphore(value: 0)
    let thread = Thread {
        _ = setfsuid(uid)
        let value = body()
        _ = setfsuid(0)
        result.withLock { $0 = value }
        done.signal()
    }
    thread.start()
    done.wait()
    return result.withLock { $0! }
}
