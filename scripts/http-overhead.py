#!/usr/bin/env python3
"""Per-request cost of `tidemark serve` (or any Prometheus-compatible server) over ONE
HTTP/1.1 keep-alive connection.

Prints wall p50/p90/p99 per request (client side, time.perf_counter_ns), the server's
CPU per request from /proc/PID/stat (utime + stime, fields 14 and 15, in clock ticks)
read before and after the timed loop, and this client's own CPU per request (part of
every wall time: Python's http.client is not free). Also prints the load average.

    scripts/http-overhead.py --port 19400 --pid $(pgrep -n tidemark) -n 5000 \
        --path '/api/v1/query?query=vector(1)&time=1700000000'

Several --path options run one after the other on the same connection. --repeat runs
the whole set again (the figures of each round are printed, then the median of rounds).
--raw replaces http.client by a bare socket client (the request bytes built once, the
answer read up to its Content-Length): about a tenth of http.client's CPU, so the wall
times show more of the server.
"""
import argparse, http.client, os, socket, statistics, sys, time


class RawConnection:
    """Just enough HTTP/1.1: answers with a Content-Length or chunked."""

    def __init__(self, host, port):
        self.sock = socket.create_connection((host, port))
        self.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        self.host = host
        self.buf = b""
        self.cache = {}

    def request(self, method, path, body=None, headers={}):
        key = (method, path, body)
        req = self.cache.get(key)
        if req is None:
            lines = [f"{method} {path} HTTP/1.1", f"Host: {self.host}"]
            lines += [f"{k}: {v}" for k, v in headers.items()]
            data = body.encode() if body else b""
            if body is not None:
                lines.append(f"Content-Length: {len(data)}")
            req = ("\r\n".join(lines) + "\r\n\r\n").encode() + data
            self.cache[key] = req
        self.sock.sendall(req)

    def _fill(self):
        data = self.sock.recv(65536)
        if not data:
            raise ConnectionError("connection closed")
        self.buf += data

    def _line(self):
        while b"\r\n" not in self.buf:
            self._fill()
        line, _, self.buf = self.buf.partition(b"\r\n")
        return line

    def _take(self, n):
        while len(self.buf) < n:
            self._fill()
        out, self.buf = self.buf[:n], self.buf[n:]
        return out

    def getresponse(self):
        status = int(self._line()[9:12])
        length, chunked = None, False
        while True:
            line = self._line()
            if not line:
                break
            name, _, value = line.partition(b":")
            name = name.strip().lower()
            if name == b"content-length":
                length = int(value)
            elif name == b"transfer-encoding" and b"chunked" in value.lower():
                chunked = True
        if not chunked:
            return RawResponse(status, self._take(length or 0))
        body = b""
        while True:
            n = int(self._line().split(b";")[0], 16)
            if n == 0:
                while self._line():
                    pass
                return RawResponse(status, body)
            body += self._take(n)
            self._take(2)


class RawResponse:
    def __init__(self, status, body):
        self.status, self.body = status, body

    def read(self):
        return self.body

def cpu_ticks(pid):
    with open(f"/proc/{pid}/stat") as f:
        s = f.read()
    fields = s[s.rindex(")") + 2:].split()
    # fields[0] is field 3 (state); utime is field 14, stime 15
    return int(fields[11]), int(fields[12])

def run(conn, path, n, warmup, method, body):
    headers = {}
    if method == "POST":
        headers["Content-Type"] = "application/x-www-form-urlencoded"
    for _ in range(warmup):
        conn.request(method, path, body=body, headers=headers)
        r = conn.getresponse(); r.read()
        if r.status != 200:
            sys.exit(f"{path}: HTTP {r.status}: {r.read()}")
    return conn, headers

def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--host", default="127.0.0.1")
    ap.add_argument("--port", type=int, required=True)
    ap.add_argument("--pid", type=int, required=True, help="server process id (for /proc/PID/stat)")
    ap.add_argument("-n", type=int, default=5000)
    ap.add_argument("--warmup", type=int, default=500)
    ap.add_argument("--path", action="append", required=True)
    ap.add_argument("--post", action="store_true", help="POST the query string as a form body")
    ap.add_argument("--repeat", type=int, default=1)
    ap.add_argument("--raw", action="store_true", help="bare socket client instead of http.client")
    a = ap.parse_args()
    hz = os.sysconf("SC_CLK_TCK")
    conn = RawConnection(a.host, a.port) if a.raw else http.client.HTTPConnection(a.host, a.port)
    results = {p: [] for p in a.path}
    print(f"loadavg before: {open('/proc/loadavg').read().strip()}")
    for rnd in range(a.repeat):
        for p in a.path:
            method, body, path = "GET", None, p
            if a.post:
                path, _, q = p.partition("?")
                method, body = "POST", q
            _, headers = run(conn, path, 0, a.warmup, method, body)
            lat = []
            u0, s0 = cpu_ticks(a.pid)
            c0 = time.process_time()
            for _ in range(a.n):
                t0 = time.perf_counter_ns()
                conn.request(method, path, body=body, headers=headers)
                r = conn.getresponse(); r.read()
                lat.append(time.perf_counter_ns() - t0)
            u1, s1 = cpu_ticks(a.pid)
            client = (time.process_time() - c0) * 1e6 / a.n
            lat.sort()
            q = lambda f: lat[min(len(lat) - 1, int(f * len(lat)))] / 1000
            cpu = ((u1 - u0) + (s1 - s0)) / hz * 1e6 / a.n
            usr = (u1 - u0) / hz * 1e6 / a.n
            results[p].append((q(0.5), q(0.9), q(0.99), cpu, usr, client))
            print(f"[{rnd}] {method} {p}: wall p50 {q(0.5):.1f} µs p90 {q(0.9):.1f} µs p99 {q(0.99):.1f} µs; "
                  f"server CPU {cpu:.1f} µs/req (user {usr:.1f}, sys {cpu - usr:.1f}); client CPU {client:.1f} µs/req; n={a.n}")
    if a.repeat > 1:
        for p, rs in results.items():
            med = lambda i: statistics.median(r[i] for r in rs)
            print(f"median of {a.repeat}: {p}: wall p50 {med(0):.1f} µs p90 {med(1):.1f} µs p99 {med(2):.1f} µs; "
                  f"server CPU {med(3):.1f} µs/req (user {med(4):.1f}); client CPU {med(5):.1f} µs/req")
    print(f"loadavg after: {open('/proc/loadavg').read().strip()}")

main()
