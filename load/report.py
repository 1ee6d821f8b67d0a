"""The table `make load` ends with: per operation, requests, errors, p50 and p99 latency
(ms, as Locust's histogram rounds them) and throughput over the whole run."""


def print_table(stats, rate: float, duration: float) -> None:
    total = stats.total
    elapsed = duration  # throughput: answers over the time operations arrived in
    lines = [
        f"open model: {rate:g} arrivals/s for {duration:g} s",
        f"{'operation':<10} {'requests':>8} {'errors':>6} {'p50 ms':>7} {'p99 ms':>7} {'req/s':>6}",
    ]
    for entry in sorted(stats.entries.values(), key=lambda e: e.name):
        lines.append(_line(entry.name, entry, elapsed))
    lines.append(_line("all", total, elapsed))
    for (name, error), count in sorted(
        ((k.name, str(k.error)), k.occurrences) for k in stats.errors.values()
    ):
        lines.append(f"  error {name}: {error} x{count}")
    print("\n".join(lines), flush=True)


def _line(name: str, entry, elapsed: float) -> str:
    if not entry.num_requests:
        return f"{name:<10} {0:>8} {entry.num_failures:>6} {'-':>7} {'-':>7} {0:>6.1f}"
    return (
        f"{name:<10} {entry.num_requests:>8} {entry.num_failures:>6} "
        f"{entry.get_response_time_percentile(0.5):>7.0f} "
        f"{entry.get_response_time_percentile(0.99):>7.0f} "
        f"{entry.num_requests / elapsed:>6.1f}"
    )
