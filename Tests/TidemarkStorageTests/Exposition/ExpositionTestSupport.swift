import TidemarkStorage

/// A parsed entry in a form tests can compare.
enum Parsed: Equatable, CustomStringConvertible {
    case sample(Labels, Double, Int64)
    case help(String, String)
    case type(String, MetricType)
    case unit(String, String)

    /// Bitwise value comparison, so NaN == NaN and -0.0 != 0.0.
    static func == (a: Parsed, b: Parsed) -> Bool {
        switch (a, b) {
        case let (.sample(l1, v1, t1), .sample(l2, v2, t2)): l1 == l2 && v1.bitPattern == v2.bitPattern && t1 == t2
        case let (.help(f1, x1), .help(f2, x2)): f1 == f2 && x1 == x2
        case let (.type(f1, x1), .type(f2, x2)): f1 == f2 && x1 == x2
        case let (.unit(f1, x1), .unit(f2, x2)): f1 == f2 && x1 == x2
        default: false
        }
    }

    var description: String {
        switch self {
        case let .sample(l, v, t): "\(l) \(v) @\(t)"
        case let .help(f, x): "HELP \(f) \(x)"
        case let .type(f, x): "TYPE \(f) \(x)"
        case let .unit(f, x): "UNIT \(f) \(x)"
        }
    }
}

/// Parses all of `text`, building labels for every sample; stops at the first error.
func parseAll(_ text: String, _ format: ExpositionFormat? = nil, defaultTimestamp: Int64 = 0) throws(ExpositionError) -> [Parsed] {
    var parser = ExpositionParser(Array(text.utf8), format: format, defaultTimestamp: defaultTimestamp)
    var out: [Parsed] = []
    while let entry = try parser.next() {
        switch entry {
        case .sample(let s): out.append(.sample(try parser.labels(of: s), s.value, s.timestamp))
        case .help(let f, let t): out.append(.help(f, t))
        case .type(let f, let t): out.append(.type(f, t))
        case .unit(let f, let u): out.append(.unit(f, u))
        }
    }
    return out
}

/// The first error parsing `text` raises (from `next()` or `labels(of:)`), or nil.
func firstError(_ text: String, _ format: ExpositionFormat) -> ExpositionError? {
    do {
        _ = try parseAll(text, format)
        return nil
    } catch {
        return error
    }
}

/// Every error in `text` when skipping bad lines, and the samples that survived.
func parseSkipping(_ text: String, _ format: ExpositionFormat) -> (samples: [Parsed], errors: [ExpositionError]) {
    var parser = ExpositionParser(Array(text.utf8), format: format, defaultTimestamp: 0)
    var samples: [Parsed] = []
    var errors: [ExpositionError] = []
    while true {
        do {
            guard let entry = try parser.next() else { break }
            if case .sample(let s) = entry {
                samples.append(.sample(try parser.labels(of: s), s.value, s.timestamp))
            }
        } catch {
            errors.append(error)
        }
    }
    return (samples, errors)
}

func L(_ pairs: KeyValuePairs<String, String>) -> Labels {
    Labels(pairs.map { Label($0.key, $0.value) })
}

