// swift-tools-version: 6.0
import PackageDescription

// haze builds with the Swift toolchain alone: no package dependencies.
// System libraries: zlib (gzip for bundled samples and the raw archive) and,
// through FoundationNetworking, libcurl.
let package = Package(
    name: "haze",
    products: [
        .library(name: "HazeKit", targets: ["HazeKit"]),
        .executable(name: "haze", targets: ["haze"]),
        .executable(name: "haze-bench", targets: ["haze-bench"]),
    ],
    targets: [
        .systemLibrary(
            name: "CZlib",
            providers: [.apt(["zlib1g-dev"])]
        ),
        .target(
            name: "HazeKit",
            dependencies: ["CZlib"]
        ),
        .executableTarget(
            name: "haze",
            dependencies: ["HazeKit"]
        ),
        .executableTarget(
            name: "haze-bench",
            dependencies: ["HazeKit"]
        ),
        .testTarget(
            name: "HazeKitTests",
            // `haze` is listed so the binary is built for the process-level tests
            // (kill -9, concurrent writers, the demo).
            dependencies: ["HazeKit", "haze"],
            exclude: []
        ),
    ]
)
