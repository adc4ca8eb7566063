"""What users run instead of the trainer, timed like TrainBenchmark: Hugging Face transformers
(AutoModelForCausalLM, its default attention: scaled_dot_product_attention) with the optimizer its
Trainer picks by default (transformers 5.17 on torch >= 2.8: optim="adamw_torch_fused", i.e.
torch.optim.AdamW(fused=True)), clip_grad_norm_ and zero_grad(set_to_none=True), from the same model
folder and the same token ids as the trainer (a shared file, --make-tokens). Prints one JSON line
with the first step's loss, which must match the trainer's.

    hf_train.py MODEL_DIR BATCH SEQ STEPS WARMUP THREADS [LORA_RANK LORA_TARGETS] [--tokens FILE]
        (BENCH_PROFILE=FILE: torch.profiler's Chrome trace of the first step after the warm-up,
        for profile_summary.py, as TrainBenchmark -Dbench.profile=FILE writes the trainer's)
    hf_train.py --make-qwen2 DIR        (a randomly initialised Qwen2.5-0.5B-shaped model)
    hf_train.py --make-long DIR         (a small randomly initialised Qwen2-shaped model, 2048+
                                         positions, full attention, grouped-query attention)
    hf_train.py --make-tokens MODEL_DIR FILE COUNT SEQ [--pairs]
        COUNT lines of SEQ random token ids (seeded, never the model's EOS id), one sequence per
        line; --pairs: two lines per pair (chosen, rejected) sharing their first SEQ/2 ids
"""
import json
import os
import resource
import statistics
import sys
import time

import torch


def make_qwen2(out):
    from transformers import Qwen2Config, Qwen2ForCausalLM

    torch.manual_seed(0)
    config = Qwen2Config(
        vocab_size=151936,
        hidden_size=896,
        intermediate_size=4864,
        num_hidden_layers=24,
        num_attention_heads=14,
        num_key_value_heads=2,
        max_position_embeddings=32768,
        rms_norm_eps=1e-6,
        rope_theta=1000000.0,
        tie_word_embeddings=True,
    )
    Qwen2ForCausalLM(config).save_pretrained(out, safe_serialization=True)


def make_long(out):
    """Long-sequence shape: Qwen2 layout (grouped-query attention, RoPE, SwiGLU, q/k/v biases),
    small enough for 1 x 2048 on 2 cores: 4 layers, hidden 256, 4 heads of 64, 2 key/value heads,
    vocabulary 32000, full attention (no sliding window)."""
    from transformers import Qwen2Config, Qwen2ForCausalLM

    torch.manual_seed(0)
    config = Qwen2Config(
        vocab_size=32000,
        hidden_size=256,
        intermediate_size=688,
        num_hidden_layers=4,
        num_attention_heads=4,
        num_key_value_heads=2,
        max_position_embeddings=4096,
        rms_norm_eps=1e-6,
        rope_theta=10000.0,
        tie_word_embeddings=True,
        use_sliding_window=False,
        eos_token_id=2,
        bos_token_id=1,
    )
    Qwen2ForCausalLM(config).save_pretrained(out, safe_serialization=True)


