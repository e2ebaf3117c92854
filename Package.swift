// swift-tools-version: 6.0
import PackageDescription

// haze builds with the Swift toolchain alone: no package dependencies.
// System libraries: zlib (gzip, deflate and CRC-32) and, through
// FoundationNetworking, libcurl.
//
// One target per layer; each depends only on the layers below it, so a wrong
// import does not compile (and `.ci/check-layers` fails on an undeclared one):
//
//   HazeModel ← HazeRegistry ─┐
//   HazeModel ← HazeStore ────┴ HazeIngest ← HazeSources
//   HazeModel ← HazeNet ──────────────────── HazeSources, HazeAlerts
//   HazeStore, HazeRegistry ← HazeAssessment ← HazeAlerts ← HazeReport ← HazeCLI ← haze
//   HazeAssessment, HazeNet ← HazeWarehouse ← HazeCLI   (ClickHouse: export and SQL ranking)
let package = Package(
    name: "haze",
    products: [
        .library(name: "HazeKit", targets: [
            "HazeModel", "HazeRegistry", "HazeStore", "HazeIngest", "HazeNet", "HazeSources",
            "HazeAssessment", "HazeAlerts", "HazeReport", "HazeWarehouse",
        ]),
        .executable(name: "haze", targets: ["haze"]),
        .executable(name: "haze-bench", targets: ["haze-bench"]),
    ],
    targets: [
        .systemLibrary(name: "CZlib", providers: [.apt(["zlib1g-dev"])]),
        .target(name: "HazeModel", dependencies: ["CZlib"]),
        .target(name: "HazeRegistry", dependencies: ["HazeModel"]),
        .target(name: "HazeStore", dependencies: ["HazeModel"]),
        .target(name: "HazeIngest", dependencies: ["HazeModel", "HazeRegistry", "HazeStore"]),
        .target(name: "HazeNet", dependencies: ["HazeModel"]),
        .target(name: "HazeSources", dependencies: ["HazeModel", "HazeRegistry", "HazeStore", "HazeIngest", "HazeNet"]),
        .target(name: "HazeAssessment", dependencies: ["HazeModel", "HazeRegistry", "HazeStore"]),
        .target(name: "HazeAlerts", dependencies: ["HazeModel", "HazeRegistry", "HazeStore", "HazeAssessment", "HazeNet"]),
        .target(name: "HazeReport", dependencies: ["HazeModel", "HazeRegistry", "HazeStore", "HazeAssessment", "HazeAlerts"]),
        // Beside HazeReport, not in it: it talks to ClickHouse over HazeNet, which the
        // report layer must not see.
        .target(name: "HazeWarehouse", dependencies: ["HazeModel", "HazeRegistry", "HazeStore", "HazeAssessment", "HazeNet"]),
        .target(name: "HazeCLI", dependencies: [
            "HazeModel", "HazeRegistry", "HazeStore", "HazeIngest", "HazeNet", "HazeSources",
            "HazeAssessment", "HazeAlerts", "HazeReport", "HazeWarehouse",
        ]),
        .executableTarget(name: "haze", dependencies: ["HazeCLI"]),
        .executableTarget(name: "haze-bench", dependencies: [
            "HazeModel", "HazeRegistry", "HazeStore", "HazeIngest", "HazeAssessment", "HazeAlerts", "HazeReport",
        ]),
        .testTarget(
            name: "HazeKitTests",
            // `haze` is listed so the binary is built for the process-level tests
            // (kill -9, concurrent writers, the demo).
            dependencies: [
                "HazeModel", "HazeRegistry", "HazeStore", "HazeIngest", "HazeNet", "HazeSources",
                "HazeAssessment", "HazeAlerts", "HazeReport", "HazeWarehouse", "HazeCLI", "haze",
            ]
        ),
    ]
)
