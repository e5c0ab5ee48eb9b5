import Foundation

/// What a `tidemark` child process printed and how it exited.
struct TidemarkRun {
    var status: Int32
    var stdout: String
    var stderr: String
}

/// Runs the built `tidemark` with `args`, `environment` added to the test's own, and
/// `stdin` written to its standard input (which is then closed: never a terminal).
func tidemark(_ args: [String], environment: [String: String] = [:], stdin: String? = nil) throws -> TidemarkRun {
    let p = Process()
    p.executableURL = try tidemarkExecutable()
    p.arguments = args
    if !environment.isEmpty {
        p.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 }
    }
    let out = Pipe(), err = Pipe(), inp = Pipe()
    p.standardOutput = out
    p.standardError = err
    p.standardInput = inp
    try p.run()
    if let stdin { inp.fileHandleForWriting.write(Data(stdin.utf8)) }
    try inp.fileHandleForWriting.close()
    let o = out.fileHandleForReading.readDataToEndOfFile()
    let e = err.fileHandleForReading.readDataToEndOfFile()
    p.waitUntilExit()
    return TidemarkRun(status: p.terminationStatus, stdout: String(decoding: o, as: UTF8.self), stderr: String(decoding: e, as: UTF8.self))
}
