"""Sums a PyTorch profiler Chrome trace (TrainBenchmark -Dbench.profile=FILE, hf_train.py's
BENCH_PROFILE=FILE) by operator: total self time, calls, and share of the step; the top N
operators; then the operators dispatched in the step, all and after the backward pass (gradient
clipping, the optimizer step, zeroing the gradients).   profile_summary.py FILE [N]"""
import collections
import json
import sys


def dispatched_operators(path):
    """(all, after the backward pass): the operators the host dispatched in the traced step, each a
    kernel launch on a GPU: aten:: events not nested in another aten:: event of the same thread (an
    operator's own sub-operators run inside its kernel call on the CPU, or as launches it makes
    itself). "After the backward pass": those starting after the last autograd node finished."""
    raw = json.load(open(path))
    raw = raw if isinstance(raw, list) else raw.get("traceEvents", [])
    events = [e for e in raw if e.get("ph") == "X" and "dur" in e]
    backward_end = max((e["ts"] + e["dur"] for e in events
                        if e["name"].startswith("autograd::engine::evaluate_function")), default=0)
    by_thread = collections.defaultdict(list)
    for e in events:
        if e["name"].startswith("aten::"):
            by_thread[(e.get("pid"), e.get("tid"))].append(e)
    total = after = 0
    for evs in by_thread.values():
        evs.sort(key=lambda e: (e["ts"], -e["dur"]))
        open_until = -1
        for e in evs:
            if e["ts"] < open_until:
                continue  # nested in a dispatched operator
            open_until = e["ts"] + e["dur"]
            total += 1
            after += e["ts"] >= backward_end
    return total, after


def main():
    trace = json.load(open(sys.argv[1]))
    top = int(sys.argv[2]) if len(sys.argv) > 2 else 25
    raw = trace if isinstance(trace, list) else trace.get("traceEvents", [])
    events = [e for e in raw if e.get("ph") == "X" and "dur" in e]
    # Self time: an event's duration minus that of the events nested directly in it (same thread).
    by_thread = collections.defaultdict(list)
    for e in events:
        by_thread[(e.get("pid"), e.get("tid"))].append(e)
    self_time = collections.Counter()
    calls = collections.Counter()
    for evs in by_thread.values():
        evs.sort(key=lambda e: (e["ts"], -e["dur"]))
        stack = []
        for e in evs:
            while stack and stack[-1]["ts"] + stack[-1]["dur"] <= e["ts"]:
                stack.pop()
            if stack:
                self_time[stack[-1]["name"]] -= e["dur"]
            self_time[e["name"]] += e["dur"]
            calls[e["name"]] += 1
            stack.append(e)
    total = sum(self_time.values())
    print(f"{'operator':48s} {'self ms':>10s} {'share':>7s} {'calls':>7s}")
    for name, us in self_time.most_common(top):
        print(f"{name[:48]:48s} {us / 1000:10.1f} {us / total:7.1%} {calls[name]:7d}")
    print(f"{'total':48s} {total / 1000:10.1f}")
    dispatched, after = dispatched_operators(sys.argv[1])
    print(f"operators dispatched: {dispatched} in the step, {after} after the backward pass")


if __name__ == "__main__":
    main()
