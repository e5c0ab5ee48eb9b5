/// What replaying the WAL found: counts, and every corruption with its location.
public struct WALReplayReport: Sendable, CustomStringConvertible {
    /// A damaged place in a WAL file and what was done about it.
    public struct Corruption: Sendable, CustomStringConvertible {
        /// The file (segment or checkpoint) path.
        public var file: String
        /// Byte offset of the first bad record.
        public var offset: Int
        public var reason: String
        /// Bytes after `offset` that were cut off and not replayed.
        public var discardedBytes: Int
        /// True if this is a torn write at the end of the newest segment, as a crash leaves
        /// (no intact record follows the damage); false for corruption anywhere else.
        public var isTail: Bool

        public var description: String {
            "\(isTail ? "torn WAL tail" : "WAL corruption") in \(file) at byte offset \(offset): \(reason); truncated \(discardedBytes) bytes"
        }
    }

    public var segments = 0
    public var checkpoint: String?
    public var seriesRecords = 0
    public var samples = 0
    /// Samples skipped because their range already lives in a block.
    public var samplesBelowHead = 0
    /// Samples that referenced a series whose definition was lost to corruption.
    public var samplesWithUnknownSeries = 0
    public var corruptions: [Corruption] = []

    public var description: String {
        var s = "replayed \(segments) WAL segment(s)\(checkpoint.map { " after \($0)" } ?? ""): \(seriesRecords) series, \(samples) samples"
        if samplesBelowHead > 0 { s += ", \(samplesBelowHead) already in blocks" }
        if samplesWithUnknownSeries > 0 { s += ", \(samplesWithUnknownSeries) with unknown series dropped" }
        for c in corruptions { s += "\n  " + c.description }
        return s
    }
}
