import TidemarkStorage

/// `POST /api/v1/import/prometheus`: exposition text with optional timestamps, as
/// VictoriaMetrics takes it.
extension TidemarkAPI {
    /// Reads Prometheus text or OpenMetrics (detected; gzip too) from the body and
    /// appends the samples to the head. Samples without a timestamp get `timestamp`
    /// (Unix seconds or RFC 3339; default now). Answers 204, or 400 listing bad lines and
    /// rejected series, one per line (everything else is kept).
    public func importPrometheus(_ r: APIRequest) async -> APIResponse {
        let defaultTime: Int64
        do { defaultTime = try r.time("timestamp", default: TimeParams.now()) } catch { return .error(error) }
        let outcome: Result<IngestSummary, StorageError> = await offload { [self] in
            var body = r.body
            if Gzip.isGzip(body) {
                do { body = try Gzip.decompress(body, maxOutputSize: options.maxDecodedWriteBytes) } catch {
                    return .success(IngestSummary(accepted: 0, rejected: 0, badRequest: ["\(error)"]))
                }
            }
            var (series, problems) = parse(body, defaultTime: defaultTime)
            var ingest = Ingest(db)
            for (labels, samples) in series.sorted(by: { $0.labels < $1.labels }) {
                ingest.append(labels, samples.sorted { $0.0 < $1.0 })
            }
            return Result { () throws(StorageError) -> IngestSummary in
                var summary = try ingest.commit()
                problems.append(contentsOf: summary.badRequest)
                summary.badRequest = problems
                return summary
            }
        }
        switch outcome {
        case .failure(let e):
            return .text(500, "\(e)\n")
        case .success(let s):
            metrics.samplesIngested.increment(by: s.accepted)
            metrics.samplesRejected.increment(by: s.rejected)
            if s.badRequest.isEmpty { return APIResponse(status: 204, contentType: "text/plain; charset=utf-8", body: []) }
            return .text(400, s.badRequest.joined(separator: "\n") + "\n")
        }
    }

    /// Samples grouped by series, plus messages for lines that did not parse. HELP, TYPE
    /// and UNIT lines feed `/api/v1/metadata`.
    func parse(_ body: [UInt8], defaultTime: Int64) -> ([(labels: Labels, samples: [(Int64, Double)])], [String]) {
        var parser = ExpositionParser(body, defaultTimestamp: defaultTime)
        var series: [(labels: Labels, samples: [(Int64, Double)])] = []
        var byLabels: [Labels: Int] = [:]
        // Series text → index in `series`: each distinct text is parsed into labels once.
        // (Not a dictionary keyed by the slice: ArraySlice hashes byte by byte through
        // Hasher, which was a third of the endpoint's time.)
        var byText = SeriesTextCache()
        var problems: [String] = []
        var types: [String: MetadataStore.Entry] = [:]
        while true {
            let entry: ExpositionEntry?
            do { entry = try parser.next() } catch {
                problems.append("\(error)")
                if problems.count > 100 { break }
                continue
            }
            guard let entry else { break }
            switch entry {
            case .sample(let s):
                let key = parser.seriesBytes(of: s)
                if let i = byText.lookup(key) {
                    series[i].samples.append((s.timestamp, s.value))
                    continue
                }
                let labels: Labels
                do { labels = try parser.labels(of: s) } catch {
                    problems.append("\(error)")
                    continue
                }
                let i = byLabels[labels] ?? series.count
                if i == series.count {
                    series.append((labels, []))
                    byLabels[labels] = i
                }
                byText.insert(key, id: i)
                series[i].samples.append((s.timestamp, s.value))
            case .help(let family, let text): types[family, default: .init(type: "unknown", help: "", unit: "")].help = text
            case .type(let family, let type): types[family, default: .init(type: "unknown", help: "", unit: "")].type = type.rawValue
            case .unit(let family, let unit): types[family, default: .init(type: "unknown", help: "", unit: "")].unit = unit
            }
        }
        for (family, e) in types { metadata.record(family, e) }
        return (series, problems)
    }
}
