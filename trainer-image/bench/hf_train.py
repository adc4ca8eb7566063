"""What users run instead of the trainer, timed like TrainBenchmark: Hugging Face transformers
(AutoModelForCausalLM, its default attention), torch.optim.AdamW and clip_grad_norm_, on random
token ids of the same shape, from the same model folder. Prints one JSON line.

    hf_train.py MODEL_DIR BATCH SEQ STEPS WARMUP THREADS [LORA_RANK LORA_TARGETS]
    hf_train.py --make-qwen2 DIR        (a randomly initialised Qwen2.5-0.5B-shaped model)
"""
import json
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


def main():
    if sys.argv[1] == "--make-qwen2":
        make_qwen2(sys.argv[2])
        return
    from transformers import AutoModelForCausalLM

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
    opt = torch.optim.AdamW(params, lr=1e-4, betas=(0.9, 0.999), eps=1e-8, weight_decay=0.0)
    vocab = model.config.vocab_size
    gen = torch.Generator().manual_seed(1234)
    times = []
    for _ in range(steps + warmup):
        ids = torch.randint(0, vocab, (batch, seq), generator=gen)
        start = time.perf_counter()
        loss = model(input_ids=ids, labels=ids).loss
        loss.backward()
        torch.nn.utils.clip_grad_norm_(params, 1.0)
        opt.step()
        opt.zero_grad(set_to_none=True)
        times.append(time.perf_counter() - start)
    measured = times[warmup:]
    median = statistics.median(measured)
    print(
        json.dumps(
            {
                "engine": f"transformers {__import__('transformers').__version__}, torch {torch.__version__}",
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
