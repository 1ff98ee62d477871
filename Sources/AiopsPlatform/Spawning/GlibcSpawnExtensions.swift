#if canImport(Glibc)
    import Glibc
#endif

// glibc functions and constants the Glibc module hides behind _GNU_SOURCE, looked up once.

/// POSIX_SPAWN_SETSID (glibc 2.26): the child calls setsid().
let posixSpawnSetSID: Int32 = 0x80

/// pipe2, for O_CLOEXEC at creation (pipe() then fcntl leaves a window for another thread's spawn).
let pipe2Function: @convention(c) (UnsafeMutablePointer<Int32>, Int32) -> Int32 = {
    guard let symbol = dlsym(UnsafeMutableRawPointer(bitPattern: 0), "pipe2") else {
        fatalError("glibc without pipe2")
    }
    return unsafeBitCast(symbol, to: (@convention(c) (UnsafeMutablePointer<Int32>, Int32) -> Int32).self)
}()

/// posix_spawn_file_actions_addclosefrom_np (glibc 2.34); ENOSYS where missing.
let addCloseFrom: @convention(c) (UnsafeMutablePointer<posix_spawn_file_actions_t>, Int32) -> Int32 = {
    guard
        let symbol = dlsym(UnsafeMutableRawPointer(bitPattern: 0), "posix_spawn_file_actions_addclosefrom_np")
    else { return { _, _ in ENOSYS } }
    return unsafeBitCast(
        symbol, to: (@convention(c) (UnsafeMutablePointer<posix_spawn_file_actions_t>, Int32) -> Int32).self)
}()

/// posix_spawn_file_actions_addchdir_np (glibc 2.29); ENOSYS where missing.
let addChangeDirectory:
    @convention(c) (UnsafeMutablePointer<posix_spawn_file_actions_t>, UnsafePointer<CChar>) -> Int32 = {
        guard
            let symbol = dlsym(UnsafeMutableRawPointer(bitPattern: 0), "posix_spawn_file_actions_addchdir_np")
        else { return { _, _ in ENOSYS } }
        return unsafeBitCast(
            symbol,
            to: (@convention(c) (UnsafeMutablePointer<posix_spawn_file_actions_t>, UnsafePointer<CChar>) ->
                Int32)
                .self)
    }()
