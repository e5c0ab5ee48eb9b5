// swift-tools-version:6.0
// libFuzzer targets for Tidemark's decoders. A nested package, so the root
// `swift build` / `swift test` never builds them. Build and run with ./run.sh.
import PackageDescription

let package = Package(
    name: "tidemark-fuzz",
    dependencies: [
        .package(name: "tidemark", path: ".."),
    ],
    targets: [
        // The entry file is deliberately not main.swift: libFuzzer supplies `main`.
        .executableTarget(
            name: "FuzzChunkDecoder",
            dependencies: [.product(name: "TidemarkEncoding", package: "tidemark")]
        ),
        .executableTarget(
            name: "FuzzRemoteWrite",
            dependencies: [.product(name: "TidemarkRemoteWrite", package: "tidemark")]
        ),
        .executableTarget(
            name: "FuzzPromQLParser",
            dependencies: [.product(name: "TidemarkQuery", package: "tidemark")]
        ),
    ]
)
