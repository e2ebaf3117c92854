import Foundation

/// The independent `.xlsx` reader (`Tests/Scripts/xlsx_read.py`): the standard
/// library's zipfile + XML parser always, openpyxl when a Python that has it
/// is found (`$HAZE_PYTHON`, the worktree's `.venv-xlsx/`, or `python3`).
enum SpreadsheetReader {
    /// A Python interpreter that imports openpyxl, if any.
    static let pythonWithOpenpyxl = Once { () async -> String? in
        var candidates: [String] = []
        if let explicit = ProcessInfo.processInfo.environment["HAZE_PYTHON"], !explicit.isEmpty { candidates.append(explicit) }
        candidates += [TestPaths.root + "/.venv-xlsx/bin/python3", "/usr/bin/python3"]
        for path in candidates where FileManager.default.isExecutableFile(atPath: path) {
            if (try? await Processes.run(path, ["-c", "import openpyxl"]).status) == 0 { return path }
        }
        return nil
    }

    /// Set by CI: openpyxl must be there, a missing one fails the test instead of skipping it.
    static var openpyxlRequired: Bool { ProcessInfo.processInfo.environment["HAZE_REQUIRE_OPENPYXL"] != nil }

    /// Why the openpyxl half is not run (nil when it is).
    static var openpyxlMissing: String? {
        get async { await pythonWithOpenpyxl.value == nil
            ? "openpyxl is not installed: the xlsx files were read with the standard library's zipfile and XML parser only; `python3 -m venv .venv-xlsx && .venv-xlsx/bin/pip install openpyxl` (CI does) to read them with openpyxl too"
            : nil }
    }

    /// The reader's JSON for `path`.
    static func read(_ path: String) async throws -> [String: Any] {
        let python = await pythonWithOpenpyxl.value ?? "/usr/bin/python3"
        let result = try await Processes.run(python, [TestPaths.scripts + "/xlsx_read.py", path])
        guard result.status == 0 else {
            throw NSError(domain: "xlsx_read", code: Int(result.status), userInfo: [NSLocalizedDescriptionKey: result.stderr])
        }
        return try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any] ?? [:]
    }

    /// The standard-library reading's sheets.
    static func sheets(_ reading: [String: Any]) -> [[String: Any]] {
        (reading["stdlib"] as? [String: Any])?["sheets"] as? [[String: Any]] ?? []
    }

    /// openpyxl's sheets, when it ran.
    static func openpyxlSheets(_ reading: [String: Any]) -> [[String: Any]]? {
        (reading["openpyxl"] as? [String: Any])?["sheets"] as? [[String: Any]]
    }

    /// A cell of the standard-library reading as text the way a CSV writes it
    /// (a number with the decimals of its format), for comparing with CSV cells.
    static func csvText(_ cell: [String: Any]) -> String {
        switch cell["t"] as? String {
        case "s": return cell["v"] as? String ?? ""
        case "n":
            let decimals = decimals(ofFormat: cell["fmt"])
            if let int = cell["v"] as? Int, decimals == 0 { return String(int) }
            let value = (cell["v"] as? Double) ?? Double(cell["v"] as? Int ?? 0)
            return String(format: "%.\(decimals)f", value)
        default: return ""
        }
    }

    /// `0.0` → 1; built-in 1 (`0`) → 0, 2 (`0.00`) → 2; General → 0.
    static func decimals(ofFormat format: Any?) -> Int {
        if let code = format as? String {
            guard let point = code.firstIndex(of: ".") else { return 0 }
            return code[code.index(after: point)...].count
        }
        return (format as? Int) == 2 ? 2 : 0
    }
}
