"""The results of a run as `bench/results/latest.md` (for people) and `latest.json` (for
tools): throughput and latency beside the ceilings, the ratios against their targets, the
profile of each operation, the scale curve with its plans, and the soak."""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from typing import Any

from bench.load import Sample, median
from bench.profile import Profile
from bench.scenarios import SCENARIOS, TARGETS, Target
from bench.search import SearchCurve
from bench.soak import Soak


@dataclass
class Results:
    meta: dict[str, str] = field(default_factory=dict)
    # concurrency -> scenario -> one Sample per round
    samples: dict[int, dict[str, list[Sample]]] = field(default_factory=dict)
    profiles: dict[str, Profile] = field(default_factory=dict)
    # size -> {"rows": n, "reads": {scenario: {concurrency: (p50, p99, rps)}}, "plans": {...}}
    scale: dict[int, dict[str, Any]] = field(default_factory=dict)
    contention: dict[str, Any] = field(default_factory=dict)
    soak: Soak | None = None
    gc: dict[str, dict[str, float]] = field(default_factory=dict)
    search: SearchCurve | None = None  # postings searched as people type, 1k and 100k rows

    def add(self, concurrency: int, key: str, sample: Sample) -> None:
        self.samples.setdefault(concurrency, {}).setdefault(key, []).append(sample)

    def rps(self, c: int, key: str) -> float:
        return median([s.rps for s in self.samples.get(c, {}).get(key, [])])

    def p50(self, c: int, key: str) -> float:
        return median([s.percentile(0.5) for s in self.samples.get(c, {}).get(key, [])])

    def p99(self, c: int, key: str) -> float:
        return median([s.percentile(0.99) for s in self.samples.get(c, {}).get(key, [])])


def _judge(results: Results, target: Target, c: int) -> tuple[str, str]:
    if target.level is not None and c != target.level:
        if target.p50_at_most is not None:
            return f"{results.p50(c, target.top) / results.p50(c, target.bottom):.2f}", ""
        return f"{results.rps(c, target.top) / results.rps(c, target.bottom):.2f}", ""
    if target.p50_at_most is not None:
        value = results.p50(c, target.top) / results.p50(c, target.bottom)
        verdict = "met" if value <= target.p50_at_most else "not met"
        return f"{value:.2f}", f"≤ {target.p50_at_most} — {verdict}"
    value = results.rps(c, target.top) / results.rps(c, target.bottom)
    if target.at_least is None:
        return f"{value:.2f}", "ceiling"
    verdict = "met" if value >= target.at_least else "not met"
    return f"{value:.2f}", f"≥ {target.at_least} — {verdict}"


def _overall(verdicts: list[tuple[int, str]]) -> str:
    """One verdict over the levels it was judged at: met only where met at every level."""
    if not verdicts:
        return ""
    bound = verdicts[0][1].split(" — ")[0]
    met = [c for c, v in verdicts if v.endswith("— met")]
    if len(met) == len(verdicts):
        return f"{bound} — met"
    if not met:
        return f"{bound} — not met"
    return f"{bound} — met at " + ", ".join(f"c={c}" for c in met) + " only"


