// swift-tools-version: 6.0
import PackageDescription
import Foundation

// Debug builds optimise the library too: the tests ingest, rank and replay the
// real 59-file sample many times, and unoptimised Swift does that 15× slower
// (28 s of CPU per ingest instead of 2). `HAZE_DEBUG_ONONE=1 swift build` keeps
// the usual -Onone for stepping through in a debugger.
let optimizedDebug: [SwiftSetting] = ProcessInfo.processInfo.environment["HAZE_DEBUG_ONONE"] == nil
    ? [.unsafeFlags(["-O"], .when(configuration: .debug))] : []

// Release binaries carry the Swift runtime and Foundation inside them
// (`-static-stdlib`, linked by the toolchain's lld): a process starts in about
// 8 ms instead of 15 (the dynamic loader relocating a dozen Swift libraries was
// most of a `haze rank`'s start), and an installed `haze` needs no Swift
// runtime on the machine, only glibc, libstdc++ and zlib (and libcurl for the
// commands that use the network: CLibcurl loads it on first use, not at every
// start). Debug builds (the tests) link as usual.
let staticRuntime: [LinkerSetting] = [
    // The objects are compiled against the shared modules, whose autolink
    // entries omit what the static archives need beside them (the list
    // `swiftc -static-stdlib -v` links for a program importing FoundationNetworking).
    .unsafeFlags(["-static-stdlib", "-use-ld=lld",
                  "-l_CFURLSessionInterface", "-l_FoundationICU", "-lCoreFoundation", "-lFoundationEssentials",
                  "-lFoundationInternationalization", "-l_FoundationCShims", "-l_FoundationCollections"],
                 .when(configuration: .release)),
]

// haze builds with the Swift toolchain alone: no package dependencies.
// System libraries: zlib (gzip, deflate and CRC-32) and, through
// FoundationNetworking, libcurl (loaded by CLibcurl when the network is first used).
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
        .target(name: "HazeModel", dependencies: ["CZlib"], swiftSettings: optimizedDebug),
        .target(name: "HazeRegistry", dependencies: ["HazeModel"], swiftSettings: optimizedDebug),
        .target(name: "HazeStore", dependencies: ["HazeModel"], swiftSettings: optimizedDebug),
        .target(name: "HazeIngest", dependencies: ["HazeModel", "HazeRegistry", "HazeStore"], swiftSettings: optimizedDebug),
        // libcurl's functions, forwarded to libcurl.so.4 opened on first use (see CLibcurl.c).
        // Debug builds link FoundationNetworking dynamically, with libcurl beside it: exporting
        // these definitions puts them in front of libcurl's there too, so the tests'
        // requests go through the same forwarding as a release binary's.
        .target(name: "CLibcurl", cSettings: [.define("HAZE_EXPORT_CURL", .when(configuration: .debug))], linkerSettings: [
            .linkedLibrary("dl"),
            .unsafeFlags(["-Xlinker", "--export-dynamic"], .when(configuration: .debug)),
        ]),
        .target(name: "HazeNet", dependencies: ["HazeModel", "CLibcurl"], swiftSettings: optimizedDebug),
        .target(name: "HazeSources", dependencies: ["HazeModel", "HazeRegistry", "HazeStore", "HazeIngest", "HazeNet"], swiftSettings: optimizedDebug),
        .target(name: "HazeAssessment", dependencies: ["HazeModel", "HazeRegistry", "HazeStore"], swiftSettings: optimizedDebug),
        .target(name: "HazeAlerts", dependencies: ["HazeModel", "HazeRegistry", "HazeStore", "HazeAssessment", "HazeNet"], swiftSettings: optimizedDebug),
        .target(name: "HazeReport", dependencies: ["HazeModel", "HazeRegistry", "HazeStore", "HazeAssessment", "HazeAlerts"], swiftSettings: optimizedDebug),
        // Beside HazeReport, not in it: it talks to ClickHouse over HazeNet, which the
        // report layer must not see.
        .target(name: "HazeWarehouse", dependencies: ["HazeModel", "HazeRegistry", "HazeStore", "HazeAssessment", "HazeNet"], swiftSettings: optimizedDebug),
        .target(name: "HazeCLI", dependencies: [
            "HazeModel", "HazeRegistry", "HazeStore", "HazeIngest", "HazeNet", "HazeSources",
            "HazeAssessment", "HazeAlerts", "HazeReport", "HazeWarehouse",
        ], swiftSettings: optimizedDebug),
        .executableTarget(name: "haze", dependencies: ["HazeCLI"], swiftSettings: optimizedDebug, linkerSettings: staticRuntime),
        .executableTarget(name: "haze-bench", dependencies: [
            "HazeModel", "HazeRegistry", "HazeStore", "HazeIngest", "HazeAssessment", "HazeAlerts", "HazeReport",
        ], swiftSettings: optimizedDebug, linkerSettings: staticRuntime),
        .testTarget(
            name: "HazeKitTests",
            // `haze` is listed so the binary is built for the process-level tests
            // (kill -9, concurrent writers, the demo); `haze-bench` for its synthetic
            // province (ProvinceScaleTests, `@testable import haze_bench`).
            dependencies: [
                "HazeModel", "HazeRegistry", "HazeStore", "HazeIngest", "HazeNet", "HazeSources",
                "HazeAssessment", "HazeAlerts", "HazeReport", "HazeWarehouse", "HazeCLI", "haze", "haze-bench",
            ]
        ),
    ]
)
