package dev.loopgate.bench;

/** The caveats every results file carries, so no figure is read without them. */
final class Notes {
    private Notes() {
    }

    static final String SKEWS = """
            - **Everything shares the same cores.** The load generator (a JVM), the mock upstream (a JVM),
              the target and, for full governance, Redis all run on this one machine. A closed-loop
              figure is what the target serves with the CPU the others leave it; a target that burns
              more CPU per call also slows the load generator and the mock that measure it. nginx runs
              one worker process (the peer script); Portkey is one Node process; Loopgate runs one
              event loop per core. `BENCH_PIN=1` separates them with `taskset` (see "CPU pinning"
              above); the machine table also names any process outside the run that was busy.
            - **The peers do less.** nginx only relays bytes; Portkey parses and re-sends the call.
              Loopgate also authenticates, parses, estimates tokens, routes, and (full governance)
              checks breakers, takes rate-limit tokens, reserves and settles a budget in Redis and
              writes a hash-chained audit row to SQLite for every call.
            - **The upstream answers at once** (0 ms, 200 bytes of content), so the gateway's cost is
              most of the latency. Against a real model (hundreds of ms to seconds per call) the same
              overhead is a far smaller share.
            - **Short runs.** Each point is 15 s of warm-up before a target's first workload, 3 s
              before the others (1 s on the ramp), then 10 s measured (5 s on the ramp). At 1,000
              req/s, p99.9 rests on about ten calls and max on one. Rerun before trusting a small
              difference.
            - **Distinct calls from a few busy loops.** Every call carries a new user message and
              the calls go round robin to 10 loops, hundreds of calls per second each. A tool that
              repeats one body (wrk, ab) measures another path: a gateway's per-request state
              (repeat tracking, caches) stays tiny. More loop ids (`BENCH_LOOP_IDS`) spread it.
            - **Open-loop sender jitter.** One thread hands intended send times to the load
              generator's event loops; its wake-up delay (tens to a few hundred µs) is in every
              target's latency, direct included, which is why "added" subtracts direct's figure.
            - **Redis is on loopback.** Each Redis round trip is tens of µs here; across a network it
              is more, and the governance path makes several per call.
            """;
}
