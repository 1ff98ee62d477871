import Testing

@testable import AiopsPlatform

#if canImport(Glibc)
    import Glibc
#endif

@Suite("DirectoryListing")
struct DirectoryListingTests {
    @Test("names with odd bytes come back exactly, . and .. never")
    func oddBytes() throws {
        let directory = try TemporaryDirectory()
        let names: [[UInt8]] = [
            Array("a".utf8), Array("with space".utf8), [0x01, 0x1B, 0x5B, 0x33, 0x31, 0x6D],
            [0xFF, 0xFE, 0x80],
            Array("line\nbreak".utf8), Array("ümlaut-名前".utf8), Array("...".utf8), Array(".hidden".utf8),
            [UInt8](repeating: 0x7A, count: 255),
        ]
        for name in names { try directory.createFile(named: name) }
        let listed = try DirectoryListing.entries(in: directory.path).get()
        #expect(Set(listed.map(\.nameBytes)) == Set(names))
        #expect(listed.allSatisfy { !$0.isDirectory })
    }

    @Test("a missing directory is a typed failure at opening, with ENOENT")
    func missing() {
        let result = DirectoryListing.entries(in: "/nonexistent-aiops-\(getpid())/nothing")
        guard case .failure(let error) = result else {
            Issue.record("listed a directory that does not exist")
            return
        }
        #expect(error.stage == .opening)
        #expect(error.errno == ENOENT)
        #expect(error.reason == .notFound)
    }

    @Test("a file is not a directory")
    func notADirectory() throws {
        let directory = try TemporaryDirectory()
        try directory.createFile(named: Array("plain".utf8))
        let result = DirectoryListing.entries(in: directory.path + "/plain")
        #expect(result.failureReason == .notADirectory)
    }

    @Test("an empty directory lists nothing and succeeds")
    func empty() throws {
        let directory = try TemporaryDirectory()
        let listed = try DirectoryListing.entries(in: directory.path).get()
        #expect(listed.isEmpty)
    }

    @Test("thousands of entries with long and short names, files and directories, with their inodes")
    func thousands() throws {
        let directory = try TemporaryDirectory()
        var expected: [String: (isDirectory: Bool, inode: UInt64)] = [:]
        for index in 0..<3000 {
            // Lengths cycle through 1…255 bytes so records of every size meet the buffer's end.
            let length = 1 + (index * 37) % 255
            let prefix = String(index)
            let name = prefix + String(repeating: "n", count: max(length - prefix.count, 0))
            let isDirectory = index % 7 == 0
            if isDirectory {
                #expect(mkdir(directory.path + "/" + name, 0o700) == 0)
            } else {
                try directory.createFile(named: Array(name.utf8))
            }
            var info = stat()
            #expect(lstat(directory.path + "/" + name, &info) == 0)
            expected[name] = (isDirectory, UInt64(info.st_ino))
        }
        var seen = 0
        DirectoryListing.forEachEntry(in: directory.path) { entry in
            seen += 1
            let wanted = expected[entry.name]
            #expect(wanted != nil, "unexpected entry \(entry.name)")
            #expect(wanted?.isDirectory == entry.isDirectory)
            #expect(wanted?.inode == entry.inode)
            return .next
        }
        #expect(seen == expected.count)
    }

    @Test("stopping early hands over no further entry")
    func stop() throws {
        let directory = try TemporaryDirectory()
        for index in 0..<10 { try directory.createFile(named: Array("f\(index)".utf8)) }
        var seen = 0
        let result = DirectoryListing.forEachEntry(in: directory.path) { _ in
            seen += 1
            return seen == 3 ? .stop : .next
        }
        #expect(seen == 3)
        #expect((try? result.get()) != nil)
    }

    @Test("decimal names are read as numbers, others are not")
    func decimal() throws {
        let directory = try TemporaryDirectory()
        for name in ["1", "4194304", "007", "12a", "-3", "+4", "1234567890", "x"] {
            try directory.createFile(named: Array(name.utf8))
        }
        var numbers: [Int32] = []
        DirectoryListing.forEachEntry(in: directory.path) { entry in
            if let value = entry.decimalValue { numbers.append(value) }
            return .next
        }
        #expect(numbers.sorted() == [1, 7, 4_194_304])
    }

