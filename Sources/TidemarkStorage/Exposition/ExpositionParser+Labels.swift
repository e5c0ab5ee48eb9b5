extension ExpositionParser {
    /// Builds the label set of `sample`: the metric name as `__name__`, every label
    /// decoded (escapes undone, UTF-8 checked), sorted by name. Labels with empty
    /// values are dropped, as in Prometheus.
    ///
    /// Throws, with the sample's line and the item's column, for invalid UTF-8, an
    /// empty label name, or a label name given twice (`__name__` included).
    /// The result depends only on `seriesBytes(of: sample)`, so it can be cached by them.
    public func labels(of sample: ExpositionSample) throws(ExpositionError) -> Labels {
        let result: Result<Labels, ExpositionError> = bytes.withUnsafeBufferPointer { buffer in
            Result { () throws(ExpositionError) in
                try ExpositionParser.buildLabels(buffer.baseAddress!, sample.series, line: sample.line, lineStart: sample.lineStart)
            }
        }
        return try result.get()
    }

    static func buildLabels(_ p: UnsafePointer<UInt8>, _ series: Range<Int>, line: Int, lineStart: Int) throws(ExpositionError) -> Labels {
        var c = LineCursor(p: p, i: series.lowerBound, end: series.upperBound, lineStart: lineStart, line: line)
        var items: [(label: Label, offset: Int)] = []
        items.reserveCapacity(8)
        if ExpositionText.isMetricNameStart(p[c.i]) {
            let start = c.i
            while c.i < c.end, ExpositionText.isMetricNameChar(p[c.i]) { c.i += 1 }
            let name = String(decoding: UnsafeBufferPointer(start: p + start, count: c.i - start), as: UTF8.self)
            items.append((Label(metricNameLabel, name), start))
            c.skipSpaces()
        }
        if c.at(UInt8(ascii: "{")) {
            try forEachLabel(&c, exemplar: false) { item, c throws(ExpositionError) in
                let nameColumn = item.nameQuoted ? item.name.lowerBound - 1 : item.name.lowerBound
                let name: String
                if item.nameQuoted {
                    guard let decoded = ExpositionText.unescape(p, item.name) else {
                        throw c.error("invalid UTF-8 in quoted name", at: nameColumn)
                    }
                    name = decoded
                } else {
                    name = String(decoding: UnsafeBufferPointer(start: p + item.name.lowerBound, count: item.name.count), as: UTF8.self)
                }
                guard let valueRange = item.value else {
                    items.append((Label(metricNameLabel, name), nameColumn))
                    return
                }
                if name.isEmpty { throw c.error("empty label name", at: nameColumn) }
                guard let value = ExpositionText.unescape(p, valueRange) else {
                    throw c.error("invalid UTF-8 in the value of label \(c.quoted(item.name))", at: valueRange.lowerBound - 1)
                }
                items.append((Label(name, value), nameColumn))
            }
        }
        items.sort { a, b in
            a.label.name == b.label.name ? a.offset < b.offset : a.label.name.utf8.lexicographicallyPrecedes(b.label.name.utf8)
        }
        var sorted: [Label] = []
        sorted.reserveCapacity(items.count)
        for k in items.indices {
            if k > 0, items[k].label.name == items[k - 1].label.name {
                let name = items[k].label.name
                throw c.error(name == metricNameLabel
                    ? "metric name given twice (as a name and as label \"__name__\")"
                    : "duplicate label name \(LabelNames.quote(name))", at: items[k].offset)
            }
            if !items[k].label.value.isEmpty { sorted.append(items[k].label) }
        }
        return Labels(sorted: sorted)
    }
}
