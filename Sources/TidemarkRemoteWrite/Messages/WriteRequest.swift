/// Prometheus remote-write 1.0's `prometheus.WriteRequest` (prompb/remote.proto): the
/// fields Tidemark reads and writes. Exemplars and native histograms are skipped when
/// decoding and only counted.
public struct WriteRequest: Sendable, Equatable {
    /// One label of a series.
    public struct Label: Sendable, Equatable {
        public var name: String
        public var value: String
        public init(_ name: String, _ value: String) {
            self.name = name
            self.value = value
        }
    }

    /// One float sample. Equality compares the value's bits.
    public struct Sample: Sendable, Equatable {
        public var value: Double
        /// Milliseconds since the Unix epoch.
        public var timestamp: Int64
        public init(value: Double, timestamp: Int64) {
            self.value = value
            self.timestamp = timestamp
        }
        public static func == (a: Sample, b: Sample) -> Bool {
            a.timestamp == b.timestamp && a.value.bitPattern == b.value.bitPattern
        }
    }

    /// A series and its samples (`prometheus.TimeSeries`).
    public struct TimeSeries: Sendable, Equatable {
        public var labels: [Label]
        public var samples: [Sample]
        /// Exemplars and native-histogram samples the sender included (not decoded).
        public var skippedExemplars = 0
        public var skippedHistograms = 0
        public init(labels: [Label], samples: [Sample]) {
            self.labels = labels
            self.samples = samples
        }
    }

    /// Metric metadata (`prometheus.MetricMetadata`).
    public struct Metadata: Sendable, Equatable {
        /// The type as prompb numbers it, named as the exposition format names it.
        public var type: String
        public var metricFamilyName: String
        public var help: String
        public var unit: String
        public init(type: String, metricFamilyName: String, help: String, unit: String) {
            self.type = type
            self.metricFamilyName = metricFamilyName
            self.help = help
            self.unit = unit
        }

        /// prompb's `MetricMetadata.MetricType` numbering.
        static let typeNames = ["unknown", "counter", "gauge", "histogram", "gaugehistogram", "summary", "info", "stateset"]
    }

    public var timeseries: [TimeSeries]
    public var metadata: [Metadata]

    public init(timeseries: [TimeSeries], metadata: [Metadata] = []) {
        self.timeseries = timeseries
        self.metadata = metadata
    }

    /// Total float samples over all series.
    public var sampleCount: Int { timeseries.reduce(0) { $0 + $1.samples.count } }
}
