#!/usr/bin/env python3
"""Writes benchmarks/RESULTS.md and benchmarks/results.svg from Google Benchmark JSON output.

    report.py --decode decode.json --encode encode.json [--roundtrip roundtrip.json] \
              [--concurrency concurrency.json] \
              --machine machine.json --md benchmarks/RESULTS.md --svg benchmarks/results.svg
    report.py --concurrency concurrency.json --machine machine.json --splice benchmarks/RESULTS.md
              (replaces only the "## Concurrency" section of an existing RESULTS.md)
    report.py --stream stream.json --machine machine.json --splice benchmarks/RESULTS.md
              (likewise the "## ABP stream (`/ws`)" section)

Uses the `median` aggregates (run with --benchmark_repetitions=N
--benchmark_report_aggregates_only=true) and the `cv` ones for the spread. Standard library only.
"""
import argparse
import json
import sys
from xml.sax.saxutils import escape

DECODERS = [  # (run-name suffix, label, model)
    ("betwire_view", "betwire, view model", "view"),
    ("betwire_owning", "betwire, owning model", "owning"),
    ("simdjson_ondemand", "simdjson On-Demand, obj[\"key\"]", "view"),
    ("simdjson_ondemand_loop", "simdjson On-Demand, field loop", "view"),
    ("rapidjson_insitu", "RapidJSON in-situ", "view"),
    ("rapidjson_dom", "RapidJSON DOM", "view"),
    ("nlohmann", "nlohmann::json", "view"),
    ("memcpy", "floor: memcpy of the page", "-"),
    ("simdjson_floor_ondemand_count", "floor: simdjson On-Demand iterate + count", "-"),
    ("simdjson_floor_dom_parse", "floor: simdjson DOM parse (tape)", "-"),
]
ROUNDTRIP = [  # (run-name suffix, label)
    ("betwire_view", "betwire `abp::client` over `curl_transport`, view model"),
    ("betwire_owning", "betwire `abp::client` over `curl_transport`, owning model"),
    ("betwire_prebuilt", "betwire hot path: requests built once, re-sent, `read_abp_response` (view model)"),
    ("raw_curl_betwire_json", "raw libcurl, hand-made requests, `json::decode` into the view model"),
    ("raw_curl_nlohmann", "raw libcurl, hand-made requests, nlohmann::json into the same structs"),
]
SIZES = [50, 1000, 10000]
ORDERS = ["in_order", "shuffled"]


def load(path):
    with open(path, encoding="utf-8") as f:
        data = json.load(f)
    med, cv = {}, {}
    for b in data["benchmarks"]:
        if b.get("run_type") != "aggregate":
            continue
        if b["aggregate_name"] == "median":
            med[b["run_name"].removesuffix("/real_time")] = b
        elif b["aggregate_name"] == "cv":
            cv[b["run_name"].removesuffix("/real_time")] = b
    return data["context"], med, cv


def to_ns(b, clock="cpu_time"):
    scale = {"ns": 1, "us": 1e3, "ms": 1e6, "s": 1e9}[b["time_unit"]]
    return b[clock] * scale


def fmt(x, digits=0):
    if x is None:
        return "–"
    return f"{x:,.{digits}f}"


def ratio(a, b):
    return a / b if a and b else None


CONCURRENCY_HEADING = "## Concurrency: composite operations, blocking vs concurrent (issue 12)"


def load_runs(path):
    """Every run of a concurrency_bench output by its plain name: the median aggregate when the row
    was repeated, else its single iteration run."""
    import re
    with open(path, encoding="utf-8") as f:
        data = json.load(f)
    runs = {}
    for b in data["benchmarks"]:
        name = re.sub(r"/(iterations:\d+|repeats:\d+|manual_time|real_time)", "", b["run_name"])
        if b.get("run_type") == "aggregate":
            if b["aggregate_name"] == "median":
                runs[name] = b
        elif name not in runs:
            runs[name] = b
    return runs


