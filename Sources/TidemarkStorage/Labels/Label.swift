/// One label: a name and a value. `__name__` holds the metric name.
public struct Label: Hashable, Comparable, Sendable, CustomStringConvertible {
    public var name: String
    public var value: String

    public init(_ name: String, _ value: String) {
        self.name = name
        self.value = value
    }

    public static func < (a: Label, b: Label) -> Bool {
        a.name != b.name ? a.name.utf8.lexicographicallyPrecedes(b.name.utf8) : a.value.utf8.lexicographicallyPrecedes(b.value.utf8)
    }

    public var description: String { "\(name)=\"\(value)\"" }
}

/// The name of the label that holds the metric name.
public let metricNameLabel = "__name__"
