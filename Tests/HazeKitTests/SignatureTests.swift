import Foundation
import Testing
@testable import HazeModel
@testable import HazeAlerts

/// SHA-256 and HMAC-SHA256 written by hand (HazeModel/Codec), checked against
/// the published test vectors; and the chat robots' signatures built on them.
@Suite("Signatures: SHA-256 (FIPS 180-4), HMAC-SHA256 (RFC 4231), Base64, DingTalk and Feishu signing", .onTestThreads)
struct SignatureTests {
    static func bytes(_ text: String) -> [UInt8] { Array(text.utf8) }

    static func hexBytes(_ hex: String) -> [UInt8] {
        var out: [UInt8] = []
        var index = hex.startIndex
        while index < hex.endIndex {
            let next = hex.index(index, offsetBy: 2)
            out.append(UInt8(hex[index..<next], radix: 16) ?? 0)
            index = next
        }
        return out
    }

    /// FIPS 180-4's examples (the one-block and two-block messages of the NIST
    /// example document), the empty message and a million 'a'.
    @Test("SHA-256 of the FIPS 180-4 example messages", arguments: [
        ("abc", "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"),
        ("", "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"),
        ("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq",
         "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1"),
        ("abcdefghbcdefghicdefghijdefghijkefghijklfghijklmghijklmnhijklmnoijklmnopjklmnopqklmnopqrlmnopqrsmnopqrstnopqrstu",
         "cf5b16a778af8380036ce59e7b0492370b249b11e8f07a51afac45037afee9d1"),
    ])
    func sha256(message: String, digest: String) {
        #expect(SHA256.hex(SHA256.hash(Self.bytes(message))) == digest)
    }

    @Test("SHA-256 of one million 'a' (and messages of every length around the 55/56/64-byte padding edges)")
    func sha256Long() {
        #expect(SHA256.hex(SHA256.hash([UInt8](repeating: 0x61, count: 1_000_000)))
                == "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0")
        // Padding edges: each length's digest differs from its neighbours' and is stable.
        var seen = Set<String>()
        for length in 50...130 { seen.insert(SHA256.hex(SHA256.hash([UInt8](repeating: 0x61, count: length)))) }
        #expect(seen.count == 81)
    }

    /// RFC 4231 §4.2–4.8, HMAC-SHA-256 (case 5 truncated to 128 bits as published).
    @Test("HMAC-SHA256: the seven RFC 4231 test cases", arguments: [
        ("0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b", "4869205468657265",
         "b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7"),
        ("4a656665", "7768617420646f2079612077616e7420666f72206e6f7468696e673f",
         "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843"),
        (String(repeating: "aa", count: 20), String(repeating: "dd", count: 50),
         "773ea91e36800e46854db8ebd09181a72959098b3ef8c122d9635514ced565fe"),
        ("0102030405060708090a0b0c0d0e0f10111213141516171819", String(repeating: "cd", count: 50),
         "82558a389a443c0ea4cc819899f2083a85f0faa3e578f8077a2e3ff46729665b"),
        ("0c0c0c0c0c0c0c0c0c0c0c0c0c0c0c0c0c0c0c0c", "546573742057697468205472756e636174696f6e",
         "a3b6167473100ee06e0c796c2955552b"),
        (String(repeating: "aa", count: 131),
         "54657374205573696e67204c6172676572205468616e20426c6f636b2d53697a65204b6579202d2048617368204b6579204669727374",
         "60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54"),
        (String(repeating: "aa", count: 131),
         "5468697320697320612074657374207573696e672061206c6172676572207468616e20626c6f636b2d73697a65206b657920616e642061206c6172676572207468616e20626c6f636b2d73697a6520646174612e20546865206b6579206e6565647320746f20626520686173686564206265666f7265206265696e6720757365642062792074686520484d414320616c676f726974686d2e",
         "9b09ffa71b942fcb27635fbcd5b0e944bfdc63644f0713938a7f51535c3a35e2"),
    ])
    func hmac(key: String, data: String, expected: String) {
        let mac = SHA256.hex(SHA256.hmac(key: Self.hexBytes(key), message: Self.hexBytes(data)))
        #expect(mac.hasPrefix(expected), "\(mac)")
        #expect(expected.count == 64 || expected.count == 32)
    }

    @Test("Base64: the RFC 4648 §10 test vectors")
    func base64() {
        let vectors = [("", ""), ("f", "Zg=="), ("fo", "Zm8="), ("foo", "Zm9v"), ("foob", "Zm9vYg=="),
                       ("fooba", "Zm9vYmE="), ("foobar", "Zm9vYmFy")]
        for (plain, encoded) in vectors { #expect(Base64.encode(Self.bytes(plain)) == encoded) }
        // Every byte value round-trips through Foundation's decoder.
        let all = (0...255).map(UInt8.init)
        #expect(Data(base64Encoded: Base64.encode(all)) == Data(all))
    }

    /// Values computed independently with Python's hmac, hashlib, base64 and
    /// urllib.parse.quote_plus, exactly as the vendors' documentation shows.
    @Test("DingTalk 加签 and Feishu 签名校验 equal the documented Python computation")
    func robotSignatures() {
        #expect(RobotSignature.dingTalk(timestampMilliseconds: 1_551_366_300_000, secret: "SEC1a2b3c4d5e6f")
                == "LyWJ5q%2Be4cdbH3QemDi83%2BzOcHhp%2B769B%2FgadqoNwm8%3D")
        #expect(RobotSignature.feishu(timestampSeconds: 1_551_366_300, secret: "feishu-secret-9")
                == "OtrcB5vTPD7NoyZYbr2oHcDAS2uG+PcbqNQSQsHE8/0=")
        #expect(RobotSignature.percentEncoded("a+b/c=d~e_f.g-h 中") == "a%2Bb%2Fc%3Dd~e_f.g-h%20%E4%B8%AD")
    }
}
