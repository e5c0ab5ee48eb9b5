import TidemarkStorage

/// Parses the PromQL test-script language (Prometheus's `promqltest` files).
///
/// Lines are trimmed; a `#` line counts as blank, so a comment ends the block it is in.
/// Commands: `clear`, `load[_with_nhcb] <interval>` followed by series lines, and
/// `eval[_fail|_warn|_info|_ordered] instant at <t> <query>` /
/// `eval[…] range from <t> to <t> step <d> <query>` followed by expectation lines.
public enum PromQLScriptParser {
    public static func parse(_ text: String, name: String = "<script>") -> PromQLScript {
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false).map { raw -> String in
            let t = raw.trimmed(" \t\r")
            return t.hasPrefix("#") ? "" : t
        }
        var commands: [ScriptCommand] = []
        var issues: [ScriptParseIssue] = []
        var i = 0
        while i < lines.count {
            let l = lines[i]
            if l.isEmpty { i += 1; continue }
            let word = l.prefix { $0 != " " && $0 != "\t" }.lowercased()
            // The block: following non-blank lines.
            var end = i + 1
            while end < lines.count && !lines[end].isEmpty { end += 1 }
            let body = Array(lines[(i + 1)..<end].enumerated().map { (i + 2 + $0.offset, $0.element) })
            if word == "clear" {
                commands.append(.clear(line: i + 1))
                i += 1
                continue
            } else if word.hasPrefix("load") {
                do { commands.append(.load(try parseLoad(l, line: i + 1, body: body))) } catch { issues.append(ScriptParseIssue(line: error.line, message: error.message)) }
                i = end
            } else if word.hasPrefix("eval") {
                do {
                    let (cmd, consumed) = try parseEval(l, line: i + 1, body: body)
                    commands.append(.eval(cmd))
                    // A scalar or an `expected_fail_*` line ends the block; what follows is
                    // read as commands again (as upstream does).
                    i = i + 1 + consumed
                    continue
                } catch {
                    issues.append(ScriptParseIssue(line: error.line, message: error.message))
                    commands.append(.invalidEval(line: i + 1, query: queryText(l), message: error.message))
                }
                i = end
            } else {
                issues.append(ScriptParseIssue(line: i + 1, message: "invalid command \"\(l)\""))
                i += 1
            }
        }
        return PromQLScript(name: name, commands: commands, issues: issues)
    }

    struct Failure: Error {
        var line: Int
        var message: String
    }

    // MARK: load

    static func parseLoad(_ header: String, line: Int, body: [(Int, String)]) throws(Failure) -> LoadCommand {
        let parts = splitWords(header)
        guard parts.count == 2, parts[0] == "load" || parts[0] == "load_with_nhcb" else {
            throw Failure(line: line, message: "invalid load command (load[_with_nhcb] <step:duration>)")
        }
        guard let gap = parseDuration(parts[1]) else { throw Failure(line: line, message: "invalid step definition \"\(parts[1])\"") }
        var cmd = LoadCommand(line: line, interval: gap, withNHCB: parts[0] == "load_with_nhcb", series: [])
        for (n, l) in body {
            do {
                if isStartTimestampLine(l) {
                    let (labels, offsets) = try parseStartTimestampLine(l)
                    cmd.startOffsets[labels] = offsets
                } else {
                    cmd.series.append(try parseSeriesDescription(l, line: n))
                }
            } catch { throw Failure(line: n, message: error.message) }
        }
        return cmd
    }

    /// `metric{…}@st <offsets>` or `@st <offsets>`.
    static func isStartTimestampLine(_ l: String) -> Bool {
        guard let sp = l.firstIndex(where: { $0 == " " || $0 == "\t" }) else { return false }
        return l[..<sp].hasSuffix("@st")
    }

    // MARK: eval

    /// The query part of an eval line, for reports when the line is malformed.
    static func queryText(_ l: String) -> String {
        let w = splitWords(l)
        if w.count > 3, w[1] == "instant" { return w.dropFirst(4).joined(separator: " ") }
        if w.count > 7, w[1] == "range" { return w.dropFirst(8).joined(separator: " ") }
        return l
    }

    /// Returns the command and how many body lines it consumed.
    static func parseEval(_ header: String, line: Int, body: [(Int, String)]) throws(Failure) -> (EvalCommand, Int) {
        func fail(_ m: String) -> Failure { Failure(line: line, message: m) }
        var rest = Substring(header)
        let word = takeWord(&rest)
        var modifier = ""
        if word != "eval" {
            guard word.hasPrefix("eval_") else { throw fail("invalid evaluation command") }
            modifier = String(word.dropFirst(5))
            guard ["fail", "warn", "info", "ordered"].contains(modifier) else { throw fail("invalid evaluation command modifier \"\(modifier)\"") }
        }
        let mode = takeWord(&rest)
        var cmd: EvalCommand
        if mode == "instant" {
            guard takeWord(&rest) == "at" else { throw fail("expected 'at <time>' after 'instant'") }
            let at = takeWord(&rest)
            guard let t = parseDuration(at) else { throw fail("invalid timestamp definition \"\(at)\"") }
            let q = rest.trimmed(" \t")
            guard !q.isEmpty else { throw fail("missing query") }
            cmd = EvalCommand(line: line, query: q, kind: .instant(at: t))
        } else if mode == "range" {
            guard modifier != "ordered" else { throw fail("eval_ordered is not allowed for range queries") }
            guard takeWord(&rest) == "from" else { throw fail("expected 'from'") }
            let from = takeWord(&rest)
            guard takeWord(&rest) == "to" else { throw fail("expected 'to'") }
            let to = takeWord(&rest)
            guard takeWord(&rest) == "step" else { throw fail("expected 'step'") }
            let step = takeWord(&rest)
            guard let s = parseDuration(from) else { throw fail("invalid start timestamp definition \"\(from)\"") }
            guard let e = parseDuration(to) else { throw fail("invalid end timestamp definition \"\(to)\"") }
            guard let d = parseDuration(step) else { throw fail("invalid step definition \"\(step)\"") }
            guard e >= s else { throw fail("invalid test definition, end timestamp (\(to)) is before start timestamp (\(from))") }
            let q = rest.trimmed(" \t")
            guard !q.isEmpty else { throw fail("missing query") }
            cmd = EvalCommand(line: line, query: q, kind: .range(start: s, end: e, step: d))
        } else {
            throw fail("invalid evaluation command: expected 'instant' or 'range'")
        }
        switch modifier {
        case "fail": cmd.expectFail = .any
        case "warn": cmd.requireWarn = true
        case "info": cmd.requireInfo = true
        case "ordered": cmd.ordered = true
        default: break
        }

        var consumed = 0
        for (n, l) in body {
            consumed += 1
            func failHere(_ m: String) -> Failure { Failure(line: n, message: m) }
            if cmd.expectFail != nil, l.hasPrefix("expected_fail_message") {
                cmd.expectFail = .exactly(String(l.dropFirst("expected_fail_message".count)).trimmed(" \t"))
                break
            }
            if cmd.expectFail != nil, l.hasPrefix("expected_fail_regexp") {
                let p = String(l.dropFirst("expected_fail_regexp".count)).trimmed(" \t")
                guard (try? Regex(p)) != nil else { throw failHere("invalid regexp '\(p)' for expected_fail_regexp") }
                cmd.expectFail = .regex(p)
                break
            }
            if l.hasPrefix("expect range vector") {
                let w = splitWords(l)
                guard w.count == 9, w[3] == "from", w[5] == "to", w[7] == "step",
                      let s = parseDuration(w[4]), let e = parseDuration(w[6]), let d = parseDuration(w[8]) else {
                    throw failHere("invalid range vector definition \"\(l)\"")
                }
                guard case .instant = cmd.kind else { throw failHere("expect range vector is only for instant queries") }
                cmd.rangeVector = (s, e, d)
                continue
            }
            if l.hasPrefix("expect string") {
                let lit = l.dropFirst("expect string".count).trimmed(" \t")
                guard let s = unquoteGoString(Substring(lit)) else { throw failHere("expected string literal not valid - check that the string is correctly quoted") }
                cmd.expectedString = s
                continue
            }
            if l.split(separator: " ", maxSplits: 1, omittingEmptySubsequences: false).first == "expect" {
                try parseExpect(l, into: &cmd, line: n)
                continue
            }
            if let f = parseScalarNumber(l) {
                cmd.expectedScalar = f
                break
            }
            let s: SeriesDescription
            do { s = try parseSeriesDescription(l, line: n) } catch { throw failHere(error.message) }
            if s.values.count > 1, case .instant = cmd.kind, cmd.rangeVector == nil {
                throw failHere("expecting multiple values in instant evaluation not allowed. consider using 'expect range vector' directive to enable a range vector result for an instant query")
            }
            if let i = cmd.expectedSeries.firstIndex(where: { $0.labels == s.labels }) { cmd.expectedSeries.remove(at: i) }
            cmd.expectedSeries.append(s)
        }
        return (cmd, consumed)
    }

    static func parseExpect(_ l: String, into cmd: inout EvalCommand, line: Int) throws(Failure) {
        var rest = Substring(l)
        _ = takeWord(&rest)
        let kind = takeWord(&rest)
        var matcher = MessageMatcher.any
        let opt = rest.trimmed(" \t")
        if !opt.isEmpty {
            if opt.hasPrefix("msg:") {
                matcher = .exactly(String(opt.dropFirst(4)).trimmed(" \t"))
            } else if opt.hasPrefix("regex:") {
                let p = String(opt.dropFirst(6)).trimmed(" \t")
                guard (try? Regex(p)) != nil else { throw Failure(line: line, message: "invalid regex \(p) for \(kind)") }
                matcher = .regex(p)
            } else {
                throw Failure(line: line, message: "invalid expect statement, must match `expect <type> <match_type>: <string>` format")
            }
        }
        switch kind {
        case "fail":
            guard cmd.expectFail == nil || !cmd.expectFailFromExpectLine else { throw Failure(line: line, message: "invalid expect lines, multiple expect fail lines are not allowed") }
            cmd.expectFail = matcher
            cmd.expectFailFromExpectLine = true
        case "ordered":
            guard case .instant = cmd.kind else { throw Failure(line: line, message: "expect ordered is not allowed for range queries") }
            cmd.ordered = true
        case "warn":
            guard !cmd.expectNoWarn else { throw Failure(line: line, message: "invalid expect lines, warn and no_warn cannot be used together") }
            cmd.warnMatchers.append(matcher)
        case "no_warn":
            guard cmd.warnMatchers.isEmpty else { throw Failure(line: line, message: "invalid expect lines, warn and no_warn cannot be used together") }
            cmd.expectNoWarn = true
        case "info":
            guard !cmd.expectNoInfo else { throw Failure(line: line, message: "invalid expect lines, info and no_info cannot be used together") }
            cmd.infoMatchers.append(matcher)
        case "no_info":
            guard cmd.infoMatchers.isEmpty else { throw Failure(line: line, message: "invalid expect lines, info and no_info cannot be used together") }
            cmd.expectNoInfo = true
        default:
            throw Failure(line: line, message: "invalid expected error/annotation type \(kind)")
        }
    }

    // MARK: words, numbers, durations

    static func splitWords(_ s: String) -> [String] {
        s.split(whereSeparator: { $0 == " " || $0 == "\t" }).map(String.init)
    }

    static func takeWord(_ s: inout Substring) -> String {
        s = s.drop { $0 == " " || $0 == "\t" }
        let w = s.prefix { $0 != " " && $0 != "\t" }
        s = s.dropFirst(w.count)
        return String(w)
    }

    /// Prometheus durations as the scripts use them (`model.ParseDuration`): units in
    /// decreasing order from `y` to `ms` (`1h5m30s`), or `0`. Milliseconds.
    public static func parseDuration(_ s: String) -> Int64? {
        if s == "0" { return 0 }
        let units: [(String, Int64)] = [("y", 365 * 86_400_000), ("w", 7 * 86_400_000), ("d", 86_400_000), ("h", 3_600_000), ("m", 60_000), ("s", 1000), ("ms", 1)]
        var rest = Substring(s)
        var total: Int64 = 0
        var lastUnit = -1
        guard !rest.isEmpty else { return nil }
        while !rest.isEmpty {
            let digits = rest.prefix { $0.isASCII && $0.isNumber }
            guard !digits.isEmpty, let n = Int64(digits) else { return nil }
            rest = rest.dropFirst(digits.count)
            let letters = rest.prefix { $0.isASCII && $0.isLetter }
            guard let u = units.firstIndex(where: { $0.0 == letters }), u > lastUnit else { return nil }
            lastUnit = u
            rest = rest.dropFirst(letters.count)
            let (m, o1) = n.multipliedReportingOverflow(by: units[u].1)
            let (t, o2) = total.addingReportingOverflow(m)
            guard !o1, !o2 else { return nil }
            total = t
        }
        return total
    }

    /// A scalar expectation line, read like Go's `strconv.ParseInt(s, 0, 64)` then
    /// `strconv.ParseFloat(s, 64)`: `3`, `-0.5`, `1e3`, `0x1F`, `Inf`, `-Inf`, `NaN`.
    public static func parseScalarNumber(_ s: String) -> Double? {
        var body = Substring(s)
        var sign = 1.0
        if body.hasPrefix("+") || body.hasPrefix("-") {
            if body.hasPrefix("-") { sign = -1 }
            body = body.dropFirst()
        }
        let lower = body.lowercased()
        if lower.hasPrefix("0x"), let v = UInt64(lower.dropFirst(2), radix: 16) { return sign * Double(v) }
        if lower.hasPrefix("0o"), let v = UInt64(lower.dropFirst(2), radix: 8) { return sign * Double(v) }
        if lower.hasPrefix("0b"), let v = UInt64(lower.dropFirst(2), radix: 2) { return sign * Double(v) }
        if lower.count > 1, lower.hasPrefix("0"), lower.allSatisfy({ $0 >= "0" && $0 <= "7" }), let v = UInt64(lower, radix: 8) { return sign * Double(v) }
        switch lower {
        case "inf", "infinity": return sign * .infinity
        case "nan": return .nan
        default: break
        }
        // Decimal float: digits, optional fraction, optional exponent; nothing else.
        let u = Array(lower.utf8)
        var i = 0
        var sawDigit = false
        while i < u.count, u[i] >= 48, u[i] <= 57 { i += 1; sawDigit = true }
        if i < u.count, u[i] == UInt8(ascii: ".") {
            i += 1
            while i < u.count, u[i] >= 48, u[i] <= 57 { i += 1; sawDigit = true }
        }
        guard sawDigit else { return nil }
        if i < u.count, u[i] == UInt8(ascii: "e") {
            i += 1
            if i < u.count, u[i] == UInt8(ascii: "+") || u[i] == UInt8(ascii: "-") { i += 1 }
            let d0 = i
            while i < u.count, u[i] >= 48, u[i] <= 57 { i += 1 }
            guard i > d0 else { return nil }
        }
        guard i == u.count, let v = Double(lower) else { return nil }
        return sign * v
    }
}

extension String {
    func trimmed(_ set: String) -> String {
        Substring(self).trimmed(set)
    }
}

extension Substring {
    func trimmed(_ set: String) -> String {
        var s = self[...]
        while let f = s.first, set.contains(f) { s = s.dropFirst() }
        while let l = s.last, set.contains(l) { s = s.dropLast() }
        return String(s)
    }
}
