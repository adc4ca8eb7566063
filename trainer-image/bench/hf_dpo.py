"""What users run instead of the trainer's DPO, timed step by step: TRL 1.13 DPOTrainer (full
fine-tune, AutoModelForCausalLM with its default attention, AdamW, clipping at 1.0, float32 on the
CPU) on random preference pairs of a fixed shape, from a model folder. Prints one JSON line in
hf_train.py's form (summarize.py reads it): per-step seconds after the warm-up steps, their median,
tokens/s, peak RSS.

    hf_dpo.py MODEL_DIR PAIRS SEQ STEPS WARMUP THREADS [--reference-each-step] [--tokens FILE]

The shape of TrainBenchmark's -Dbench.objective=dpo (same arguments, same output fields): a step
is one optimizer step over PAIRS pairs, each a prompt of SEQ/2 random tokens with a chosen and a
rejected completion of SEQ - SEQ/2 (2 x PAIRS sequences of SEQ tokens), forward, backward, clip,
AdamW; "batch" is PAIRS, tokens/s counts both sequences of a pair. Like the trainer, the reference
log-probs are computed once before training (TRL's precompute_ref_log_probs), timed apart
("reference_s"), so a step holds no reference forward; --reference-each-step runs TRL's default
instead (a frozen reference copy, one more forward every step). Compare the two on one machine,
alternating runs, as bench/run.sh does for the SFT shapes.

The optimizer is what transformers' Trainer picks by default on torch >= 2.8 (adamw_torch_fused).
--tokens FILE reads the pairs from the file both engines read (hf_train.py --make-tokens --pairs:
two lines per pair, chosen then rejected, sharing their first SEQ/2 ids); the first step's loss
is printed ("first_loss", ln 2 when the reference is the starting policy).

Random token ids (generator seeded, never the EOS id) go in as already-tokenized pairs: TRL's own
dataset preparation (text, EOS appended, tokenizer) is replaced after the trainer is built,
because random ids do not survive a decode/encode round trip.
"""
import contextlib
import json
import os
import resource
import statistics
import sys
import time

import torch


