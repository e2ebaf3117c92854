import Foundation
import Testing
@testable import HazeModel
@testable import HazeRegistry

/// City names are looked up by their bytes where that gives `String`'s own
/// answer (both names in NFC), and through `String` otherwise.
@Suite("Names compared by bytes", .onTestThreads)
struct NameKeyTests {
    /// Every scalar `isPlainlyNFC` accepts is one NFC leaves alone, alone and
    /// after a neighbour — checked against Foundation's normalisation, not against the rule.
    @Test("every character called plainly NFC is unchanged by NFC, alone and beside others")
    func plainlyNFCAgreesWithFoundation() throws {
        var accepted = 0
        for value in UInt32(0) ... 0xFFFF {
            guard let scalar = Unicode.Scalar(value) else { continue }
            let text = String(Character(scalar))
            guard NameKey.isPlainlyNFC(text) else { continue }
            accepted += 1
            #expect(text.precomposedStringWithCanonicalMapping.unicodeScalars.elementsEqual(text.unicodeScalars),
                    "U+\(String(value, radix: 16)) changes under NFC")
            for neighbour in ["A", "北", "\u{3000}"] {
                let pair = neighbour + text
                #expect(pair.precomposedStringWithCanonicalMapping.unicodeScalars.elementsEqual(pair.unicodeScalars))
            }
        }
        // ASCII, CJK punctuation, extension A, the unified block, the fullwidth forms.
        #expect(accepted > 128 + 6_000 + 20_000)
        // Not plain: a combining mark, a compatibility ideograph (NFC maps it), a Latin letter with an accent.
        for text in ["e\u{301}", "\u{F900}", "é", "延边\u{302A}"] { #expect(!NameKey.isPlainlyNFC(text), "\(text)") }
    }

    @Test("equal keys exactly when the bytes are equal; hashes follow")
    func keysByBytes() {
        #expect(NameKey("北京") == NameKey(String(decoding: Array("北京".utf8), as: UTF8.self)))
        #expect(NameKey("延边朝鲜族自治州") == NameKey("延边朝鲜族自治州"))
        #expect(NameKey("北京") != NameKey("北京市"))
        // Canonically equal strings with other bytes are different keys — which is why
        // only plainly-NFC names are looked up this way.
        #expect("\u{F900}" == "\u{8C48}")
        #expect(NameKey("\u{F900}") != NameKey("\u{8C48}"))
        var set: Set<NameKey> = [NameKey("周口"), NameKey("周口市")]
        #expect(!set.insert(NameKey("周口")).inserted)
    }

    @Test("names are ordered as String orders them, plain or not")
    func orderAsString() {
        var generator = SystemRandomNumberGenerator()
        let pieces = ["北", "京", "市", "延边", "朝鲜族", "A", "a", "Z", "0", "区", "\u{3000}", "Ｂ", "é", "e\u{301}", "\u{F900}", "\u{8C48}", "·", "\u{302A}", ""]
        let names = (0 ..< 400).map { _ in (0 ..< Int.random(in: 0 ... 4, using: &generator)).map { _ in pieces.randomElement(using: &generator) ?? "" }.joined() }
        for a in names.prefix(60) {
            for b in names {
                #expect(NameKey.inOrder(a, b) == (a < b), "\(a.unicodeScalars.map(\.value)) vs \(b.unicodeScalars.map(\.value))")
            }
        }
        #expect(["周口", "北京", "延边朝鲜族自治州", "上海"].sorted(by: NameKey.inOrder) == ["上海", "北京", "周口", "延边朝鲜族自治州"].sorted())
    }

    @Test("aliases resolve as String would: by bytes for plain names, through String when an alias is not plainly NFC")
    func aliasesResolveAsStringWould() throws {
        var registry = StationRegistry()
        try registry.add(csv: Array("alias,city\n北京市,北京\n延边州,延边朝鲜族自治州\n".utf8), file: "aliases.csv")
        #expect(registry.aliases.canonical("北京市") == "北京")
        #expect(registry.aliases.canonical("延边州") == "延边朝鲜族自治州")
        #expect(registry.aliases.canonical("上海") == "上海")
        // A user's name written with a combining sequence still finds a plain alias (through String).
        try registry.add(csv: Array("alias,city\nCafe\u{301}城,咖啡城\n".utf8), file: "more.csv")
        #expect(registry.aliases.canonical("Caf\u{E9}城") == "咖啡城")
        // An alias written with a compatibility ideograph (U+F900 豈, NFC: U+8C48) matches
        // the plain spelling as String equality does, though their bytes differ.
        var other = StationRegistry()
        try other.add(csv: Array("alias,city\n\u{F900}州,甲城\n".utf8), file: "aliases.csv")
        #expect(other.aliases.canonical("\u{8C48}州") == "甲城")
    }
}
