/// Where REPL input lines come from: the line editor on a terminal, plain lines from a
/// pipe or file.
protocol LineReader {
    /// The next line (without its line break).
    mutating func read(prompt: String) -> LineReaderEvent
    /// Remembers a complete input for history recall (no-op when there is no history).
    mutating func remember(_ input: String)
}

enum LineReaderEvent: Equatable {
    case line(String)
    /// Ctrl-C while editing: the line so far is dropped.
    case interrupted
    /// Ctrl-D on an empty line, or the end of piped input.
    case endOfInput
}

/// Lines from standard input without editing, prompts or history (piped mode).
struct PipedLineReader: LineReader {
    mutating func read(prompt: String) -> LineReaderEvent {
        readLine(strippingNewline: true).map(LineReaderEvent.line) ?? .endOfInput
    }

    mutating func remember(_ input: String) {}
}