def concurrency_section(path, machine):
    runs = load_runs(path)
    out = []
    w = out.append
    w(CONCURRENCY_HEADING)
    w("")
    w("`benchmarks/concurrency_bench.cpp` against the simulator on loopback, its `/_sim/latency` adding the "
      "round trip (RTT) of each row, its rate limits enforced for Opinion (15/s per key) and PredictStreet "
      "(cancel-batch 5/s per wallet); ABP's 60/min is off (the read rows measure latency). Wall time of one "
      "whole operation per row, each row run once (they run at the venues' limits: minutes each), except "
      "the priority rows (mean of 5 cancels) and the CPU rows (median of 5). Concurrent = "
      "`http::pipeline` over `curl_multi_transport`, at most 16 requests in flight, pacing by the shared "
      "`http::rate_limiter` of each venue's `limits`, retries on. Blocking = the venue client's own call "
      "over `curl_transport`; Opinion's blocking rows run 100 cancels and show x10 (optimistic below ~67 ms RTT: "
      "the first 15 of a run go at once).")
    if machine:
        w(f"Run: {machine.get('date', '?')}, load average at start {machine.get('load_start', '?')}, at end "
          f"{machine.get('load_end', '?')} (2 shared cores: other jobs were running).")
    w("")

    def sec(name):
        b = runs.get(name)
        return b["seconds"] if b and "seconds" in b else None

    def ctr(name, key):
        b = runs.get(name)
        return b.get(key) if b else None

    rows = [
        ("opinion_cancels", "Opinion: 1000 cancels (one request each)"),
        ("ps_cancel_batch", "PredictStreet: 1000 ids (10 cancel-batch requests)"),
        ("abp_pages", "ABP: 1000 orders in 10 pages"),
    ]
    w("| Operation | RTT | blocking (s) | concurrent (s) | speed-up | 429s seen (concurrent) | not done |")
    w("|---|---:|---:|---:|---:|---:|---:|")
    throttled_total = 0
    for key, label in rows:
        for rtt in (0, 50, 150, 300):
            base = f"concurrency/{key}/rtt:{rtt}"
            b = sec(base + "/blocking")
            note = ""
            if key == "opinion_cancels" and b is not None:
                proj = ctr(base + "/blocking", "projected_1000_s")
                note = f" (100 cancels run: {b:.1f} s; x10)"
                b = proj
            c = sec(base + "/concurrent")
            t = ctr(base + "/concurrent", "throttled")
            throttled_total += int(t or 0)
            f = ctr(base + "/concurrent", "failed")
            sp = f"{b / c:.1f}x" if b and c else "–"
            w(f"| {label} | {rtt} ms | {fmt(b, 2)}{note} | {fmt(c, 2)} | {sp} | {fmt(t, 0)} | {fmt(f, 0)} |")
    w("")
    pi = runs.get("concurrency/priority_cancel/idle")
    pd = runs.get("concurrency/priority_cancel/during_read")
    cp = runs.get("concurrency/cpu/pipeline")
    cr = runs.get("concurrency/cpu/raw_curl_multi")

    def ms(b):
        return to_ns(b, "real_time") / 1e6 if b else None

    w("| Measure | value |")
    w("|---|---:|")
    w(f"| urgent Opinion cancel at RTT 50 ms, idle pipeline (ms, mean of 5) | {fmt(ms(pi), 1)} |")
    w(f"| the same during a 1000-order ABP read (100 requests of 10 ids, 8 in flight) (ms) | {fmt(ms(pd), 1)} |")
    w(f"| CPU per request, pipeline over curl_multi_transport, 8 in flight, RTT 0 (µs) | "
      f"{fmt(cp.get('cpu_per_request_us') if cp else None, 1)} |")
    w(f"| CPU per request, raw libcurl multi, same requests and window (µs) | "
      f"{fmt(cr.get('cpu_per_request_us') if cr else None, 1)} |")
    w(f"| operator new per request once warm, pipeline | {fmt(cp.get('allocs_per_request') if cp else None, 2)} |")
    w(f"| operator new per request once warm, raw libcurl multi (the harness's own strings) | "
      f"{fmt(cr.get('allocs_per_request') if cr else None, 2)} |")
    w("")
    w("| Target | Goal | Measured | |")
    w("|---|---|---|---|")
    for rtt in (150, 300):
        c = sec(f"concurrency/opinion_cancels/rtt:{rtt}/concurrent")
        v = "–" if c is None else ("met" if c <= 70 else f"missed by {c - 70:.1f} s")
        w(f"| 1000 Opinion cancels at {rtt} ms RTT | ≤ 70 s | {fmt(c, 1)} s | {v} |")
    c = sec("concurrency/ps_cancel_batch/rtt:150/concurrent")
    v = "–" if c is None else ("met" if c <= 2.3 else f"missed by {c - 2.3:.2f} s")
    w(f"| PredictStreet 1000 ids at 150 ms RTT | ≤ 2.3 s | {fmt(c, 2)} s | {v} |")
    w(f"| 429s from the simulator with pacing on (all concurrent rows) | 0 | {throttled_total} | "
      f"{'met' if throttled_total == 0 else 'missed'} |")
    if pi and pd:
        r = ms(pd) / ms(pi)
        w(f"| priority cancel during a 1000-order read vs idle | ≤ 1.2x | {r:.2f}x | {'met' if r <= 1.2 else 'missed'} |")
    if cp and cr:
        r = cp["cpu_per_request_us"] / cr["cpu_per_request_us"]
        w(f"| CPU per request vs raw curl multi | within 10% | {(r - 1) * 100:+.1f}% | "
          f"{'met' if r <= 1.10 else 'missed'} |")
        a = cp["allocs_per_request"]
        w(f"| allocations per request once warm | 0 | {a:.2f} | {'met' if a == 0 else 'missed'} |")
    w("")
    return out