def make_tokens(model_dir, out, count, seq, pairs):
    """The token ids both engines read: random, seeded, never the EOS id (TRL pads with it)."""
    config = json.load(open(f"{model_dir}/config.json"))
    vocab = config["vocab_size"]
    eos = config.get("eos_token_id")
    eos = eos[0] if isinstance(eos, list) else eos
    gen = torch.Generator().manual_seed(1234)

    def ids():
        x = torch.randint(0, vocab - (eos is not None), (seq,), generator=gen)
        if eos is not None:
            x[x >= eos] += 1
        return x

    with open(out, "w") as f:
        for _ in range(count):
            first = ids()
            f.write(" ".join(map(str, first.tolist())) + "\n")
            if pairs:
                second = ids()
                second[: seq // 2] = first[: seq // 2]
                f.write(" ".join(map(str, second.tolist())) + "\n")


def read_tokens(path):
    return [[int(t) for t in line.split()] for line in open(path) if line.strip()]


def gemm_gflops(threads):
    """The machine's floor for this engine: a float32 matmul of a typical projection's shape."""
    torch.set_num_threads(threads)
    a = torch.randn(512, 896)
    b = torch.randn(896, 4864)
    for _ in range(3):
        a @ b
    runs = []
    for _ in range(5):
        start = time.perf_counter()
        for _ in range(10):
            a @ b
        runs.append((time.perf_counter() - start) / 10)
    return 2 * 512 * 896 * 4864 / statistics.median(runs) / 1e9


def allocator():
    """The glibc malloc settings this process runs with (empty: glibc's defaults)."""
    import os

    return " ".join(f"{k}={v}" for k, v in sorted(os.environ.items()) if k.startswith("MALLOC_"))


def main():
    if sys.argv[1] == "--make-qwen2":
        make_qwen2(sys.argv[2])
        return
    if sys.argv[1] == "--make-long":
        make_long(sys.argv[2])
        return
    if sys.argv[1] == "--make-tokens":
        make_tokens(sys.argv[2], sys.argv[3], int(sys.argv[4]), int(sys.argv[5]), "--pairs" in sys.argv)
        return
    import transformers
    from transformers import AutoModelForCausalLM

    tokens = None
    if "--tokens" in sys.argv:
        i = sys.argv.index("--tokens")
        tokens = read_tokens(sys.argv[i + 1])
        del sys.argv[i : i + 2]

    model_dir, batch, seq, steps, warmup, threads = (
        sys.argv[1],
        int(sys.argv[2]),
        int(sys.argv[3]),
        int(sys.argv[4]),
        int(sys.argv[5]),
        int(sys.argv[6]),
    )
    lora_rank = int(sys.argv[7]) if len(sys.argv) > 7 else 0
    torch.set_num_threads(threads)
    torch.set_num_interop_threads(1)
    model = AutoModelForCausalLM.from_pretrained(model_dir, dtype=torch.float32)
    # Like for like: the trainer applies no dropout inside the model (GPT-2 configs default to 0.1).
    for module in model.modules():
        if isinstance(module, torch.nn.Dropout):
            module.p = 0.0
    if lora_rank:
        from peft import LoraConfig, get_peft_model

        model = get_peft_model(
            model,
            LoraConfig(
                r=lora_rank,
                lora_alpha=2 * lora_rank,
                lora_dropout=0.0,
                target_modules=sys.argv[8].split(","),
            ),
        )
    model.train()
    params = [p for p in model.parameters() if p.requires_grad]
    # What transformers' Trainer builds by default (optim="adamw_torch_fused" on torch >= 2.8).
    opt = torch.optim.AdamW(
        params, lr=1e-4, betas=(0.9, 0.999), eps=1e-8, weight_decay=0.0, fused=True
    )
    vocab = model.config.vocab_size
    gen = torch.Generator().manual_seed(1234)
    times = []
    losses = []
    for step in range(steps + warmup):
        if tokens is not None:
            ids = torch.tensor(tokens[step * batch : (step + 1) * batch], dtype=torch.long)
            assert ids.shape == (batch, seq), f"token file too short or wrong length: {ids.shape}"
        else:
            ids = torch.randint(0, vocab, (batch, seq), generator=gen)
        profiler = None
        if step == warmup and os.environ.get("BENCH_PROFILE"):
            # The first step after the warm-up, as TrainBenchmark's -Dbench.profile records it.
            profiler = torch.profiler.profile(activities=[torch.profiler.ProfilerActivity.CPU],
                                              record_shapes=True)
            profiler.__enter__()
        start = time.perf_counter()
        loss = model(input_ids=ids, labels=ids).loss
        if step == 0:
            losses.append(loss.item())  # before backward: the first step's loss, same weights
        loss.backward()
        torch.nn.utils.clip_grad_norm_(params, 1.0)
        opt.step()
        opt.zero_grad(set_to_none=True)
        times.append(time.perf_counter() - start)
        if profiler is not None:
            profiler.__exit__(None, None, None)
            profiler.export_chrome_trace(os.environ["BENCH_PROFILE"])
    measured = times[warmup:]
    median = statistics.median(measured)
    print(
        json.dumps(
            {
                "impl": "hf",
                "engine": f"transformers {transformers.__version__}, torch {torch.__version__}",
                "optimizer": "torch.optim.AdamW(fused=True)",
                "attention": model.config._attn_implementation,
                "allocator": allocator(),
                "first_loss": losses[0],
                "batch": batch,
                "seq": seq,
                "step_s": measured,
                "median_step_s": median,
                "tokens_per_s": batch * seq / median,
                "peak_rss_mib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
                "gemm_gflops": gemm_gflops(threads),
                "trainable_params": sum(p.numel() for p in params),
            }
        )
    )


if __name__ == "__main__":
    main()
