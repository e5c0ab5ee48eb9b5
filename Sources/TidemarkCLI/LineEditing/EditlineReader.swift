import CEditline
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Line editing on a terminal through libedit: cursor keys, Ctrl-R search, history kept
/// in a file between runs, and Tab completion from a `CompletionEngine`.
///
/// libedit is global C state, so there is one reader per process, used from one thread.
struct EditlineReader: LineReader {
    let historyFile: String
    /// Entries kept in the history file.
    static let historyLimit: Int32 = 1000
    /// Characters that end a word for completion (libedit completes the text after the
    /// last of them). `:` is not among them: it belongs to metric names and commands.
    static let wordBreaks = " \t\n\"'`(){}[],=+-*/%^<>!~@;"

    init(historyFile: String, completion: CompletionEngine) {
        self.historyFile = historyFile
        CompletionBridge.engine = completion
        tidemark_rl_setup(strdup("tidemark"), CompletionBridge.generator, strdup(Self.wordBreaks))
        using_history()
        stifle_history(Self.historyLimit)
        _ = read_history(historyFile)
    }

    mutating func read(prompt: String) -> LineReaderEvent {
        errno = 0
        guard let raw = readline(prompt) else {
            // NULL: Ctrl-D, or a read interrupted by Ctrl-C (EINTR).
            return InterruptSignal.takePending() || errno == EINTR ? .interrupted : .endOfInput
        }
        defer { free(raw) }
        return .line(String(cString: raw))
    }

    mutating func remember(_ input: String) {
        // One history entry per input; multi-line inputs are recalled as one line.
        let entry = input.split(separator: "\n").joined(separator: " ")
        guard !entry.isEmpty else { return }
        add_history(entry)
        _ = write_history(historyFile)
    }
}

/// The C completion callback's view of the Swift completion engine. libedit calls the
/// generator with `state` 0 for the first match, then 1, 2, … until it returns NULL.
enum CompletionBridge {
    nonisolated(unsafe) static var engine: CompletionEngine?
    nonisolated(unsafe) static var matches: [String] = []
    nonisolated(unsafe) static var next = 0

    static let generator: @convention(c) (UnsafePointer<CChar>?, Int32) -> UnsafeMutablePointer<CChar>? = { text, state in
        if state == 0 {
            let word = text.map { String(cString: $0) } ?? ""
            matches = CompletionBridge.candidates(word: word)
            next = 0
        }
        guard next < matches.count else { return nil }
        next += 1
        return strdup(matches[next - 1])
    }

    /// Candidates for libedit's `word`, from the engine's view of the line up to the
    /// cursor. When the engine's word is longer (a label value with a space in it),
    /// the candidates lose the part before libedit's word.
    static func candidates(word: String) -> [String] {
        guard let engine, let buffer = tidemark_rl_line_buffer() else { return [] }
        let point = Int(tidemark_rl_point())
        let bytes = Array(String(cString: buffer).utf8.prefix(point))
        let completion = engine.complete(String(decoding: bytes, as: UTF8.self))
        tidemark_rl_set_append_character(completion.terminator.flatMap { $0.asciiValue.map(Int32.init) } ?? 0)
        guard completion.word.hasSuffix(word) else { return [] }
        let extra = completion.word.count - word.count
        return completion.candidates.map { String($0.dropFirst(extra)) }
    }
}
