import AiopsCore
import AiopsSystemd
import Testing

@Suite("journalctl -o json parsing")
struct JournalJSONTests {
    @Test("every line captured from real systemd parses, with its fields")
    func capturedLinesParse() throws {
        for name in [
            "journal-crashloop.jsonl", "journal-steady.jsonl", "journal-startlimit.jsonl",
            "journal-missing-exec.jsonl", "journal-needs-broken.jsonl",
        ] {
            let lines = try JournalFixtures.lines(name)
            #expect(!lines.isEmpty)
            for line in lines {
                let entry = try #require(
                    JournalJSON.parse(line), "\(name): \(String(decoding: line, as: UTF8.self))")
                #expect(entry.realtimeMicroseconds != nil)
                #expect(entry.message != nil)
                #expect(entry.bootID?.count == 32)
            }
        }
        let first = try #require(try JournalFixtures.entries("journal-crashloop.jsonl").first)
        #expect(first.messageID == "39f53479d3a045ac8e11786248231fbf")
        #expect(first.pid == 1)
        #expect(first.word("JOB_TYPE") == "start")
    }

    @Test("byte arrays, null, repeated fields and escapes")
    func oddValues() throws {
        let line =
            Array(
                #"{"MESSAGE":[27,91,51,49,109,104,105,255],"BIG":null,"REPEATED":["one",[116,119,111],null],"#
                    .utf8)
            + Array(
                #""ESC":"a\"b\\c\/d\n\u001b\u00e9\ud83d\ude00","__REALTIME_TIMESTAMP":"1795586205391460"}"#
                    .utf8)
        let entry = try #require(JournalJSON.parse(line))
        #expect(entry.bytes("MESSAGE") == [27, 91, 51, 49, 109, 104, 105, 255])
        #expect(entry.message?.terminalSafe == "\\e[31mhi\\xff")
        #expect(entry.fields["BIG"] == [.omitted])
        #expect(entry.fields["REPEATED"] == [.bytes(Array("one".utf8)), .bytes(Array("two".utf8)), .omitted])
        #expect(entry.bytes("ESC") == Array("a\"b\\c/d\n\u{1b}é😀".utf8))
        #expect(entry.realtimeMicroseconds == 1_795_586_205_391_460)
    }

    @Test("a hostile value never passes as systemd's vocabulary")
    func hostileWords() throws {
        let entry = try #require(
            JournalJSON.parse(
                Array(#"{"MESSAGE_ID":"39f5\u001b[2J","_PID":"1 ","EXIT_STATUS":[49,49]}"#.utf8)))
        #expect(entry.messageID == nil)
        #expect(entry.pid == nil)
        #expect(entry.integer("EXIT_STATUS") == 11)
    }

    @Test(
        "malformed lines are nil, not a crash",
        arguments: [
            "", "{", "}", "[]", "{\"A\":}", "{\"A\":1}", "{\"A\":\"x\"", "{\"A\":[256]}", "{\"A\":[1,]}",
            "{\"A\":\"\\u12\"}", "{\"A\":\"x\"} trailing", "{\"A\":true}", "{\"A\" \"x\"}", "null",
            "{\"A\":[[1,2],[3,]]}",
        ])
    func malformed(_ text: String) {
        #expect(JournalJSON.parse(Array(text.utf8)) == nil)
    }

    @Test("random bytes never crash the parser")
    func fuzz() {
        var generator = SystemRandomNumberGenerator()
        let alphabet = Array(#"{}[]":,\nu0123456789abcdefABCDEF null "#.utf8) + [0, 0xff, 0xc3, 0x1b]
        for _ in 0..<5000 {
            let length = Int.random(in: 0..<40, using: &generator)
            let bytes = (0..<length).map { _ in alphabet.randomElement(using: &generator)! }
            _ = JournalJSON.parse(Array(#"{"K":"#.utf8) + bytes)
            _ = JournalJSON.parse(bytes)
        }
    }
}
