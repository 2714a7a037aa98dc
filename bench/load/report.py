"""The load test's figures from the locustfile's steps: by step and class, and what each class sustains."""

SUSTAINED_P99_MS = 200  # the bar: requests/s a class keeps while its p99 stays at or under this


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(len(ordered) * share))] if ordered else 0.0


def step_figures(step: dict) -> dict:
    """By class: requests/s over the step's measured seconds, p50 and p99 in ms, statuses counted."""
    seconds = max(step.get("seconds", 0.0), 1e-9)
    return {name: {"rps": len(figures["ms"]) / seconds, "p50": percentile(figures["ms"], 0.50),
                   "p99": percentile(figures["ms"], 0.99), "statuses": figures["statuses"]}
            for name, figures in sorted(step["classes"].items())}


def failures(steps: list[dict]) -> dict:
    """Answers by outcome over every step: server errors (5xx), 429s, and other failures (4xx, no answer)."""
    counts = {"requests": 0, "server_errors": 0, "rate_limited": 0, "other_failures": 0}
    for step in steps:
        for figures in step["classes"].values():
            for status, count in figures["statuses"].items():
                code = int(status)
                counts["requests"] += count
                if code >= 500:
                    counts["server_errors"] += count
                elif code == 429:
                    counts["rate_limited"] += count
                elif code >= 400 or code == 0:
                    counts["other_failures"] += count
    return counts


def measured(steps: list[dict]) -> list[dict]:
    return [step for step in steps if not step.get("warmup")]


def sustained(steps: list[dict]) -> dict:
    """By class: the most requests/s of a step in which the class's p99 stayed <= 200 ms, and its users."""
    best = {}
    for step in measured(steps):
        for name, figures in step_figures(step).items():
            if figures["p99"] <= SUSTAINED_P99_MS and figures["rps"] > best.get(name, (0, 0))[0]:
                best[name] = (figures["rps"], step["users"])
    return best


def summary_lines(run: dict) -> list[str]:
    answered = sum(step.get("answered", 0) for step in run["steps"])
    per_request = 1000 * run["server_cpu"] / max(answered, 1)
    lines = [f"== {run['shape']}: load average {run['load_before']:.1f} before, {run['load_after']:.1f} after; "
             f"CPU s: server {run['server_cpu']:.0f} (gunicorn and the queue's worker), locust "
             f"{run['locust_cpu']:.0f}; {answered} answers, {per_request:.1f} ms of server CPU each "
             f"(two idle cores: at most {2000 / per_request if per_request else 0:.0f} req/s, the database "
             f"and engine servers' CPU not counted)"]
    for step in measured(run["steps"]):
        classes = step_figures(step)
        total = sum(figures["rps"] for figures in classes.values())
        every = [ms for figures in step["classes"].values() for ms in figures["ms"]]
        lines.append(f"  {step['users']:>4} users: {total:7.1f} req/s, p99 {percentile(every, 0.99):6.0f} ms | "
                     + "  ".join(f"{name} {f['rps']:.1f}/s p99 {f['p99']:.0f}" for name, f in classes.items()))
    for name, (rps, users) in sorted(sustained(run["steps"]).items()):
        lines.append(f"  sustained at p99 <= {SUSTAINED_P99_MS} ms: {name:<8} {rps:7.1f} req/s ({users} users)")
    counts = failures(run["steps"])
    lines.append(f"  {counts['requests']} requests: {counts['server_errors']} server errors, "
                 f"{counts['other_failures']} other failures, {counts['rate_limited']} rate-limited (429)")
    if "baseline" in run:
        peak = max((sum(f["rps"] for f in step_figures(step).values()) for step in measured(run["baseline"])),
                   default=0)
        mix = max((sum(f["rps"] for f in step_figures(step).values()) for step in measured(run["steps"])),
                  default=0)
        lines.append(f"  baseline /healthz on the same server: peak {peak:.0f} req/s; the mix's peak "
                     f"{mix:.0f} req/s = {mix / peak if peak else 0:.2f}x of it")
    return lines
