/// A PromQL syntax or type error, with where it happened.
///
/// `description` reads like Prometheus's: `1:15: parse error: unexpected "}" in label
/// matching, expected string` (line and column are 1-based; the column counts UTF-8 bytes
/// from the start of the line, as Prometheus does).
public struct ParseError: Error, Equatable, CustomStringConvertible, Sendable {
    /// The message without the position prefix.
    public var message: String
    /// Byte offsets into the query text.
    public var position: PositionRange
    /// 1-based line of `position.start`.
    public var line: Int
    /// 1-based column (in UTF-8 bytes) of `position.start`.
    public var column: Int

    public init(message: String, position: PositionRange, line: Int, column: Int) {
        self.message = message
        self.position = position
        self.line = line
        self.column = column
    }

    /// Builds an error, computing line and column from the query text.
    public init(_ message: String, at position: PositionRange, in input: String) {
        var line = 1
        var lastBreak = -1
        let start = max(0, position.start)
        for (i, b) in input.utf8.prefix(start).enumerated() where b == 0x0A {
            line += 1
            lastBreak = i
        }
        self.init(message: message, position: position, line: line, column: start - lastBreak)
    }

    public var description: String { "\(line):\(column): parse error: \(message)" }

    public static func == (a: ParseError, b: ParseError) -> Bool {
        a.message == b.message && a.line == b.line && a.column == b.column
            && a.position.start == b.position.start && a.position.end == b.position.end
    }
}

extension ParseError {
    /// The offending line of `input` with a caret under the error, then the message — for
    /// the REPL and the CLI:
    /// ```
    /// sum(rate(foo{a=}[5m]))
    ///                ^
    /// 1:16: parse error: unexpected "}" in label matching, expected string
    /// ```
    public func annotated(_ input: String) -> String {
        position.caretLines(in: input) + "\n" + description
    }
}

extension PositionRange {
    /// The line of `input` holding `start`, and under it a caret at `start` followed by
    /// `~` up to `end` (clipped to that line). Offsets are UTF-8 bytes; the padding counts
    /// characters so the caret lines up under multi-byte text.
    public func caretLines(in input: String) -> String {
        let bytes = Array(input.utf8)
        let start = min(max(0, self.start), bytes.count)
        var lineStart = start
        while lineStart > 0 && bytes[lineStart - 1] != 0x0A { lineStart -= 1 }
        var lineEnd = start
        while lineEnd < bytes.count && bytes[lineEnd] != 0x0A { lineEnd += 1 }
        let line = String(decoding: bytes[lineStart..<lineEnd], as: UTF8.self)
        let prefix = String(decoding: bytes[lineStart..<start], as: UTF8.self)
        let pad = String(prefix.map { $0 == "\t" ? "\t" : " " })
        let end = min(max(start + 1, self.end), lineEnd)
        let width = max(1, String(decoding: bytes[start..<max(start, end)], as: UTF8.self).count)
        return line + "\n" + pad + "^" + String(repeating: "~", count: width - 1)
    }
}
