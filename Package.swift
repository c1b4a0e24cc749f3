// swift-tools-version:6.0
import PackageDescription

let package = Package(
    name: "Parley",
    platforms: [.macOS(.v13)],
    products: [
        .executable(name: "parley", targets: ["parley"]),
        .executable(name: "parleyd", targets: ["parleyd"]),
        .executable(name: "parley-bench", targets: ["parley-bench"]),
        .library(name: "Parley", targets: ["Parley"]),
        .library(name: "PQ", targets: ["PQ"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser.git", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-log.git", from: "1.16.2"),
        .package(url: "https://github.com/jpsim/Yams.git", from: "6.2.2"),
        .package(url: "https://github.com/x-sheep/swift-property-based.git", from: "2.0.1"),
    ],
    targets: [
        // The C interface to libpq. Only the PQ module imports it.
        .systemLibrary(
            name: "CLibPQ",
            pkgConfig: "libpq",
            providers: [.apt(["libpq-dev"])]
        ),
        // The one wrapper every POSIX call goes through: retries EINTR, throws an error naming the call and errno.
        .target(name: "SystemCalls"),
        // A small, correct Swift layer over libpq: connections, parameters, results, errors, LISTEN/NOTIFY.
        .target(name: "PQ", dependencies: ["CLibPQ", "SystemCalls"]),
        // The domain: migrations, alert planning calls, mail, import/export, calendars, configuration, sd_notify.
        .target(
            name: "Parley",
            dependencies: [
                "PQ",
                "SystemCalls",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Yams", package: "Yams"),
            ]
        ),
        .executableTarget(name: "parleyd", dependencies: ["Parley"]),
        // The benchmark of BENCHMARKS.md (`make bench`): generates data, measures, prints the table.
        .executableTarget(name: "parley-bench", dependencies: ["Parley", "PQ"]),
        .executableTarget(
            name: "parley",
            dependencies: [
                "Parley",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        .testTarget(name: "PQTests", dependencies: ["PQ"]),
        // Shared by the test targets: a migrated database per test, running the built programs.
        .target(name: "ParleyTestSupport", dependencies: ["Parley", "PQ"], path: "Tests/ParleyTestSupport"),
        .testTarget(
            name: "ParleyTests",
            dependencies: [
                "Parley", "PQ", "ParleyTestSupport", "SystemCalls",
                .product(name: "PropertyBased", package: "swift-property-based"),
            ]
        ),
        // Runs the built `parley` and `parleyd` binaries against the test database.
        .testTarget(name: "SystemTests", dependencies: ["Parley", "PQ", "ParleyTestSupport"]),
        // The Swift enums of the command line and the library against the database's enum types.
        .testTarget(name: "VocabularyTests", dependencies: ["parley", "Parley", "PQ", "ParleyTestSupport"]),
    ],
    swiftLanguageModes: [.v6]
)
