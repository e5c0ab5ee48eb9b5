import ArgumentParser
import Foundation
import TidemarkStorage
#if canImport(Glibc)
import Glibc
#endif

/// `tidemark import`: bulk-loads exposition text (Prometheus text or OpenMetrics, plain
/// or gzip) into blocks.
struct ImportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "import",
        abstract: "Bulk-load samples from Prometheus text or OpenMetrics files (optionally gzip-compressed).",
        discussion: """
            The format is detected from the content (OpenMetrics ends with '# EOF'; Prometheus
            text timestamps are milliseconds, OpenMetrics timestamps are seconds) or set with
            --format. Samples go straight into blocks, in any order. Bad lines are reported
            with file, line and column and skipped (counted), or stop the import with --strict.

            Examples:
              tidemark import --data ./data metrics.txt
              tidemark import --data ./data --format openmetrics dump.om.gz
              tidemark generate --hosts 50 --hours 2 | tidemark import --data ./data -
            """)

    @OptionGroup var dataOptions: DataOptions

    @Option(help: "Input format: auto, prometheus or openmetrics.")
    var format: String = "auto"

    @Flag(help: "Stop at the first bad line instead of skipping it.")
    var strict = false

    @Option(help: "Timestamp (ms) for samples that have none; default: now.")
    var defaultTimestamp: Int64?

    @Argument(help: "Files to import ('-' for standard input).")
    var files: [String]

    func validate() throws {
        guard ["auto", "prometheus", "openmetrics"].contains(format) else {
            throw ValidationError("--format: expected auto, prometheus or openmetrics; got '\(format)'")
        }
        guard !files.isEmpty else { throw ValidationError("no input files given") }
    }

    func run() throws {
        let db = try dataOptions.open()
        defer { try? db.close() }
        let started = Terminal.now()
        let importer = BulkImporter(db: db)
        var run = ImportRun(importer: importer, strict: strict, started: started)
        importer.onBlock = { meta in
            Terminal.progress("wrote block \(meta.ulid) (\(meta.stats.numSeries) series, \(meta.stats.numSamples) samples)")
        }
        let now = defaultTimestamp ?? Int64(Date().timeIntervalSince1970 * 1000)
        for file in files {
            try run.importFile(file, format: format == "auto" ? nil : (format == "openmetrics" ? .openMetrics : .prometheusText), defaultTimestamp: now)
        }
        let stats = try importer.finish()
        Terminal.endProgress()
        let secs = Terminal.now() - started
        var summary = "imported \(stats.series) series, \(stats.samples) samples in \(Terminal.fmt(secs)) s (\(Terminal.human(Double(stats.samples) / max(secs, 1e-9))) samples/s) into \(stats.blocks.count) block(s)"
        if stats.duplicates > 0 { summary += "; \(stats.duplicates) duplicate samples dropped" }
        if run.badLines > 0 { summary += "; \(run.badLines) bad line(s) skipped" }
        print(summary)
        if run.badLines > 0 && strict { throw ExitCode(1) }
    }
}

/// The state of one `import` invocation across files.
struct ImportRun {
    let importer: BulkImporter
    let strict: Bool
    let started: Double
    var cache = SeriesTextCache()
    var badLines = 0
    var lastProgress = 0.0
    static let maxReportedErrors = 20

    mutating func importFile(_ file: String, format: ExpositionFormat?, defaultTimestamp: Int64) throws {
        var bytes: [UInt8]
        if file == "-" {
            bytes = Array(FileHandle.standardInput.readDataToEndOfFile())
        } else {
            bytes = try Self.readWholeFile(file)
        }
        if Gzip.isGzip(bytes) {
            do { bytes = try Gzip.decompress(bytes) } catch { throw CLIError("\(file): \(error)") }
        }
        var parser = ExpositionParser(bytes, format: format, defaultTimestamp: defaultTimestamp)
        let name = file == "-" ? "<stdin>" : file
        var lineCache = cache
        defer { cache = lineCache }
        while true {
            let entry: ExpositionEntry?
            do {
                entry = try parser.next()
            } catch {
                try bad(error.inFile(name))
                continue
            }
            guard let entry else { break }
            guard case .sample(let s) = entry else { continue }
            let key = parser.seriesBytes(of: s)
            let id: Int
            if let known = lineCache.lookup(key) {
                id = known
            } else {
                do {
                    id = importer.seriesID(for: try parser.labels(of: s))
                } catch {
                    try bad(error.inFile(name))
                    continue
                }
                lineCache.insert(key, id: id)
            }
            try importer.add(series: id, s.timestamp, s.value)
            if importer.stats.samples & 0xFFFF == 0 { progress(name) }
        }
    }

    /// Reads a file straight into an array (no intermediate `Data` copy).
    static func readWholeFile(_ path: String) throws -> [UInt8] {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { throw CLIError("cannot read \(path): \(String(cString: strerror(errno)))") }
        defer { close(fd) }
        var st = stat()
        guard fstat(fd, &st) == 0 else { throw CLIError("cannot stat \(path): \(String(cString: strerror(errno)))") }
        let size = Int(st.st_size)
        var failed: Int32 = 0
        let bytes = [UInt8](unsafeUninitializedCapacity: size) { buf, count in
            var done = 0
            while done < size {
                let n = read(fd, buf.baseAddress! + done, size - done)
                if n < 0 {
                    if errno == EINTR { continue }
                    failed = errno
                    break
                }
                if n == 0 { break }
                done += n
            }
            count = done
        }
        if failed != 0 { throw CLIError("cannot read \(path): \(String(cString: strerror(failed)))") }
        return bytes
    }

    mutating func bad(_ error: ExpositionError) throws {
        badLines += 1
        if strict { throw CLIError("\(error)") }
        if badLines <= Self.maxReportedErrors {
            Terminal.endProgress()
            Terminal.warn("skipping bad line: \(error)")
        } else if badLines == Self.maxReportedErrors + 1 {
            Terminal.warn("more bad lines; only counting them from now on")
        }
    }

    mutating func progress(_ file: String) {
        let now = Terminal.now()
        guard now - lastProgress > 0.25 else { return }
        lastProgress = now
        let n = importer.stats.samples
        Terminal.progress("\(file): \(Terminal.human(Double(n))) samples, \(importer.stats.series) series, \(Terminal.human(Double(n) / max(now - started, 1e-9))) samples/s")
    }
}