def render(results: Results) -> str:
    levels = sorted(results.samples)
    labels = {s.key: s.label for s in SCENARIOS}
    out = ["# Benchmark: latest run", "", "Written by `make bench` (`python -m bench.run`).", ""]
    out += ["| setting | value |", "|---|---|"]
    out += [f"| {k} | {v} |" for k, v in results.meta.items()]
    out += [
        "",
        "Closed loop; each cell is the median over interleaved rounds (req/s; p50 and p99 in",
        "ms, medians of the per-round percentiles). Absolute numbers from a shared 2-core box are",
        "not portable: the ratios, measured back to back in the same run, are what to compare.",
        "",
        "## Throughput and latency",
        "",
        "| operation | " + " | ".join(f"c={c} req/s · p50 · p99" for c in levels) + " | errors |",
        "|---|" + "---:|" * (len(levels) + 1),
    ]
    for scenario in SCENARIOS:
        cells, errors = [], 0
        for c in levels:
            runs = results.samples[c].get(scenario.key, [])
            errors += sum(s.errors for s in runs)
            cells.append(
                f"{results.rps(c, scenario.key):,.0f} · {results.p50(c, scenario.key):.1f} · "
                f"{results.p99(c, scenario.key):.1f}"
                if runs
                else "–"
            )
        out.append(f"| {scenario.label} `{scenario.key}` | " + " | ".join(cells) + f" | {errors} |")
    out += ["", "## Ratios and targets", "", "| ratio | " + " | ".join(f"c={c}" for c in levels)]
    out[-1] += " | target |"
    out.append("|---|" + "---:|" * len(levels) + "---|")
    for target in TARGETS:
        if not all(target.top in results.samples[c] for c in levels):
            continue
        judged = [_judge(results, target, c) for c in levels]
        verdict = _overall([(c, v) for c, (_, v) in zip(levels, judged, strict=True) if v])
        if target.level is not None:
            verdict = (
                f"{verdict} (at c={target.level})" if verdict else f"judged at c={target.level}"
            )
        out.append(f"| {target.label} | " + " | ".join(v for v, _ in judged) + f" | {verdict} |")
    if results.contention:
        out += ["", "## Limits under contention", ""]
        for name, facts in results.contention.items():
            out.append(f"- **{name}**")
            out += [f"  - {k}: {v}" for k, v in facts.items()]
    if results.gc:
        out += ["", "## Garbage collection during the measured rounds", ""]
        # every process gets every column, or the rows do not line up ("–": not recorded)
        columns = sorted({k for stats in results.gc.values() for k in stats})
        out += ["| process | " + " | ".join(columns) + " |"]
        out.append("|---|" + "---:|" * len(columns))
        for name, stats in results.gc.items():
            cells = [f"{stats[k]:g}" if k in stats else "–" for k in columns]
            out.append(f"| {name} | " + " | ".join(cells) + " |")
    if results.profiles:
        out += ["", "## Where the CPU goes (py-spy, c=16)", ""]
        for key, profile in results.profiles.items():
            if profile.empty:
                continue
            layers = ", ".join(f"{name} {share}%" for name, share in profile.layers[:8])
            hot = "; ".join(f"`{fn}` {share}%" for fn, share in profile.functions[:5])
            out += [
                f"- **{labels[key]}** ({profile.samples} samples): {layers}",
                f"  - hottest: {hot}",
            ]
    if results.scale:
        out += ["", "## Scale curve (institutions)", ""]
        sizes = sorted(results.scale)
        reads = sorted({k for s in sizes for k in results.scale[s]["reads"]})
        out += [
            "| operation | " + " | ".join(f"{s:,} rows p50 ms (c=1 · c=16)" for s in sizes) + " |"
        ]
        out.append("|---|" + "---:|" * len(sizes))
        for key in reads:
            cells = []
            for s in sizes:
                r = results.scale[s]["reads"].get(key, {})
                cells.append(f"{r.get(1, (0,))[0]:.2f} · {r.get(16, (0,))[0]:.2f}")
            out.append(f"| {labels.get(key, key)} | " + " | ".join(cells) + " |")
        first, last = sizes[0], sizes[-1]
        for key in reads:
            a = results.scale[first]["reads"].get(key, {}).get(1, (0,))[0]
            b = results.scale[last]["reads"].get(key, {}).get(1, (0,))[0]
            if a:
                out.append(
                    f"\n{labels.get(key, key)}: p50 at {last:,} / at {first:,} = "
                    f"**{b / a:.2f}** (target for nearby ≤ 1.5)"
                )
        for s in sizes:
            out += ["", f"<details><summary>EXPLAIN (ANALYZE, BUFFERS) at {s:,} rows</summary>", ""]
            for name, plan in results.scale[s]["plans"].items():
                out += [f"{name}:", "", "```", plan, "```", ""]
            out.append("</details>")
    if results.search is not None and results.search.sizes:
        out += ["", results.search.render().rstrip("\n")]
    if results.soak is not None:
        soak = results.soak
        out += [
            "",
            f"## Soak ({soak.seconds / 60:.1f} minutes, c=8 mixed reads through the gateway)",
            "",
        ]
        out.append(f"{soak.requests:,} requests, {soak.errors} errors.")
        out += [
            "",
            "| process | RSS MB after 1 min | RSS MB at end | growth | GC during soak |",
            "|---|---:|---:|---:|---|",
        ]
        for name, series in soak.rss_mb.items():
            base = series[min(len(series) - 1, 6)]
            gc = ", ".join(f"{k} {v:g}" for k, v in sorted(soak.gc.get(name, {}).items()))
            out.append(
                f"| {name} | {base:.1f} | {series[-1]:.1f} "
                f"| {100 * soak.growth(name):+.1f}% | {gc} |"
            )
    return "\n".join(out) + "\n"


def as_json(results: Results) -> str:
    data: dict[str, Any] = {
        "meta": results.meta,
        "operations": {
            str(c): {
                key: {
                    "rps": results.rps(c, key),
                    "p50_ms": results.p50(c, key),
                    "p99_ms": results.p99(c, key),
                    "rounds": [
                        {"rps": s.rps, "p50_ms": s.percentile(0.5), "p99_ms": s.percentile(0.99),
                         "requests": s.requests, "errors": s.errors}
                        for s in runs
                    ],
                }
                for key, runs in by_key.items()
            }
            for c, by_key in results.samples.items()
        },
        "targets": {
            t.label: {str(c): _judge(results, t, c)[0] for c in results.samples}
            for t in TARGETS
            if all(t.top in results.samples[c] for c in results.samples)
        },
        "profiles": {k: asdict(p) for k, p in results.profiles.items()},
        "scale": {str(k): v for k, v in results.scale.items()},
        "contention": results.contention,
        "gc": results.gc,
        "soak": asdict(results.soak) if results.soak else None,
        "search": {
            "sizes": {str(k): v for k, v in results.search.sizes.items()},
            "ratios": results.search.ratios(),
        } if results.search else None,
    }  # fmt: skip
    return json.dumps(data, ensure_ascii=False, indent=1, default=str)
