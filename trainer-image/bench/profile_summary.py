"""Sums a PyTorch profiler Chrome trace (TrainBenchmark -Dbench.profile=FILE) by operator: total
self time, calls, and share of the step; the top N operators.   profile_summary.py FILE [N]"""
import collections
import json
import sys


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


if __name__ == "__main__":
    main()
