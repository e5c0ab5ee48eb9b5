/// A syntax or content error in exposition text, located by line and column.
///
/// `line` is 1-based. `column` is 1-based and counted in bytes: the byte offset of
/// the offending byte within its line, plus one (so a UTF-8 character before it
/// counts as its byte length). `message` says what was expected and what was found.
/// The parser does not know file names; a caller reading a file attaches one with
/// `inFile(_:)`, and `description` then starts with it:
/// `metrics.txt: line 17, column 23: expected '=' after label name "job", found '}'`.
public struct ExpositionError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The file the text came from, when the caller attached one.
    public var file: String?
    /// 1-based line number.
    public var line: Int
    /// 1-based byte column within the line.
    public var column: Int
    /// What was expected (and usually what was found instead).
    public var message: String

    public init(file: String? = nil, line: Int, column: Int, message: String) {
        self.file = file
        self.line = line
        self.column = column
        self.message = message
    }

    /// A copy naming `file`.
    public func inFile(_ file: String) -> ExpositionError {
        var e = self
        e.file = file
        return e
    }

    public var description: String {
        let location = "line \(line), column \(column): \(message)"
        if let file { return "\(file): \(location)" }
        return location
    }
}
