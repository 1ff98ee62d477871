import AiopsCore
import Foundation
import Testing

@testable import AiopsProc

@Suite("ProcCgroup.unifiedPath")
struct ProcCgroupTests {
    @Test("the 0:: line on a hybrid host")
    func hybrid() {
        let text = Array(
            "9:name=systemd:/system.slice/x.service\n4:memory:/a\n0::/system.slice/nginx.service\n".utf8)
        #expect(ProcCgroup.unifiedPath(text) == "/system.slice/nginx.service")
    }

    @Test("pure v1 has no unified path; a pure v2 root is '/'")
    func v1AndRoot() {
        #expect(ProcCgroup.unifiedPath(Array("1:cpu:/\n2:memory:/x\n".utf8)) == nil)
        #expect(ProcCgroup.unifiedPath(Array("0::/\n".utf8)) == "/")
        #expect(ProcCgroup.unifiedPath([]) == nil)
        #expect(ProcCgroup.unifiedPath(Array("10::/not-v2\n".utf8)) == nil)
    }

    @Test("path bytes are kept untrusted, without a newline")
    func hostilePath() {
        let path: [UInt8] = Array("/a\u{1B}[31m b".utf8) + [0xFF]
        #expect(ProcCgroup.unifiedPath(Array("0::".utf8) + path + [10])?.bytes == path)
    }

    @Test("our own cgroup file")
    func own() throws {
        let bytes = try #require(ProcFS().read("self/cgroup").bytes)
        let path = try #require(ProcCgroup.unifiedPath(bytes))
        #expect(path.bytes.first == UInt8(ascii: "/"))
        #expect(!path.bytes.contains(10))
    }
}

@Suite("mountinfo paths")
struct MountPathTests {
    @Test("octal escapes in mountinfo paths are decoded")
    func octalEscapes() {
        #expect(decodeMountPath(Array("/sys/fs/cgroup/unified".utf8)) == "/sys/fs/cgroup/unified")
        #expect(decodeMountPath(Array("/mnt/with\\040space".utf8)) == "/mnt/with space")
        #expect(decodeMountPath(Array("/a\\134b\\011c".utf8)) == "/a\\b\tc")
        #expect(decodeMountPath(Array("/trailing\\04".utf8)) == "/trailing\\04")
    }
}
