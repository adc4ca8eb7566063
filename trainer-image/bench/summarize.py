"""One benchmark shape's lines: medians over the rounds for the trainer and for HF transformers,
with the same allocator settings on both sides (the trainer's, then glibc's defaults), the time
ratio, peak RSS, the achieved GFLOP/s (model FLOPs estimated from config.json) beside each engine's
own GEMM floor, both engines' first-step loss (they must agree to 1e-5), the operators each
dispatches per step (from PREFIX.{trainer,hf}.trace.json, when run.sh profiled a step) and their
versions."""
import json
import os
import statistics
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from profile_summary import dispatched_operators  # noqa: E402


def forward_flops(config, seq):
    """Matmul FLOPs of one forward pass over one sequence (norms, softmax and adds left out)."""
    if config.get("model_type") == "gpt2":
        h, layers, vocab = config["n_embd"], config["n_layer"], config["vocab_size"]
        per_layer = 12 * h * h
        attention_width = h
    else:
        h, layers, vocab = config["hidden_size"], config["num_hidden_layers"], config["vocab_size"]
        heads = config["num_attention_heads"]
        kv = config.get("num_key_value_heads", heads)
        d = config.get("head_dim") or h // heads
        per_layer = h * heads * d * 2 + 2 * h * kv * d + 3 * h * config["intermediate_size"]
        attention_width = heads * d
    return 2 * seq * (layers * per_layer + vocab * h) + layers * 4 * seq * seq * attention_width


TOLERANCE = 1e-5  # first-step loss: same weights, same token ids, so the same loss


def read(path):
    try:
        return [json.loads(l) for l in open(path) if l.strip()]
    except FileNotFoundError:
        return []


def row(lines, config, method):
    batch, seq = lines[0]["batch"], lines[0]["seq"]
    # A DPO step reads two sequences per pair (chosen and rejected).
    sequences = batch * (2 if lines[0].get("objective") == "dpo" else 1)
    # Full fine-tuning: forward + backward (2x); LoRA: forward + input gradients only.
    flops = forward_flops(config, seq) * sequences * (2 if method == "lora" else 3)
    # Both sides report statistics.median of their timed steps; the rounds' medians, the same way.
    step = statistics.median(l["median_step_s"] for l in lines)
    return {
        "step": step,
        "tokens": sequences * seq / step,
        "rss": statistics.median(l["peak_rss_mib"] for l in lines),
        "gflops": flops / step / 1e9,
        "gemm": statistics.median(l["gemm_gflops"] for l in lines),
        "rounds": len(lines),
        "steps": len(lines[0]["step_s"]),
        "losses": [l.get("first_loss") for l in lines],
        "engine": lines[0]["engine"],
        "extra": ", ".join(f"{k} {lines[0][k]}" for k in ("optimizer", "attention") if k in lines[0]),
    }


def main():
    """summarize.py NAME MODEL METHOD PREFIX: reads PREFIX.{trainer,hf}.jsonl (the headline, the
    trainer's allocator settings on both sides) and PREFIX.{trainer,hf}.glibc.jsonl (glibc's
    defaults on both). Exits 1 when a result is missing or the first-step losses disagree."""
    name, model, method, prefix = sys.argv[1:5]
    config = json.load(open(f"{model}/config.json"))
    ok = True
    losses = {}
    engines = {}
    for suffix, label in (("", "tuned"), (".glibc", "glibc")):
        rows = {}
        for engine in ("trainer", "before", "hf"):
            lines = read(f"{prefix}.{engine}{suffix}.jsonl")
            if lines:
                rows[engine] = row(lines, config, method)
                losses.setdefault(engine, []).extend(rows[engine]["losses"])
                engines[engine] = rows[engine]["engine"] + (
                    f" ({rows[engine]['extra']})" if rows[engine]["extra"] else "")
        if "trainer" not in rows or "hf" not in rows:
            if label == "tuned" or rows:
                print(f"{name:22s} {label}: no result for {set(('trainer', 'hf')) - set(rows)}"
                      f" (see {prefix}.log)")
                ok = False
            continue
        for engine, r in rows.items():
            ratio = r["step"] / rows["hf"]["step"]
            rss_ratio = r["rss"] / rows["hf"]["rss"]
            print(
                f"{name:22s} {engine:8s} {label:6s} {r['step']:10.3f} {r['tokens']:9.0f} "
                f"{(f'{ratio:.2f}' if engine != 'hf' else ''):>6s} {r['rss']:9.0f} "
                f"{r['gflops']:6.1f} ({r['gemm']:5.1f}) {r['losses'][0]:14.7f}"
                + (f"   [{r['rounds']} rounds x {r['steps']} steps; RSS ratio {rss_ratio:.2f}]"
                   if engine != "hf" else "")
            )
    first = [x for l in losses.values() for x in l]
    if "trainer" in losses and "hf" in losses and None not in first:
        spread = max(first) - min(first)
        verdict = "ok" if spread <= TOLERANCE else f"MISMATCH (> {TOLERANCE:g})"
        print(f"{name:22s} first-step loss: trainer {losses['trainer'][0]:.7f}, "
              f"HF {losses['hf'][0]:.7f}, largest difference over all runs {spread:.2e}: {verdict}")
        ok = ok and spread <= TOLERANCE
    elif losses:
        print(f"{name:22s} first-step loss missing from a result")
        ok = False
    counts = {}
    for engine in ("trainer", "hf"):
        if os.path.exists(f"{prefix}.{engine}.trace.json"):
            counts[engine] = dispatched_operators(f"{prefix}.{engine}.trace.json")
    if counts:
        # What a GPU pays a launch for: the operators the host dispatches in one step.
        print(f"{name:22s} operators dispatched per step (after the backward pass: clipping, "
              "optimizer, zeroing): " + ", ".join(f"{engine} {c[0]} ({c[1]})"
                                                   for engine, c in counts.items()))
    for engine, text in engines.items():
        print(f"{name:22s} {engine}: {text}")
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
