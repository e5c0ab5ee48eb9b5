import TidemarkQuery

/// The `stats` object `stats=all` adds to a query's `data`, in Prometheus's shape:
/// `timings` in seconds and `samples` counts.
enum QueryStatsJSON {
    static func render(_ s: QueryStats, seconds: Double) -> String {
        let t = String(seconds)
        return "{\"timings\":{\"evalTotalTime\":\(t),\"resultSortTime\":0,\"queryPreparationTime\":0,\"innerEvalTime\":\(t),"
            + "\"execQueueTime\":0,\"execTotalTime\":\(t)},"
            + "\"samples\":{\"totalQueryableSamples\":\(s.samplesRead),\"peakSamples\":\(max(s.peakSamples, s.samplesRead))}}"
    }
}
