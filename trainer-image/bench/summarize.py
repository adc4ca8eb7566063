"""One benchmark shape's lines: medians over the rounds for the trainer and for HF transformers,
the time ratio, and the achieved GFLOP/s (model FLOPs estimated from config.json) beside each
engine's own GEMM floor."""
import json
import statistics
import sys


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


def main():
    name, model, method, trainer_file, hf_file = sys.argv[1:6]
    config = json.load(open(f"{model}/config.json"))
    rows = {}
    for engine, path in (("trainer", trainer_file), ("hf", hf_file)):
        lines = [json.loads(l) for l in open(path) if l.strip()]
        if not lines:
            print(f"{name:20s} {engine:8s} no result (see {path})")
            return
        batch, seq = lines[0]["batch"], lines[0]["seq"]
        # A DPO step reads two sequences per pair (chosen and rejected).
        sequences = batch * (2 if lines[0].get("objective") == "dpo" else 1)
        # Full fine-tuning: forward + backward (2x); LoRA: forward + input gradients only.
        flops = forward_flops(config, seq) * sequences * (2 if method == "lora" else 3)
        step = statistics.median(l["median_step_s"] for l in lines)
        rows[engine] = {
            "step": step,
            "tokens": sequences * seq / step,
            "rss": statistics.median(l["peak_rss_mib"] for l in lines),
            "gflops": flops / step / 1e9,
            "gemm": statistics.median(l["gemm_gflops"] for l in lines),
            "rounds": len(lines),
        }
    ratio = rows["trainer"]["step"] / rows["hf"]["step"]
    for engine, r in rows.items():
        print(
            f"{name:20s} {engine:8s} {r['step']:22.3f} {r['tokens']:22.0f} "
            f"{(f'{ratio:.2f}' if engine == 'trainer' else ''):>8s} {r['rss']:16.0f} "
            f"{r['gflops']:7.1f} ({r['gemm']:5.1f})"
        )


if __name__ == "__main__":
    main()
