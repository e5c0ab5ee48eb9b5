import Testing
import TidemarkServer
import TidemarkStorage

/// The remote-write section of a YAML file, in Prometheus's shape.
@Suite struct RemoteWriteConfigFileTests {
    @Test func readsPrometheusShapedSection() throws {
        let senders = try RemoteWriteConfigFile.parse("""
            remote_write:
              - url: http://127.0.0.1:9090/api/v1/write
                name: prom
                match: '{job="node", instance=~"a.*"}'
                remote_timeout: 10s
                queue_config:
                  max_samples_per_send: 2000
                  batch_send_deadline: 500ms
                  min_backoff: 30ms
                  max_backoff: 1m
              - url: http://127.0.0.1:9091/api/v1/write
            """)
        #expect(senders.count == 2)
        #expect(senders[0].name == "prom" && senders[0].batchSize == 2000 && senders[0].requestTimeoutSeconds == 10)
        #expect(senders[0].flushIntervalSeconds == 0.5 && senders[0].minBackoffSeconds == 0.03 && senders[0].maxBackoffSeconds == 60)
        #expect(senders[0].matchers == [.equal("job", "node"), try LabelMatcher(.regexMatch, "instance", "a.*")])
        #expect(senders[1].name == "http___127_0_0_1_9091_api_v1_write" && senders[1].matchers.isEmpty)
    }

    @Test func rejectsWhatItDoesNotImplement() {
        let bad = [
            "remote_write:\n  - url: http://x/api/v1/write\n    write_relabel_configs: []\n",
            "remote_write:\n  - url: http://x/api/v1/write\n    queue_config: {capacity: 10}\n",
            "global: {}\n",
            "remote_write:\n  - url: http://x/api/v1/write\n    match: 'rate(x[5m])'\n",
            "remote_write:\n  - url: http://x/api/v1/write\n    remote_timeout: soon\n",
        ]
        for yaml in bad {
            #expect(throws: (any Error).self, "\(yaml)") { try RemoteWriteConfigFile.parse(yaml) }
        }
    }
}
