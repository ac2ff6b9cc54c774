#!/usr/bin/env python3
"""Ours/OpenSSL time ratios from a Google Benchmark JSON report.

Pairs BM_<Op>[/args] with BM_<Op>_OpenSSL[/args] (the same arguments) and
prints ratio = ours / OpenSSL of cpu_time, one row per pair, as a Markdown
table. Where the report also has BM_<Op>_Botan[/args] (the same work through
bare Botan, no autokey code), the row adds ours / Botan (what the adapter
itself costs) and Botan / OpenSSL (what the library costs), both judged
against the same target. When the run has repetitions the median aggregate
is used (and the largest coefficient of variation of the row is shown);
without aggregates, the median of the iteration runs of that name.

It reports; it does not gate: the exit status is 0 whatever the ratios are,
2 only when the input is not a benchmark report it can read.

    ak_crypto_bench --benchmark_format=json > run.json
    python3 bench/ratios.py run.json [--target 1.1]
"""

import argparse
import json
import statistics
import sys

TWIN_SUFFIX = "_OpenSSL"
BOTAN_SUFFIX = "_Botan"
TO_NS = {"ns": 1.0, "us": 1e3, "ms": 1e6, "s": 1e9}


class Malformed(Exception):
    pass


def split_name(run_name):
    """'BM_RsaSign/512' -> ('BM_RsaSign', '512'); no slash -> args ''."""
    base, _, args = run_name.partition("/")
    return base, args


def cpu_ns(entry, where):
    if not isinstance(entry, dict):
        raise Malformed(f"{where}: not an object")
    for key in ("name", "cpu_time", "time_unit"):
        if key not in entry:
            raise Malformed(f"{where}: no '{key}'")
    unit = entry["time_unit"]
    if unit not in TO_NS:
        raise Malformed(f"{where}: unknown time_unit {unit!r}")
    t = entry["cpu_time"]
    if isinstance(t, bool) or not isinstance(t, (int, float)) or t < 0:
        raise Malformed(f"{where}: cpu_time is not a non-negative number")
    return float(t) * TO_NS[unit]


def collect(report):
    """(run name -> cpu time in ns, None for a run that reported an error,
    in order of first appearance; run name -> coefficient of variation of
    the repetitions, where the report has one)."""
    if not isinstance(report, dict) or not isinstance(report.get("benchmarks"), list):
        raise Malformed("no 'benchmarks' list at the top level")
    medians = {}
    cvs = {}
    iterations = {}
    errors = set()
    order = []
    # Registration order where the report has it (Google Benchmark >= 1.6),
    # so that a run with --benchmark_enable_random_interleaving reads the
    # same as one without.
    rank = {}
    for i, entry in enumerate(report["benchmarks"]):
        where = f"benchmarks[{i}]"
        if isinstance(entry, dict) and entry.get("error_occurred"):
            name = entry.get("run_name", entry.get("name"))
            if not isinstance(name, str):
                raise Malformed(f"{where}: no name")
            fam, inst = entry.get("family_index"), entry.get("per_family_instance_index")
            if isinstance(fam, int) and isinstance(inst, int):
                rank.setdefault(name, (fam, inst))
            errors.add(name)
            if name not in order:
                order.append(name)
            continue
        t = cpu_ns(entry, where)
        name = entry.get("run_name", entry["name"])
        if not isinstance(name, str):
            raise Malformed(f"{where}: name is not a string")
        if name not in order:
            order.append(name)
        fam, inst = entry.get("family_index"), entry.get("per_family_instance_index")
        if isinstance(fam, int) and isinstance(inst, int):
            rank.setdefault(name, (fam, inst))
        if entry.get("run_type") == "aggregate":
            if entry.get("aggregate_name") == "median":
                medians[name] = t
            elif entry.get("aggregate_name") == "cv":
                # A ratio, not a time: read cpu_time as it stands.
                cvs[name] = float(entry["cpu_time"])
        else:
            iterations.setdefault(name, []).append(t)
    if len(rank) == len(order):
        order.sort(key=lambda n: rank[n])
    times = {}
    for name in order:
        if name in errors:
            times[name] = None
        elif name in medians:
            times[name] = medians[name]
        elif name in iterations:
            times[name] = statistics.median(iterations[name])
        # else: only aggregates other than the median (e.g. mean alone); skip
    return times, cvs


