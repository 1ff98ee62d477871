#if canImport(Glibc)
    import Glibc
#endif

/// The history's size on disk: the database file and its write-ahead log (the -shm index is a
/// few tens of KiB, sized by SQLite; it is not counted).
enum FileSize {
    static func onDisk(_ path: String) -> Int64 {
        bytes(path) + bytes(path + "-wal")
    }

    private static func bytes(_ path: String) -> Int64 {
        var info = stat()
        return lstat(path, &info) == 0 ? Int64(info.st_size) : 0
    }
}
