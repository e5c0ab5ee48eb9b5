import ArgumentParser
import Foundation
import TidemarkQuery

/// `tidemark test-script`: runs PromQL test scripts (Prometheus's `promqltest` language).
struct TestScriptCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "test-script",
        abstract: "Run PromQL test scripts (Prometheus's promqltest .test files) against Tidemark's engine.",
        discussion: """
            Prints one line per failing case (file:line, query, expected vs got), then the
            number of cases not run because they need native histograms, then
            'N passed, N failed'. Exit status 1 when any case failed.

            Like Prometheus's runner, each instant query is also checked with '@ <time>' added
            to its selectors at other evaluation times, and as a range query around its
            time; --no-variants turns both off.

            Examples:
              tidemark test-script ../shared/promql-tests/upstream/*.test
              tidemark test-script ../shared/promql-tests/upstream        every .test file in it
              tidemark test-script --verbose functions.test
            """)

    @Argument(help: "Test script files, or directories whose .test files to run.")
    var files: [String]

    @Flag(help: "Only run each eval as written (no @-modifier and range-mode re-runs).")
    var noVariants = false

    @Flag(help: "Also print a per-file summary and any lines the script parser rejected.")
    var verbose = false

    func validate() throws {
        guard !files.isEmpty else { throw ValidationError("no test script given") }
    }

    func run() throws {
        var options = PromQLScriptRunner.Options()
        options.checkAtModifierVariants = !noVariants
        options.checkRangeMode = !noVariants
        let runner = PromQLScriptRunner.tidemark(options: options)
        var reports: [PromQLScriptRunner.FileReport] = []
        for f in try Self.expand(files) {
            let report: PromQLScriptRunner.FileReport
            do { report = try runner.run(file: f) } catch { throw CLIError("cannot read \(f): \(error.localizedDescription)") }
            for c in report.cases where c.failureMessage != nil {
                print(Self.oneLine(c.summary))
            }
            for issue in report.issues { Terminal.warn("\(f): \(issue)") }
            if verbose { Terminal.writeStderr("\(f): \(report.passed) passed, \(report.failed) failed, \(report.nativeHistogram) native histogram\n") }
            reports.append(report)
        }
        let totals = PromQLScriptRunner.Totals(reports)
        if verbose {
            let experimental = reports.filter { r in r.cases.first?.experimental ?? false }
            if !experimental.isEmpty {
                Terminal.writeStderr("of these, in files of experimental features: \(PromQLScriptRunner.Totals(experimental))\n")
            }
        }
        print("\(totals.nativeHistogram) native histogram cases not run")
        print("\(totals.passed) passed, \(totals.failed) failed")
        if totals.failed > 0 { throw ExitCode(1) }
    }

    /// Directories stand for the `.test` files in them, in name order.
    static func expand(_ args: [String]) throws -> [String] {
        var out: [String] = []
        for a in args {
            var isDir: ObjCBool = false
            if FileManager.default.fileExists(atPath: a, isDirectory: &isDir), isDir.boolValue {
                let names = try FileManager.default.contentsOfDirectory(atPath: a).filter { $0.hasSuffix(".test") }.sorted()
                if names.isEmpty { throw CLIError("no .test files in \(a)") }
                out += names.map { (a.hasSuffix("/") ? a : a + "/") + $0 }
            } else {
                out.append(a)
            }
        }
        return out
    }

    /// Keeps a report on one line.
    static func oneLine(_ s: String) -> String {
        s.replacingOccurrences(of: "\n", with: "\\n")
    }
}
