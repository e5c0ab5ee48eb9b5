// swift-tools-version:6.1
// ordo-one/benchmark suites for Tidemark. A nested package, so the root build never
// compiles the benchmark stack. Run: cd Benchmarks && swift package --disable-sandbox benchmark
import PackageDescription

let package = Package(
    name: "tidemark-benchmarks",
    platforms: [.macOS(.v15)],
    dependencies: [
        .package(name: "tidemark", path: ".."),
        // Only the MallocInterposer trait: the default RuntimeInterposer trait pulls in a
        // package that is not in the local mirror.
        .package(url: "https://github.com/ordo-one/benchmark.git", from: "1.38.1", traits: ["MallocInterposer"]),
    ],
    targets: [
        .executableTarget(
            name: "EncodingBenchmarks",
            dependencies: [
                .product(name: "TidemarkEncoding", package: "tidemark"),
                .product(name: "Benchmark", package: "benchmark"),
            ],
            path: "Benchmarks/EncodingBenchmarks",
            plugins: [.plugin(name: "BenchmarkPlugin", package: "benchmark")]
        ),
    ]
)
