import Foundation

/// Gathers the lines of one input. An input goes on to the next line when the line ends
/// with `\`, and (when `continuesOpenBrackets`, as on a terminal) while a bracket, brace
/// or parenthesis is open or a string unterminated; an empty line ends it regardless
/// (so a mistyped query can always be sent). Lines starting with `#` are comments.
struct QueryInputBuffer {
    private(set) var lines: [String] = []
    var continuesOpenBrackets = true

    var isEmpty: Bool { lines.isEmpty }

    /// The input so far, lines joined with line breaks (parse errors name line:column).
    var text: String { lines.joined(separator: "\n") }

    /// Adds a line; returns the whole input when it is complete, else nil.
    mutating func add(_ line: String) -> String? {
        if line.hasSuffix("\\") {
            lines.append(String(line.dropLast()))
            return nil
        }
        let trimmed = line.trimmingCharacters(in: .whitespaces)
        if lines.isEmpty && trimmed.hasPrefix("#") { return nil }
        if trimmed.isEmpty && !lines.isEmpty {
            return take()
        }
        lines.append(line)
        return !continuesOpenBrackets || Self.isComplete(text) ? take() : nil
    }

    mutating func reset() { lines = [] }

    private mutating func take() -> String {
        defer { lines = [] }
        return text
    }

    /// Whether every bracket is closed and every string terminated (`#` starts a comment
    /// to the end of the line, as in PromQL).
    static func isComplete(_ text: String) -> Bool {
        var depth = 0
        var quote: Character?
        var escaped = false
        var comment = false
        for c in text {
            if comment {
                if c == "\n" { comment = false }
                continue
            }
            if let q = quote {
                if escaped { escaped = false } else if c == "\\" && q != "`" { escaped = true } else if c == q { quote = nil }
                continue
            }
            switch c {
            case "\"", "'", "`": quote = c
            case "(", "{", "[": depth += 1
            case ")", "}", "]": depth -= 1
            case "#": comment = true
            default: break
            }
        }
        return quote == nil && depth <= 0
    }
}