STREAM_HEADING = "## ABP stream (`/ws`)"


def stream_soak_row(path):
    """The full stream soak's row: tools/stream_soak.sh's figures line and its verdict, as printed."""
    with open(path, encoding="utf-8", errors="replace") as f:
        text = f.read()
    line = next((l for l in text.splitlines() if l.startswith("stream soak: ")), None)
    passed = "[  PASSED  ] 1 test" in text
    measured = line[len("stream soak: "):].replace("|", "/") if line else "no figures printed (see the log)"
    return (f"| Soak: 100,000 events, 20 forced disconnects, 5 skipped and 5 lost seqs (`tools/stream_soak.sh`, "
            f"g++ 12 Debug build) | final states equal the simulator's, nothing twice, no gap left | {measured} | "
            f"{'passed' if passed and line else 'FAILED'} |")


def stream_section(path, machine, soak=None):
    """The ABP stream rows (benchmarks/stream_bench.cpp), and the full soak's when it ran."""
    out = [STREAM_HEADING, ""]
    w = out.append
    w("`benchmarks/stream_bench.cpp`. **decode**: one `orders` UPDATE data frame (the simulator's full row, "
      "with `seq` and `requireAck`) through a warm `abp::stream_session` (envelope, seq bookkeeping, batched "
      "ack, typed order decode, the callback), re-copied from a pristine copy inside the time; CPU time. "
      "**cancel → UPDATE**: wall time from the start of a REST `POST /cancel-orders` of one PENDING order "
      "(`abp::client` over `curl_transport`) to the matching `orders` UPDATE in the callback of an "
      "`abp::stream_driver` over `beast_websocket` polled by its own thread, against `betwire_simulator` "
      "(Release) on 127.0.0.1; p50/p99 are over the cancels of one repetition, the table shows their median "
      "across repetitions. Both are checked before timing (`stream_bench --check`, also a CTest test). "
      "`BENCH_ONLY=stream tools/bench.sh` reruns this section alone.")
    w("")
    _, med, cv = load(path)
    w(f"- Run: {machine['date']}; {machine['cpu']}, {machine['cores']} logical cores; {machine['compiler']}; "
      f"flags `{machine['flags']}`; load average at start {machine['load_start']}, at end {machine.get('load_end', '?')}")
    reps = next(iter(med.values()))["repetitions"] if med else 0
    w(f"- Median of {reps} repetitions.")
    w("")
    dec = med.get("stream/decode_orders_frame")
    lat = med.get("stream/cancel_to_update/manual_time") or med.get("stream/cancel_to_update")
    w("| Target (issue 13) | Goal | Measured | |")
    w("|---|---|---|---|")
    if dec:
        ns = to_ns(dec)
        a = dec["allocs_per_op"]
        c = cv.get("stream/decode_orders_frame")
        spread = f", cv {c['cpu_time'] * 100:.1f}%" if c else ""
        # allocs_per_op counts operator new over the whole timing loop (Google Benchmark's own
        # bookkeeping included); `stream_bench --check` asserts exactly 0 over 1000 warm frames.
        zero = a < 0.005
        verdict = "met" if ns <= 1000 and zero else ("missed: allocates" if not zero else f"missed: {ns - 1000:.0f} ns over")
        w(f"| Decode one `orders` frame, warm | ≤ 1 µs, 0 allocations | {ns:.0f} ns{spread} "
          f"({fmt(dec.get('frame_bytes'), 0)}-byte frame), {a:.4f} allocations per frame | {verdict} |")
    if lat:
        w(f"| REST cancel → `orders` UPDATE in the callback (loopback) | report median and p99 | "
          f"p50 {fmt(lat.get('p50_us'), 0)} µs, p99 {fmt(lat.get('p99_us'), 0)} µs "
          f"({fmt(lat.get('samples'), 0)} cancels per repetition) | reported |")
    if soak:
        w(stream_soak_row(soak))
    w("")
    return out


