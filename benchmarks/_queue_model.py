"""A queueing model of the search benchmark: how gunicorn's worker count sets the p99.

`search.py` drives 16 clients in a closed loop against gunicorn on a 2-core machine. Requests
wait in the listening socket, first come first served (config/gunicorn_conf.py); each worker
serves one request, and the requests being served share the cores equally (a worker runs, or
its PostgreSQL backend does while it waits). This simulates exactly that, with service times
drawn like the list's query mix (the mean CPU per kind from `_search_profile.py`, scaled to
`--cpu-ms` a request, with a lognormal spread), and prints throughput, p50 and p99 per worker
count. It needs no database: a guide to the measured A/B runs in RESULTS.md, not a substitute.

    python benchmarks/_queue_model.py [--cpu-ms 18] [--spread 0.5] [--workers 2 3 4 6 8]
"""

from __future__ import annotations

import argparse
import random

# Wall ms a request of each kind took alone (`_search_profile.py`, list `?q=`), and how many of
# each the mix holds.
KINDS = {"name": 15, "brand": 20, "traditional": 25, "typo": 28, "credit_code": 14,
         "code_prefix": 18, "english": 17}  # fmt: skip
MIX = {"name": 40, "brand": 40, "traditional": 40, "typo": 40, "credit_code": 40,
       "code_prefix": 40, "english": 4}  # fmt: skip


def simulate(
    workers: int,
    *,
    cores: int = 2,
    clients: int = 16,
    cpu_ms: float = 18.0,
    spread: float = 0.5,
    requests: int = 20_000,
    seed: int = 1,
) -> tuple[float, float, float]:
    """Requests a second, p50 and p99 (ms) of `requests` requests after a warm-up."""
    rng = random.Random(seed)
    population = [kind for kind, n in MIX.items() for _ in range(n)]
    scale = cpu_ms / (sum(KINDS[k] for k in population) / len(population))

    def demand() -> float:
        noise = rng.lognormvariate(-spread * spread / 2, spread) if spread else 1.0
        return KINDS[rng.choice(population)] * scale * noise

    now = 0.0
    queue: list[tuple[float, float]] = [(0.0, demand()) for _ in range(clients)]  # (sent, CPU)
    serving: list[list[float]] = []  # [sent, CPU left]
    latencies: list[float] = []
    while len(latencies) < requests + 1_000:
        while queue and len(serving) < workers:
            sent, cpu = queue.pop(0)
            serving.append([sent, cpu])
        rate = min(1.0, cores / len(serving))  # each request's share of a core
        first = min(serving, key=lambda job: job[1])
        step = first[1] / rate
        now += step
        for job in serving:
            job[1] -= step * rate
        serving.remove(first)
        latencies.append(now - first[0])
        queue.append((now, demand()))  # the client sends its next request at once
    measured = sorted(latencies[1_000:])
    elapsed_s = now / 1000
    return (
        len(latencies) / elapsed_s,
        measured[len(measured) // 2],
        measured[int(len(measured) * 0.99)],
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cpu-ms", type=float, default=18.0, help="CPU a request (web + db)")
    parser.add_argument("--spread", type=float, default=0.5, help="lognormal sigma")
    parser.add_argument("--workers", type=int, nargs="+", default=[2, 3, 4, 6, 8])
    args = parser.parse_args()
    print("workers  req/s   p50 ms   p99 ms")
    for workers in args.workers:
        rate, p50, p99 = simulate(workers, cpu_ms=args.cpu_ms, spread=args.spread)
        print(f"{workers:7d}  {rate:5.0f}  {p50:7.0f}  {p99:7.0f}")


if __name__ == "__main__":
    main()