def fmt_us(ns):
    return "error" if ns is None else f"{ns / 1e3:.3f}"


def ratio_cells(a, b, target):
    """(ratio text, verdict) for a / b."""
    if a is None or b is None:
        return "n/a", "error"
    ratio = a / b if b > 0 else float("inf")
    return f"{ratio:.2f}", ("yes" if ratio <= target else "**no**")


def table(times, cvs, target):
    rows = []
    unpaired = []
    names = list(times)
    present = set(names)
    with_botan = False
    for name in names:
        base, args = split_name(name)
        suffix = "/" + args if args else ""
        if base.endswith(TWIN_SUFFIX) or base.endswith(BOTAN_SUFFIX):
            cut = len(TWIN_SUFFIX) if base.endswith(TWIN_SUFFIX) else len(BOTAN_SUFFIX)
            if base[:-cut] + suffix not in present:
                unpaired.append(name)
            continue
        twin = base + TWIN_SUFFIX + suffix
        if twin not in present:
            unpaired.append(name)
            continue
        botan = base + BOTAN_SUFFIX + suffix
        a, b = times[name], times[twin]
        op = base[3:] if base.startswith("BM_") else base
        ratio, verdict = ratio_cells(a, b, target)
        if botan in present:
            with_botan = True
            c = times[botan]
            over_botan, over_botan_ok = ratio_cells(a, c, target)
            botan_ratio, _ = ratio_cells(c, b, target)
            botan_cells = (fmt_us(c), over_botan, over_botan_ok, botan_ratio)
        else:
            botan_cells = ("—", "—", "—", "—")
        spread = [cvs[n] for n in (name, twin, botan) if n in cvs]
        cv = f"{100 * max(spread):.1f}" if spread else ""
        rows.append((op, args or "—", fmt_us(a), fmt_us(b), ratio, verdict) + botan_cells + (cv,))
    with_cv = any(r[-1] for r in rows)
    head = f"| Operation | Args | Ours (µs CPU) | OpenSSL (µs CPU) | Ours/OpenSSL | ≤ {target:g} |"
    rule = "|---|---|---:|---:|---:|:---:|"
    if with_botan:
        head += f" Botan (µs CPU) | Ours/Botan | ≤ {target:g} | Botan/OpenSSL |"
        rule += "---:|---:|:---:|---:|"
    if with_cv:
        head += " max CV % |"
        rule += "---:|"
    shown = []
    for r in rows:
        cells = r[:6]
        if with_botan:
            cells += r[6:10]
        if with_cv:
            cells += r[10:]
        shown.append(cells)
    out = [head, rule]
    out += ["| " + " | ".join(r) + " |" for r in shown]
    met = sum(1 for r in rows if r[5] == "yes")
    out.append("")
    out.append(f"{len(rows)} pairs, {met} within the target ratio {target:g} of OpenSSL.")
    if with_botan:
        triples = [r for r in rows if r[8] != "—"]
        met_botan = sum(1 for r in triples if r[8] == "yes")
        out.append(f"{len(triples)} with a bare-Botan twin, {met_botan} within {target:g} of bare Botan.")
    if unpaired:
        out.append("Without a twin: " + ", ".join(unpaired))
    return "\n".join(out)


def main(argv):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("report", help="JSON from --benchmark_format=json or --benchmark_out ('-' for stdin)")
    ap.add_argument("--target", type=float, default=1.1, help="ratio reported as met (default 1.1)")
    args = ap.parse_args(argv)
    try:
        if args.report == "-":
            report = json.load(sys.stdin)
        else:
            with open(args.report, encoding="utf-8") as f:
                report = json.load(f)
        times, cvs = collect(report)
    except (OSError, ValueError, Malformed) as e:
        print(f"ratios.py: {args.report}: {e}", file=sys.stderr)
        return 2
    print(table(times, cvs, args.target))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