def splice(md_path, section, heading=None):
    heading = heading or CONCURRENCY_HEADING
    with open(md_path, encoding="utf-8") as f:
        lines = f.read().split("\n")
    start = next((i for i, l in enumerate(lines) if l == heading), None)
    if start is not None:
        end = next((i for i in range(start + 1, len(lines)) if lines[i].startswith("## ") or lines[i].startswith("![")),
                   len(lines))
        lines[start:end] = section
    else:
        at = next((i for i, l in enumerate(lines) if l.startswith("![Decode")), len(lines))
        lines[at:at] = section
    with open(md_path, "w", encoding="utf-8") as f:
        f.write("\n".join(lines))


def main(argv):
    ap = argparse.ArgumentParser()
    ap.add_argument("--decode")
    ap.add_argument("--encode")
    ap.add_argument("--roundtrip")
    ap.add_argument("--concurrency")
    ap.add_argument("--stream")
    ap.add_argument("--stream-soak")
    ap.add_argument("--splice")
    ap.add_argument("--machine", required=True)
    ap.add_argument("--md")
    ap.add_argument("--svg")
    args = ap.parse_args(argv[1:])
    if args.splice:
        if not (args.concurrency or args.stream):
            ap.error("--splice needs --concurrency and/or --stream")
        with open(args.machine, encoding="utf-8") as f:
            machine = json.load(f)
        if args.concurrency:
            splice(args.splice, concurrency_section(args.concurrency, machine))
        if args.stream:
            splice(args.splice, stream_section(args.stream, machine, args.stream_soak), STREAM_HEADING)
        return 0
    if not (args.decode and args.encode and args.md and args.svg):
        ap.error("--decode, --encode, --md and --svg are needed (or --splice)")

    dctx, dmed, dcv = load(args.decode)
    _, emed, ecv = load(args.encode)
    rmed, rcv = load(args.roundtrip)[1:] if args.roundtrip else ({}, {})
    with open(args.machine, encoding="utf-8") as f:
        machine = json.load(f)
    reps = next(iter(dmed.values()))["repetitions"] if dmed else 0

    def row(size, order, dec):
        return dmed.get(f"decode/{size}/{order}/{dec}")

    def mbps(b):
        return b["bytes_per_second"] / 1e6 if b else None

    out = []
    w = out.append
    w("# betwire benchmark results")
    w("")
    w("Generated by `tools/bench.sh` (one full run); do not edit by hand. Method: "
      "[docs/benchmarks.md](../docs/benchmarks.md) and the header comments of `decode_bench.cpp`.")
    w("")
    w(f"- Date: {machine['date']}")
    w(f"- Machine: {machine['cpu']}, {machine['cores']} logical cores ({dctx.get('mhz_per_cpu', '?')} MHz reported), "
      f"{machine['os']}; load average at start {machine['load_start']}, at end {machine.get('load_end', '?')} "
      "(a shared machine: other jobs were running)")
    w(f"- Compiler: {machine['compiler']}")
    w(f"- Flags: `{machine['flags']}`")
    w(f"- Libraries: {machine['libraries']}; Google Benchmark's Debian build reports itself as "
      f"`{dctx.get('library_build_type', '?')}` (it only times; the code under test is Release)")
    w(f"- Each figure is the **median of {reps} repetitions**, process **CPU time** "
      "(wall time on a shared machine counts other programs' turns); `cv` is the coefficient of variation "
      "of those repetitions.")
    w("- Pages: deterministic `GET /orders` pages from `benchmarks/page_generator.hpp`, compact JSON "
      "(a 1000-order page is 1.70 MB = 1.62 MiB); *shuffled* = the same values with the keys of every "
      "schema object in a random order. Every decoder's result is checked against betwire's "
      "(a checksum over every field) before anything is timed.")
    w("- In-place decoders (betwire, RapidJSON in-situ) re-copy the page from a pristine copy before "
      "each decode, inside their time; the `memcpy` floor row is that copy.")
    w("")

    # ---- targets
    def share_target(label, goal, base, other):
        """A row for `other`'s throughput as a share of `base`'s (both rows of the decode table)."""
        if base and other:
            r = ratio(to_ns(base), to_ns(other))
            verdict = "met" if r >= goal else f"missed by {(goal - r) / goal * 100:.0f}%"
            w(f"| {label} | ≥ {goal}x | {r:.2f}x | {verdict} |")

    cancel = emed.get("encode/cancel_orders")
    w("## Targets (issues 7 and 15)")
    w("")
    w("| Target | Goal | Measured | |")
    w("|---|---|---|---|")
    for size in (1000, 10000):
        for dec, label in (("betwire_view", "view"), ("betwire_owning", "owning")):
            b = row(size, "in_order", dec)
            if b:
                a = b["allocs_per_op"]
                w(f"| {size}-order {label} decode, keys in order, warm: allocations | 0 | {fmt(a, 0)} | "
                  f"{'met' if a == 0 else 'missed'} |")
    for size in (1000, 10000):
        b_in = row(size, "in_order", "betwire_view")
        sj, sjl = row(size, "in_order", "simdjson_ondemand"), row(size, "in_order", "simdjson_ondemand_loop")
        sj_best = min((x for x in (sj, sjl) if x), key=to_ns, default=None)
        if b_in and sj_best:
            r = ratio(to_ns(sj_best), to_ns(b_in))
            which = "obj[\"key\"]" if sj_best is sj else "field loop"
            verdict = "met" if r >= 1.5 else f"missed by {(1.5 - r) / 1.5 * 100:.0f}% (needs {1.5 / r:.2f}x more speed)"
            w(f"| {size}-order view decode vs simdjson On-Demand (its faster variant, {which}) | ≥ 1.5x | {r:.2f}x | {verdict} |")
    for size in (1000, 10000):
        share_target(f"Keys shuffled vs in order (betwire view, {size})", 0.8,
                     row(size, "in_order", "betwire_view"), row(size, "shuffled", "betwire_view"))
    for size in (1000, 10000):
        share_target(f"Owning model vs view model (keys in order, {size})", 0.9,
                     row(size, "in_order", "betwire_view"), row(size, "in_order", "betwire_owning"))
    if cancel:
        ns = to_ns(cancel)
        a = cancel["allocs_per_op"]
        verdict = "met" if ns < 100 and a == 0 else (
            f"missed: {ns - 100:.0f} ns over" if ns >= 100 else "missed: allocates")
        w(f"| Encode a cancel request | < 100 ns, 0 allocations | {ns:.0f} ns, {fmt(a, 0)} allocations | {verdict} |")
    rt_b = rmed.get("roundtrip/betwire_view")
    rt_raw = rmed.get("roundtrip/raw_curl_betwire_json")
    if rt_b and rt_raw:
        over = (to_ns(rt_b, "real_time") / to_ns(rt_raw, "real_time") - 1) * 100
        over_cpu = (to_ns(rt_b) / to_ns(rt_raw) - 1) * 100
        worst = max(over, over_cpu)
        verdict = "met" if worst <= 5 else f"missed by {worst - 5:.1f} points"
        w(f"| Loopback round trip (1000-order page + a cancel) vs raw libcurl, same decoding | within 5% | "
          f"wall {over:+.1f}% ({to_ns(rt_b, 'real_time') / 1e6:.2f} ms vs {to_ns(rt_raw, 'real_time') / 1e6:.2f} ms), "
          f"CPU {over_cpu:+.1f}% ({to_ns(rt_b) / 1e6:.2f} ms vs {to_ns(rt_raw) / 1e6:.2f} ms) | {verdict} |")
    else:
        w("| Loopback round trip vs raw libcurl | within 5% | – | not in this run |")
    w("")

    # ---- decode tables
    w("## Decoding")
    w("")
    w("Ratio = this row's throughput ÷ betwire view model's on the in-order page of the same size "
      "(above 1 is faster than betwire). Allocations are per decode, in steady state (after a warm-up "
      "decode into the same reused objects).")
    for size in SIZES:
        base = row(size, "in_order", "betwire_view")
        for order in ORDERS:
            w("")
            page_bytes = next((b["page_bytes"] for k, b in dmed.items() if k.startswith(f"decode/{size}/{order}/")), 0)
            w(f"### {size} orders, {'keys in wire order' if order == 'in_order' else 'keys shuffled'} "
              f"({page_bytes / 1e6:.2f} MB)")
            w("")
            w("| Decoder | Model | MB/s | ns/order | µs/decode | cv | allocs/decode | bytes alloc/decode | ratio |")
            w("|---|---|---:|---:|---:|---:|---:|---:|---:|")
            for dec, label, model in DECODERS:
                b = row(size, order, dec)
                if not b:
                    continue
                c = dcv.get(f"decode/{size}/{order}/{dec}")
                cvs = f"{c['cpu_time'] * 100:.1f}%" if c else "–"
                r = ratio(mbps(b), mbps(base))
                w(f"| {label} | {model} | {fmt(mbps(b))} | {fmt(b['ns_per_order'] * 1e9, 0)} | "
                  f"{fmt(to_ns(b) / 1e3, 1)} | {cvs} | {fmt(b['allocs_per_op'], 0)} | "
                  f"{fmt(b['alloc_bytes_per_op'], 0)} | {r:.2f} |")
    w("")

    # ---- encode
    w("## Encoding")
    w("")
    w("| Body | ns/encode | cv | output bytes | allocs/encode | bytes alloc/encode |")
    w("|---|---:|---:|---:|---:|---:|")
    for name, label in (("encode/cancel_orders", "cancel request (3 request UUIDs)"),
                        ("encode/place_orders_100", "place-orders request, 100 orders")):
        b = emed.get(name)
        if not b:
            continue
        c = ecv.get(name)
        cvs = f"{c['cpu_time'] * 100:.1f}%" if c else "–"
        w(f"| {label} | {fmt(to_ns(b), 0)} | {cvs} | {fmt(b['output_bytes'], 0)} | {fmt(b['allocs_per_op'], 0)} | "
          f"{fmt(b['alloc_bytes_per_op'], 0)} |")
    w("")
    w("## Loopback round trip")
    w("")
    w("One exchange = `GET /orders` of 1000 orders (userRef filter, limit 1000) then `POST /cancel-orders` of "
      "one order (already cancelled, so every exchange gets the same 200 answer), each response decoded, "
      "against `betwire_simulator` (Release build) on 127.0.0.1 over one kept-alive HTTP/1.1 connection, "
      "`Accept-Encoding: identity` on both sides. The raw libcurl rows are what a hand-written client does: "
      "one reused easy handle, the target and body made with `snprintf`, headers set by hand. Every client's "
      "result is checked against betwire's before timing (`roundtrip_bench --check`, also a CTest test). "
      "**Wall time** (the simulator is another process on the same 2 cores, so its time to render and send "
      "the page is in every row); the rows' repetitions are interleaved at random. CPU = this process only. "
      "Allocations count this process's `operator new` over one steady-state exchange (libcurl's `malloc` is "
      "not counted).")
    w("")
    if rmed:
        resp = next(iter(rmed.values())).get("response_bytes", 0)
        w(f"Response bytes per exchange: {fmt(resp)}.")
        w("")
        w("| Client | ms/exchange (wall) | cv | CPU ms (this process) | allocs/exchange | bytes alloc/exchange | wall ÷ raw libcurl + json::decode | CPU ÷ raw libcurl + json::decode |")
        w("|---|---:|---:|---:|---:|---:|---:|---:|")
        for key, label in ROUNDTRIP:
            b = rmed.get(f"roundtrip/{key}")
            if not b:
                continue
            c = rcv.get(f"roundtrip/{key}")
            cvs = f"{c['real_time'] * 100:.1f}%" if c else "–"
            r = ratio(to_ns(b, "real_time"), to_ns(rt_raw, "real_time")) if rt_raw else None
            rc = ratio(to_ns(b), to_ns(rt_raw)) if rt_raw else None
            w(f"| {label} | {to_ns(b, 'real_time') / 1e6:.2f} | {cvs} | {to_ns(b) / 1e6:.2f} | {fmt(b['allocs_per_op'], 0)} | "
              f"{fmt(b['alloc_bytes_per_op'], 0)} | {'–' if r is None else f'{r:.3f}'} | {'–' if rc is None else f'{rc:.3f}'} |")
        w("")
        w("The wall-time spread (cv) of these rows is larger than the 5% the target allows, so the wall "
          "ratio alone cannot show a 5% overhead; the CPU ratio (this process only: the client, libcurl "
          "and the decoding) is the steadier measure of what betwire's client adds.")
    else:
        w("Not in this run.")
    w("")
    if args.concurrency:
        out.extend(concurrency_section(args.concurrency, machine))
    if args.stream:
        out.extend(stream_section(args.stream, machine, args.stream_soak))
    w("![Decode throughput, 1000 orders (memcpy floor left out of the chart: it is in the table)](results.svg)")
    w("")
    with open(args.md, "w", encoding="utf-8") as f:
        f.write("\n".join(out))

    # ---- SVG: 1000-order throughput, in order and shuffled, one pair of bars per decoder
    bars = []
    for dec, label, _ in DECODERS:
        if dec == "memcpy":  # an order of magnitude off the scale; it is in the table
            continue
        a = row(1000, "in_order", dec)
        b = row(1000, "shuffled", dec)
        if a or b:
            bars.append((label, mbps(a) or 0, mbps(b) or 0))
    top = max([max(x[1], x[2]) for x in bars] + [1])
    left, width, bar_h, gap = 300, 520, 11, 10
    height = 70 + len(bars) * (2 * bar_h + gap) + 30
    svg = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{left + width + 90}" height="{height}" '
           'font-family="sans-serif" font-size="12">',
           '<rect width="100%" height="100%" fill="white"/>',
           f'<text x="10" y="22" font-size="15" font-weight="bold">Decoding a 1000-order ABP page into the same '
           f'structs: MB/s (median of {reps}, CPU time)</text>',
           f'<rect x="{left}" y="34" width="12" height="10" fill="#2b6cb0"/>'
           f'<text x="{left + 16}" y="43">keys in wire order</text>',
           f'<rect x="{left + 150}" y="34" width="12" height="10" fill="#ed8936"/>'
           f'<text x="{left + 166}" y="43">keys shuffled</text>']
    y = 60
    for label, a, b in bars:
        svg.append(f'<text x="{left - 8}" y="{y + bar_h + 4}" text-anchor="end">{escape(label)}</text>')
        for value, color, dy in ((a, "#2b6cb0", 0), (b, "#ed8936", bar_h)):
            w_ = max(1.0, width * value / top)
            svg.append(f'<rect x="{left}" y="{y + dy}" width="{w_:.1f}" height="{bar_h - 1}" fill="{color}"/>')
            svg.append(f'<text x="{left + w_ + 4:.1f}" y="{y + dy + bar_h - 2}" font-size="10">{value:,.0f}</text>')
        y += 2 * bar_h + gap
    svg.append(f'<text x="10" y="{height - 10}" font-size="10" fill="#555">{escape(machine["cpu"])}, '
               f'{escape(machine["compiler"])}, {escape(machine["date"])}</text>')
    svg.append("</svg>")
    with open(args.svg, "w", encoding="utf-8") as f:
        f.write("\n".join(svg) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