    @Test("/proc lists this process")
    func procSelf() throws {
        let listed = try DirectoryListing.entries(in: "/proc").get()
        #expect(listed.contains { $0.name == String(getpid()) && $0.isDirectory })
    }

    /// The failure this type exists for: a short record that ends at the edge of readable memory.
    /// Reading `d_name` as a 256-byte Swift value from it faults; the entry reads only its bytes.
    @Test("a record that ends where readable memory ends is read without touching the next page")
    func recordAtThePageEdge() throws {
        let page = Int(sysconf(Int32(_SC_PAGESIZE)))
        guard let mapping = mmap(nil, 2 * page, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0),
            mapping != MAP_FAILED
        else { throw PlatformTestError.setup("mmap") }
        defer { munmap(mapping, 2 * page) }
        #expect(mprotect(mapping + page, page, PROT_NONE) == 0)
        let name = Array("1234".utf8)
        // d_name's offset, the name, its NUL, rounded up to 8 as the kernel does.
        let recordLength = (DirectoryEntry.nameOffset + name.count + 1 + 7) & ~7
        let record = mapping + page - recordLength
        record.initializeMemory(as: UInt8.self, repeating: 0, count: recordLength)
        record.storeBytes(of: 4242, toByteOffset: DirectoryEntry.inodeOffset, as: ino_t.self)
        record.storeBytes(
            of: UInt16(recordLength), toByteOffset: DirectoryEntry.reclenOffset, as: UInt16.self)
        record.storeBytes(of: UInt8(DT_DIR), toByteOffset: DirectoryEntry.typeOffset, as: UInt8.self)
        for (index, byte) in name.enumerated() {
            record.storeBytes(of: byte, toByteOffset: DirectoryEntry.nameOffset + index, as: UInt8.self)
        }
        let entry = DirectoryEntry(record: UnsafeRawPointer(record))
        #expect(Array(entry.nameBytes) == name)
        #expect(entry.decimalValue == 1234)
        #expect(entry.inode == 4242)
        #expect(entry.isDirectory)
    }

    @Test("a name without its NUL stops at the record's end")
    func unterminatedName() throws {
        let recordLength = DirectoryEntry.nameOffset + 5
        let record = UnsafeMutableRawPointer.allocate(byteCount: recordLength + 8, alignment: 8)
        defer { record.deallocate() }
        record.initializeMemory(as: UInt8.self, repeating: 0x41, count: recordLength + 8)
        record.storeBytes(
            of: UInt16(recordLength), toByteOffset: DirectoryEntry.reclenOffset, as: UInt16.self)
        let entry = DirectoryEntry(record: UnsafeRawPointer(record))
        #expect(entry.nameBytes.count == 5)
    }
}

enum PlatformTestError: Error {
    case setup(String)
}

extension Result where Failure == DirectoryListingError {
    var failureReason: DirectoryListingError.Reason? {
        if case .failure(let error) = self { return error.reason }
        return nil
    }
}

/// A directory under /tmp removed with everything in it at the end of the test.
final class TemporaryDirectory {
    let path: String

    init() throws {
        var template = Array("/tmp/aiops-platform-XXXXXX".utf8CString)
        guard let made = mkdtemp(&template) else { throw PlatformTestError.setup("mkdtemp") }
        path = String(cString: made)
    }

    func createFile(named name: [UInt8]) throws {
        let full = Array(path.utf8) + [47] + name + [0]
        let fd = full.withUnsafeBufferPointer { buffer in
            buffer.withMemoryRebound(to: CChar.self) {
                open($0.baseAddress!, O_WRONLY | O_CREAT | O_EXCL, 0o600)
            }
        }
        guard fd >= 0 else { throw PlatformTestError.setup("create \(name)") }
        close(fd)
    }

    deinit {
        removeTree(path)
    }
}

private func removeTree(_ path: String) {
    let entries = (try? DirectoryListing.entries(in: path).get()) ?? []
    for entry in entries {
        let full = Array(path.utf8) + [47] + entry.nameBytes
        let child = String(decoding: full, as: UTF8.self)
        if entry.isDirectory {
            removeTree(child)
        } else {
            let bytes = full + [0]
            _ = bytes.withUnsafeBufferPointer {
                $0.withMemoryRebound(to: CChar.self) { unlink($0.baseAddress!) }
            }
        }
    }
    rmdir(path)
}
