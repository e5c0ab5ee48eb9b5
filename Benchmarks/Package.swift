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
        .executableTarget(
            name: "StorageBenchmarks",
            dependencies: [
                "StorageFixtures",
                .product(name: "TidemarkEncoding", package: "tidemark"),
                .product(name: "TidemarkStorage", package: "tidemark"),
                .product(name: "TidemarkWorkloads", package: "tidemark"),
                .product(name: "Benchmark", package: "benchmark"),
            ],
            path: "Benchmarks/StorageBenchmarks",
            plugins: [.plugin(name: "BenchmarkPlugin", package: "benchmark")]
        ),
        .executableTarget(
            name: "QueryBenchmarks",
            dependencies: [
                .product(name: "TidemarkQuery", package: "tidemark"),
                .product(name: "TidemarkStorage", package: "tidemark"),
                .product(name: "TidemarkWorkloads", package: "tidemark"),
                .product(name: "Benchmark", package: "benchmark"),
            ],
            path: "Benchmarks/QueryBenchmarks",
            plugins: [.plugin(name: "BenchmarkPlugin", package: "benchmark")]
        ),
        // Workload stream and scratch databases shared by StorageBenchmarks and StorageProfile.
        .target(
            name: "StorageFixtures",
            dependencies: [
                .product(name: "TidemarkStorage", package: "tidemark"),
                .product(name: "TidemarkWorkloads", package: "tidemark"),
            ],
            path: "Support/StorageFixtures"
        ),
        // The same work as a plain executable for valgrind --tool=callgrind (not under
        // Benchmarks/, so the benchmark plugin does not treat it as a suite):
        //   swift build -c release --product StorageProfile
        .executableTarget(
            name: "StorageProfile",
            dependencies: [
                "StorageFixtures",
                .product(name: "TidemarkEncoding", package: "tidemark"),
                .product(name: "TidemarkStorage", package: "tidemark"),
                .product(name: "TidemarkWorkloads", package: "tidemark"),
            ],
            path: "Profiling/StorageProfile"
        ),
    ]
)