def main():
    argv = sys.argv[1:]
    tokens = None
    if "--tokens" in argv:
        i = argv.index("--tokens")
        tokens = [[int(t) for t in line.split()] for line in open(argv[i + 1]) if line.strip()]
        del argv[i : i + 2]
    args = [a for a in argv if not a.startswith("--")]
    reference_each_step = "--reference-each-step" in sys.argv
    model_dir = args[0]
    pairs, seq, steps, warmup, threads = (int(a) for a in args[1:6])
    prompt, completion = seq // 2, seq - seq // 2
    torch.set_num_threads(threads)
    torch.set_num_interop_threads(1)

    from datasets import Dataset
    from transformers import AutoModelForCausalLM, AutoTokenizer, TrainerCallback
    from trl import DPOConfig, DPOTrainer

    tokenizer = AutoTokenizer.from_pretrained(model_dir)
    model = AutoModelForCausalLM.from_pretrained(model_dir, dtype=torch.float32)
    # Like for like: no dropout (GPT-2 configs default to 0.1; DPOTrainer also disables it).
    for module in model.modules():
        if isinstance(module, torch.nn.Dropout):
            module.p = 0.0
    total = steps + warmup
    config = DPOConfig(
        output_dir="/tmp/hf_dpo_bench",
        per_device_train_batch_size=pairs,
        max_steps=total,
        learning_rate=1e-4,
        lr_scheduler_type="constant",
        weight_decay=0.0,
        adam_beta1=0.9,
        adam_beta2=0.999,
        adam_epsilon=1e-8,
        max_grad_norm=1.0,
        optim="adamw_torch_fused",  # the Trainer's default on torch >= 2.8
        train_sampling_strategy="sequential",
        use_cpu=True,
        bf16=False,  # DPOConfig's default is True (autocast on the CPU too)
        fp16=False,
        logging_steps=total,
        report_to=[],
        save_strategy="no",
        dataloader_num_workers=0,
        max_length=None,
        loss_type=["sigmoid"],
        beta=0.1,
        precompute_ref_log_probs=not reference_each_step,
        disable_tqdm=True,
    )
    placeholder = Dataset.from_list([{"prompt": "a", "chosen": " b", "rejected": " c"}])
    trainer = DPOTrainer(model=model, args=config, train_dataset=placeholder,
                         processing_class=tokenizer)

    vocab = model.config.vocab_size
    eos = tokenizer.eos_token_id
    gen = torch.Generator().manual_seed(1234)

    def ids(n):
        x = torch.randint(0, vocab - 1, (n,), generator=gen)
        x[x >= eos] += 1  # never the EOS id (also the pad id here)
        return x.tolist()

    if tokens is not None:
        assert len(tokens) >= 2 * total * pairs, "token file too short"
        data = Dataset.from_list([{"prompt_ids": tokens[2 * i][:prompt],
                                   "chosen_ids": tokens[2 * i][prompt:],
                                   "rejected_ids": tokens[2 * i + 1][prompt:]}
                                  for i in range(total * pairs)])
    else:
        data = Dataset.from_list([{"prompt_ids": ids(prompt), "chosen_ids": ids(completion),
                                   "rejected_ids": ids(completion)} for _ in range(total * pairs)])
    start = time.perf_counter()
    if reference_each_step:
        trainer.train_dataset = data
    else:
        trainer.train_dataset = trainer._precompute_ref_logps(data, "train", pairs)
    reference_s = time.perf_counter() - start

    times = []

    class StepTimer(TrainerCallback):
        # Step end to step end: transformers 5 does not call on_step_begin before every step
        # (timed from it, the steps read as a running total).
        def on_train_begin(self, args, state, control, **kwargs):
            self.last = time.perf_counter()

        def on_step_end(self, args, state, control, **kwargs):
            now = time.perf_counter()
            times.append(now - self.last)
            # BENCH_PROFILE=FILE: the step after the warm-up under torch.profiler, as
            # hf_train.py and TrainBenchmark -Dbench.profile record it.
            if state.global_step == warmup and os.environ.get("BENCH_PROFILE"):
                self.profiler = torch.profiler.profile(
                    activities=[torch.profiler.ProfilerActivity.CPU], record_shapes=True)
                self.profiler.__enter__()
            elif getattr(self, "profiler", None) is not None:
                self.profiler.__exit__(None, None, None)
                self.profiler.export_chrome_trace(os.environ["BENCH_PROFILE"])
                self.profiler = None
            self.last = time.perf_counter()

    trainer.add_callback(StepTimer())
    losses = []
    compute_loss = trainer.compute_loss

    def recording_compute_loss(*a, **kw):
        loss = compute_loss(*a, **kw)
        if not losses:
            value = loss[0] if isinstance(loss, tuple) else loss
            losses.append(value.item())
        return loss

    trainer.compute_loss = recording_compute_loss
    # Trainer prints its log dicts on stdout; stdout is this script's one JSON line.
    with contextlib.redirect_stdout(sys.stderr):
        trainer.train()
    measured = times[warmup:]
    median = statistics.median(measured)
    optimizer = getattr(trainer.optimizer, "optimizer", trainer.optimizer)  # accelerate's wrapper
    print(json.dumps({
        "engine": f"trl {__import__('trl').__version__}, transformers "
                  f"{__import__('transformers').__version__}, torch {torch.__version__}",
        "impl": "hf",
        "objective": "dpo",
        "optimizer": type(optimizer).__name__ + str(
            {k: v for k, v in optimizer.defaults.items() if k in ("fused", "foreach")}),
        "attention": model.config._attn_implementation,
        "allocator": " ".join(f"{k}={v}" for k, v in sorted(__import__("os").environ.items())
                              if k.startswith("MALLOC_")),
        "first_loss": losses[0],
        "batch": pairs,
        "seq": seq,
        "reference_each_step": reference_each_step,
        "reference_s": reference_s,
        "step_s": measured,
        "median_step_s": median,
        "tokens_per_s": 2 * pairs * seq / median,
        "peak_rss_mib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
        "gemm_gflops": gemm_gflops(threads),
        "trainable_params": sum(p.numel() for p in model.parameters() if p.requires_grad),
    }))


def gemm_gflops(threads):
    sys.path.insert(0, __file__.rsplit("/", 1)[0])
    from hf_train import gemm_gflops as gemm

    return gemm(threads)


if __name__ == "__main__":
    main()
