import Foundation

/// Every file under a store directory with its bytes: taken before and after
/// a refused command to show that nothing in the store changed (rings,
/// cursors, quarantine, alert state, logs — and no new file either).
struct StoreSnapshot: Equatable {
    var files: [String: Data]

    init(_ directory: String) {
        var files: [String: Data] = [:]
        let enumerator = FileManager.default.enumerator(atPath: directory)
        while let relative = enumerator?.nextObject() as? String {
            var isDirectory: ObjCBool = false
            let path = directory + "/" + relative
            guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory), !isDirectory.boolValue else { continue }
            files[relative] = FileManager.default.contents(atPath: path) ?? Data()
        }
        self.files = files
    }

    /// What differs, for a failure message.
    func difference(from other: StoreSnapshot) -> [String] {
        Set(files.keys).union(other.files.keys).sorted().filter { files[$0] != other.files[$0] }
    }
}
