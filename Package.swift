// swift-tools-version:6.0
import PackageDescription

// Layers, bottom to top (see docs/architecture.md): C shims → Encoding → Storage → Query →
// Server → CLI.
// A target imports only the targets below it.
let package = Package(
    name: "tidemark",
    platforms: [.macOS(.v15)],
    products: [
        .library(name: "TidemarkEncoding", targets: ["TidemarkEncoding"]),
        .library(name: "TidemarkStorage", targets: ["TidemarkStorage"]),
        .library(name: "TidemarkQuery", targets: ["TidemarkQuery"]),
        .library(name: "TidemarkWorkloads", targets: ["TidemarkWorkloads"]),
        .library(name: "TidemarkRemoteWrite", targets: ["TidemarkRemoteWrite"]),
        .library(name: "TidemarkServer", targets: ["TidemarkServer"]),
        .executable(name: "tidemark", targets: ["TidemarkCLI"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser.git", from: "1.8.2"),
        .package(url: "https://github.com/hummingbird-project/hummingbird.git", from: "2.28.1"),
        .package(url: "https://github.com/apple/swift-metrics.git", from: "2.13.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus.git", from: "2.4.1"),
        .package(url: "https://github.com/jpsim/Yams.git", from: "6.2.2"),
    ],
    targets: [
        .systemLibrary(name: "CLZ4", pkgConfig: "liblz4", providers: [.apt(["liblz4-dev"])]),
        .systemLibrary(name: "CZlib", pkgConfig: "zlib", providers: [.apt(["zlib1g-dev"])]),
        .systemLibrary(name: "CEditline", pkgConfig: "libedit", providers: [.apt(["libedit-dev"])]),
        // glibc's <malloc.h>: part of libc, nothing to link or install.
        .systemLibrary(name: "CMalloc", path: "Sources/CMalloc"),
        .systemLibrary(name: "CCRC32C", path: "Sources/CCRC32C"),
        .systemLibrary(name: "CSnappy", pkgConfig: "snappy", providers: [.apt(["libsnappy-dev"])]),
        .target(name: "TidemarkEncoding", dependencies: ["CLZ4", "CCRC32C"]),
        .target(name: "TidemarkStorage", dependencies: ["TidemarkEncoding", "CZlib"]),
        .target(name: "TidemarkWorkloads", dependencies: ["TidemarkStorage"]),
        .target(name: "TidemarkQuery", dependencies: ["TidemarkStorage"]),
        // Remote-write wire formats (snappy block format, protobuf messages): no HTTP, so
        // the fuzz targets build it without the server stack.
        .target(name: "TidemarkRemoteWrite", dependencies: ["CSnappy"]),
        .target(
            name: "TidemarkServer",
            dependencies: [
                "TidemarkStorage",
                "TidemarkQuery",
                "TidemarkRemoteWrite",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "Yams", package: "Yams"),
            ]),
        .executableTarget(
            name: "TidemarkCLI",
            dependencies: [
                "CEditline",
                "CMalloc",
                "TidemarkStorage",
                "TidemarkQuery",
                "TidemarkWorkloads",
                "TidemarkServer",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]),
        .testTarget(name: "TidemarkEncodingTests", dependencies: ["TidemarkEncoding", "TidemarkWorkloads"]),
        .testTarget(name: "TidemarkStorageTests", dependencies: ["TidemarkStorage", "TidemarkWorkloads"]),
        .testTarget(name: "TidemarkQueryTests", dependencies: ["TidemarkQuery", "TidemarkStorage", "TidemarkWorkloads"]),
        .testTarget(name: "TidemarkWorkloadsTests", dependencies: ["TidemarkWorkloads", "TidemarkStorage"]),
        .testTarget(name: "TidemarkRemoteWriteTests", dependencies: ["TidemarkRemoteWrite"]),
        .testTarget(
            name: "TidemarkServerTests",
            dependencies: [
                "TidemarkServer", "TidemarkQuery", "TidemarkStorage", "TidemarkRemoteWrite",
                .product(name: "Hummingbird", package: "hummingbird"),
            ]),
        .testTarget(name: "TidemarkCLITests", dependencies: ["TidemarkCLI", "TidemarkStorage", "TidemarkWorkloads"]),
    ]
)
