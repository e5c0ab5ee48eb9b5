// swift-tools-version:6.0
import PackageDescription

// Layers, bottom to top (see docs/architecture.md): C shims → Encoding → Storage → CLI.
// A target imports only the targets below it.
let package = Package(
    name: "tidemark",
    platforms: [.macOS(.v15)],
    products: [
        .library(name: "TidemarkEncoding", targets: ["TidemarkEncoding"]),
        .library(name: "TidemarkStorage", targets: ["TidemarkStorage"]),
        .library(name: "TidemarkQuery", targets: ["TidemarkQuery"]),
        .library(name: "TidemarkWorkloads", targets: ["TidemarkWorkloads"]),
        .executable(name: "tidemark", targets: ["TidemarkCLI"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser.git", from: "1.8.2"),
    ],
    targets: [
        .systemLibrary(name: "CLZ4", pkgConfig: "liblz4", providers: [.apt(["liblz4-dev"])]),
        .systemLibrary(name: "CZlib", pkgConfig: "zlib", providers: [.apt(["zlib1g-dev"])]),
        .systemLibrary(name: "CEditline", pkgConfig: "libedit", providers: [.apt(["libedit-dev"])]),
        .target(name: "TidemarkEncoding", dependencies: ["CLZ4"]),
        .target(name: "TidemarkStorage", dependencies: ["TidemarkEncoding", "CZlib"]),
        .target(name: "TidemarkWorkloads", dependencies: ["TidemarkStorage"]),
        .target(name: "TidemarkQuery", dependencies: ["TidemarkStorage"]),
        .executableTarget(
            name: "TidemarkCLI",
            dependencies: [
                "CEditline",
                "TidemarkStorage",
                "TidemarkQuery",
                "TidemarkWorkloads",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]),
        .testTarget(name: "TidemarkEncodingTests", dependencies: ["TidemarkEncoding", "TidemarkWorkloads"]),
        .testTarget(name: "TidemarkStorageTests", dependencies: ["TidemarkStorage", "TidemarkWorkloads"]),
        .testTarget(name: "TidemarkQueryTests", dependencies: ["TidemarkQuery", "TidemarkStorage", "TidemarkWorkloads"]),
        .testTarget(name: "TidemarkWorkloadsTests", dependencies: ["TidemarkWorkloads", "TidemarkStorage"]),
        .testTarget(name: "TidemarkCLITests", dependencies: ["TidemarkCLI", "TidemarkStorage", "TidemarkWorkloads"]),
    ]
)
