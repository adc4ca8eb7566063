"""DPO interop check: the trainer's `--objective dpo` against real TRL 1.13 DPOTrainer.

Preference pairs in data/ (make_preference_data.py derives them from the fixture license texts):
preference.jsonl (standard form; MAX_LENGTH truncates four of its sequences, keep_start),
preference_chat.jsonl (conversational: prompt = system + user messages), preference_implicit.jsonl
(chosen/rejected whole conversations sharing their first turns) and preference_eval.jsonl.

No fixture tokenizer has a chat template, so the conversational runs use a copy of tiny-gpt2 (or
tiny-qwen3, not by default: see CASES) with a plain-Jinja ChatML template (CHATML) added to its
tokenizer_config.json; the trainer renders it
with Jinjava, TRL with transformers' apply_chat_template.

  full     3 full fine-tune steps, all pairs in one batch, constant lr, no shuffle, AdamW and
           clipping at the trainer's defaults, for each loss type: TRL's per-step loss,
           rewards/margins, rewards/accuracies and logps/* == the trainer's trainer_state.json,
           within RELATIVE (with an absolute floor ABSOLUTE for the values that are zero at step 1:
           policy == reference); rewards/chosen, rewards/rejected and grad_norm at step 1 (see
           STEP1_KEYS for why not later)
  step 1   sigmoid: ln 2, IPO: (1/(2 beta))^2, hinge: 1, on both sides
  lora     a LoRA DPO run: step 1's loss is ln 2 within 1e-6 (TRL's too: a fresh adapter's B is
           zero), and final/ loaded with PeftModel gives, on preference_eval.jsonl, the DPO loss
           (policy = the PEFT model, reference = the same with the adapter disabled, TRL's
           formula) of the trainer's own final eval_loss. The Python loss is first checked
           against TRL's own evaluate() on TRL's adapter.

Exit status 1 when any check fails.

    dpo_check.py --classpath CP --fixtures DIR --work DIR [--cases llama,qwen3-chat,...]
    dpo_check.py --trl-only ...   (TRL's numbers only: no trainer)
"""

import argparse
import json
import math
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import torch
import torch.nn.functional as F
import transformers

DATA = Path(__file__).resolve().parent / "data"
RELATIVE = 1e-4
ABSOLUTE = 1e-6
STEPS = 3
SEED = 42
# The trainer's defaults (api TrainingDefaults: weight decay 0, AdamW betas 0.9/0.999, eps 1e-8,
# max grad norm 1.0, no warmup), written out on both sides.
WEIGHT_DECAY = 0.0
ADAM_BETAS = (0.9, 0.999)
ADAM_EPS = 1e-8
MAX_GRAD_NORM = 1.0
LR_FULL = 1e-3
LR_LORA = 2e-2
LORA = dict(rank=4, alpha=8, targets="q_proj,v_proj")

# Qwen's ChatML without tools: loops, ifs and string concatenation only (Jinjava renders it too).
CHATML = (
    "{%- if messages[0]['role'] != 'system' %}"
    "{{- '<|im_start|>system\\nYou are a helpful assistant.<|im_end|>\\n' }}"
    "{%- endif %}"
    "{%- for message in messages %}"
    "{{- '<|im_start|>' + message['role'] + '\\n' + message['content'] + '<|im_end|>' + '\\n' }}"
    "{%- endfor %}"
    "{%- if add_generation_prompt %}"
    "{{- '<|im_start|>assistant\\n' }}"
    "{%- endif %}"
)

# case -> (model: fixture name, "+chat" for the copy with CHATML; data file; max length; learning
#          rate; [(loss type, beta, label smoothing)]).
CASES = {
    "llama": ("tiny-llama", "preference.jsonl", 80, LR_FULL,
              [("sigmoid", 0.1, 0.0), ("ipo", 0.5, 0.0), ("hinge", 0.2, 0.0)]),
    "gpt2-chat": ("tiny-gpt2+chat", "preference_chat.jsonl", 256, LR_FULL,
                  [("sigmoid", 0.1, 0.0), ("ipo", 0.5, 0.0), ("hinge", 0.2, 0.0)]),
    "gpt2-implicit": ("tiny-gpt2+chat", "preference_implicit.jsonl", 256, LR_FULL,
                      [("sigmoid", 0.1, 0.0)]),
    "llama-robust": ("tiny-llama", "preference.jsonl", 80, LR_FULL, [("robust", 0.1, 0.1)]),
    # Not run by default: tiny-qwen3 (hidden size 8) learns so little in 3 steps (margins ~0.03 at
    # lr 1e-2 on the chat pairs) that float32 noise is ~1e-4 of its margins by step 3 (TRL with SDPA
    # instead of eager attention: 0.033957 vs 0.033953; the trainer: 0.033956), too close to the
    # tolerance to gate on. Its structure (tokens, masks, step 1) agrees exactly.
    "qwen3-chat": ("tiny-qwen3+chat", "preference_chat.jsonl", 256, 1e-2,
                   [("sigmoid", 0.1, 0.0), ("ipo", 0.5, 0.0), ("hinge", 0.2, 0.0)]),
    "qwen3-implicit": ("tiny-qwen3+chat", "preference_implicit.jsonl", 256, 1e-2,
                       [("sigmoid", 0.1, 0.0)]),
}
DEFAULT_CASES = "llama,gpt2-chat,gpt2-implicit,llama-lora"
# Keys compared per logged step, within RELATIVE at every step (those the trainer writes; loss and
# rewards/margins must be there) ...
KEYS = ["loss", "rewards/margins", "rewards/accuracies", "logps/chosen", "logps/rejected"]
REQUIRED = ["loss", "rewards/margins"]
# ... and at step 1 only (printed for every step). After an AdamW step the two sides' weights
# differ in the last bits, and Adam's g / (sqrt(v) + eps) turns that into relative noise on the
# weights whose gradients are tiny (the 50257-row embeddings); the log-probs then agree to ~3e-6
# relative, but these are differences of two log-probs (~160 for the chat pairs, rewards ~0.05 on
# tiny-qwen3) or a norm over all gradients, and carry that noise at up to ~6e-4 relative by step 3.
# Measured (qwen3-chat, sigmoid, step 3): TRL with SDPA instead of eager attention moves
# rewards/chosen by 4.5e-5 and grad_norm by 3.7e-5, as far as the trainer is from TRL (5.0e-5,
# 3.6e-5).
STEP1_KEYS = ["rewards/chosen", "rewards/rejected", "grad_norm"]


def log(*parts):
    print(*parts, flush=True)


def read_jsonl(path):
    return [json.loads(line) for line in Path(path).read_text().splitlines() if line.strip()]


def model_dir(name, fixtures, work):
    """A fixture model folder, or (name+chat) a copy of it with CHATML in tokenizer_config.json."""
    if not name.endswith("+chat"):
        return fixtures / "models" / name
    src = fixtures / "models" / name[: -len("+chat")]
    out = work / "models" / name
    if not out.exists():
        out.mkdir(parents=True)
        for f in src.iterdir():
            if f.name != "tokenizer_config.json":
                (out / f.name).symlink_to(f.resolve())
        config = json.loads((src / "tokenizer_config.json").read_text())
        config["chat_template"] = CHATML
        (out / "tokenizer_config.json").write_text(json.dumps(config, indent=2) + "\n")
    return out


def step_logs(history):
    """Per-step training entries of a log_history (TRL's or the trainer's), keyed by step."""
    return {h["step"]: h for h in history if "loss" in h and "step" in h}


# ---------------------------------------------------------------------------------------------
# TRL side


def trl_train(model, data, max_length, loss_type, beta, smoothing, out, lr, lora=False,
              eval_data=None):
    """TRL 1.13 DPOTrainer, 3 steps, the trainer's CLI run's settings. Returns the DPOTrainer."""
    from datasets import Dataset
    from trl import DPOConfig, DPOTrainer

    pairs = read_jsonl(data)
    tokenizer = transformers.AutoTokenizer.from_pretrained(model)
    policy = transformers.AutoModelForCausalLM.from_pretrained(
        model, dtype=torch.float32, attn_implementation="eager")
    config = DPOConfig(
        output_dir=str(out),
        per_device_train_batch_size=len(pairs),
        per_device_eval_batch_size=64,
        max_steps=STEPS,
        learning_rate=lr,
        lr_scheduler_type="constant",
        warmup_steps=0,
        weight_decay=WEIGHT_DECAY,
        adam_beta1=ADAM_BETAS[0],
        adam_beta2=ADAM_BETAS[1],
        adam_epsilon=ADAM_EPS,
        max_grad_norm=MAX_GRAD_NORM,
        optim="adamw_torch",
        train_sampling_strategy="sequential",  # no shuffling: the trainer runs with --no-shuffle
        use_cpu=True,
        seed=SEED,
        logging_steps=1,
        report_to=[],
        save_strategy="no",
        dataloader_num_workers=0,
        max_length=max_length,
        truncation_mode="keep_start",
        loss_type=[loss_type],
        beta=beta,
        label_smoothing=smoothing,
        precompute_ref_log_probs=False,
        # DPOConfig defaults bf16 to True (autocast, on the CPU too): the trainer runs float32.
        bf16=False,
        fp16=False,
    )
    # The reference, when not LoRA's disabled adapter: the starting weights, loaded like the policy
    # (TRL's own default loads it with the default attention, SDPA, which differs in the last bits).
    reference = None if lora else transformers.AutoModelForCausalLM.from_pretrained(
        model, dtype=torch.float32, attn_implementation="eager")
    peft_config = None
    if lora:
        from peft import LoraConfig

        peft_config = LoraConfig(r=LORA["rank"], lora_alpha=LORA["alpha"], lora_dropout=0.0,
                                 target_modules=LORA["targets"].split(","), task_type="CAUSAL_LM")
    trainer = DPOTrainer(
        model=policy,
        ref_model=reference,
        args=config,
        train_dataset=Dataset.from_list(pairs),
        eval_dataset=Dataset.from_list(read_jsonl(eval_data)) if eval_data else None,
        processing_class=tokenizer,
        peft_config=peft_config,
    )
    trainer.train()
    return trainer


# ---------------------------------------------------------------------------------------------
# The DPO loss of a PEFT model on preference pairs, in Python (TRL 1.13's tokenization and formula)


def tokenize_pair(tokenizer, pair):
    """TRL 1.13 DPOTrainer._prepare_dataset for one pair (standard or conversational)."""
    if "prompt" not in pair:
        from trl.data_utils import extract_prompt

        pair = {**pair, **extract_prompt(pair)}
    prompt, chosen, rejected = pair["prompt"], pair["chosen"], pair["rejected"]
    if isinstance(prompt, list):
        def ids(messages, **kw):
            return tokenizer.apply_chat_template(messages, tokenize=True, return_dict=True,
                                                 **kw)["input_ids"]
        p = ids(prompt, add_generation_prompt=True)
        c = ids(prompt + chosen)
        r = ids(prompt + rejected)
    else:
        eos = tokenizer.eos_token
        chosen = chosen if chosen.endswith(eos) else chosen + eos
        rejected = rejected if rejected.endswith(eos) else rejected + eos
        p = tokenizer(prompt)["input_ids"]
        c = tokenizer(prompt + chosen)["input_ids"]
        r = tokenizer(prompt + rejected)["input_ids"]
    return {"prompt_ids": p, "chosen_ids": c[len(p):], "rejected_ids": r[len(p):]}


def dpo_loss_python(model, tokenizer, pairs, max_length, loss_type, beta, smoothing=0.0):
    """Mean DPO loss over the pairs: policy = model, reference = model with its adapter disabled."""
    from trl.trainer.dpo_trainer import DataCollatorForPreference
    from trl.trainer.utils import selective_log_softmax

    pad = tokenizer.pad_token_id if tokenizer.pad_token_id is not None else tokenizer.eos_token_id
    collator = DataCollatorForPreference(pad_token_id=pad, max_length=max_length,
                                         truncation_mode="keep_start")
    batch = collator([tokenize_pair(tokenizer, p) for p in pairs])
    inputs = {"input_ids": batch["input_ids"], "attention_mask": batch["attention_mask"],
              "use_cache": False}

    def logps(logits):
        per_token = selective_log_softmax(logits[:, :-1, :], batch["input_ids"][:, 1:])
        per_token[batch["completion_mask"][:, 1:] == 0] = 0.0
        return per_token.sum(dim=1).chunk(2, dim=0)

    model.eval()
    with torch.no_grad():
        chosen, rejected = logps(model(**inputs).logits)
        with model.disable_adapter():
            ref_chosen, ref_rejected = logps(model(**inputs).logits)
    chosen_ratio, rejected_ratio = chosen - ref_chosen, rejected - ref_rejected
    delta = chosen_ratio - rejected_ratio
    if loss_type == "sigmoid":
        losses = -F.logsigmoid(beta * delta)
    elif loss_type == "hinge":
        losses = torch.relu(1 - beta * delta)
    elif loss_type == "ipo":
        chosen_mask, rejected_mask = batch["completion_mask"].chunk(2, dim=0)
        ipo = (chosen_ratio / chosen_mask.sum(dim=1).clamp(min=1.0)
               - rejected_ratio / rejected_mask.sum(dim=1).clamp(min=1.0))
        losses = (ipo - 1 / (2 * beta)) ** 2
    elif loss_type == "robust":
        losses = (-(1 - smoothing) * F.logsigmoid(beta * delta)
                  + smoothing * F.logsigmoid(-beta * delta)) / (1 - 2 * smoothing)
    else:
        raise ValueError(loss_type)
    return losses.mean().item()


# ---------------------------------------------------------------------------------------------
# Trainer side


class Trainer:
    def __init__(self, java, classpath):
        self.base = [java, "-Dai.djl.offline=true", "-Dorg.slf4j.simpleLogger.defaultLogLevel=warn",
                     "-cp", classpath, "dev.finetune.trainer.TrainerMain"]

    def train(self, model, data, max_length, loss_type, beta, smoothing, out, lr, lora=False,
              eval_data=None):
        args = ["train", "--objective", "dpo", "--format", "preference",
                "--dpo-beta", beta, "--dpo-loss", loss_type,
                "--model", model, "--data", data, "--output", out,
                "--batch-size", len(read_jsonl(data)), "--max-steps", STEPS,
                "--learning-rate", lr, "--scheduler", "constant",
                "--warmup-steps", 0, "--weight-decay", WEIGHT_DECAY, "--adam-eps", ADAM_EPS,
                "--max-grad-norm", MAX_GRAD_NORM, "--no-shuffle", "--seed", SEED,
                "--max-length", max_length]
        if smoothing:
            args += ["--dpo-label-smoothing", smoothing]
        if lora:
            args += ["--method", "lora", "--lora-rank", LORA["rank"], "--lora-alpha", LORA["alpha"],
                     "--lora-target-modules", LORA["targets"]]
        else:
            args += ["--method", "full"]
        if eval_data:
            args += ["--eval-data", eval_data, "--eval-every-steps", STEPS,
                     "--eval-max-length", max_length]
        start = time.monotonic()
        result = subprocess.run(self.base + [str(a) for a in args], capture_output=True, text=True)
        if result.returncode != 0:
            raise RuntimeError(f"trainer train --objective dpo exited {result.returncode}:\n"
                               + result.stderr[-4000:])
        state = json.loads((Path(out) / "trainer_state.json").read_text())
        return state["log_history"], time.monotonic() - start


# ---------------------------------------------------------------------------------------------


class Report:
    def __init__(self):
        self.failures = []
        self.worst = {}  # key -> (relative deviation, where)
        self.by_floor = []  # values within ABSOLUTE but not within RELATIVE

    def close(self, a, b, key=None, where=""):
        diff = abs(a - b)
        scale = max(abs(a), abs(b))
        if key and scale > 0 and diff / scale > self.worst.get(key, (-1.0, ""))[0]:
            self.worst[key] = (diff / scale, f"{where}: {a:.6g} vs {b:.6g}")
        if diff > RELATIVE * scale and diff <= ABSOLUTE:
            self.by_floor.append(f"{key} {where}: {a:.6g} vs {b:.6g}")
        return diff <= RELATIVE * scale or diff <= ABSOLUTE

    def steps(self, case, check, trainer_history, trl_history):
        ours, theirs = step_logs(trainer_history), step_logs(trl_history)
        ok = sorted(ours) == sorted(theirs) == list(range(1, STEPS + 1))
        if not ok:
            log(f"{case:15} {check:28} steps: trainer {sorted(ours)}  trl {sorted(theirs)}  FAIL")
            self.failures.append(f"{case} {check} steps")
            return
        for key in KEYS + STEP1_KEYS:
            if key not in ours[1]:
                if key in REQUIRED:
                    log(f"{case:15} {check:28} {key}: not in the trainer's log_history  FAIL")
                    self.failures.append(f"{case} {check} {key} missing")
                continue
            a = [ours[s][key] for s in range(1, STEPS + 1)]
            b = [theirs[s][key] for s in range(1, STEPS + 1)]
            asserted = range(STEPS) if key in KEYS else range(1)
            good = all(self.close(a[i], b[i], key, f"{case} {check} step {i + 1}")
                       for i in asserted)
            worst = max(abs(x - y) for x, y in zip(a, b))
            verdict = ("ok" if good else "FAIL") + ("" if key in KEYS else " (step 1)")
            log(f"{case:15} {check:28} {key:18} trainer {fmt(a)}  trl {fmt(b)}  "
                f"max diff {worst:.1e}  {verdict}")
            if not good:
                self.failures.append(f"{case} {check} {key}")

    def value(self, case, check, got, want, tolerance, who="trainer"):
        diff = abs(got - want)
        ok = diff <= tolerance
        log(f"{case:15} {check:28} {who} {got:.8f}  expected {want:.8f}  diff {diff:.1e}  "
            + ("ok" if ok else "FAIL"))
        if not ok:
            self.failures.append(f"{case} {check}")


def fmt(values):
    return "[" + ", ".join(f"{v:.6f}" for v in values) + "]"


def first_loss(loss_type, beta):
    return {"sigmoid": math.log(2), "ipo": (1 / (2 * beta)) ** 2, "hinge": 1.0,
            "robust": math.log(2)}[loss_type]


def run_case(name, args, fixtures, work, trainer, report):
    model_name, data_file, max_length, lr, losses = CASES[name]
    model = model_dir(model_name, fixtures, work)
    data = DATA / data_file
    for loss_type, beta, smoothing in losses:
        check = f"{loss_type} beta {beta}" + (f" ls {smoothing}" if smoothing else "")
        out = work / name / loss_type
        start = time.monotonic()
        trl = trl_train(model, data, max_length, loss_type, beta, smoothing, out / "trl", lr)
        trl_history = trl.state.log_history
        trl_s = time.monotonic() - start
        del trl
        steps = step_logs(trl_history)
        losses = fmt([steps[s]["loss"] for s in sorted(steps)])
        margins = fmt([steps[s]["rewards/margins"] for s in sorted(steps)])
        log(f"{name:15} {check:28} trl {trl_s:.0f} s: loss {losses}  rewards/margins {margins}")
        report.value(name, f"{check} step 1 loss", steps[1]["loss"], first_loss(loss_type, beta),
                     1e-6, who="trl")
        if trainer is None:
            continue
        history, own_s = trainer.train(model, data, max_length, loss_type, beta, smoothing,
                                       out / "trainer", lr)
        log(f"{name:15} {check:28} trainer {own_s:.0f} s")
        report.steps(name, check, history, trl_history)
        report.value(name, f"{check} step 1 loss", step_logs(history)[1]["loss"],
                     first_loss(loss_type, beta), 1e-6)


def run_lora(args, fixtures, work, trainer, report):
    """LoRA DPO on tiny-llama (sigmoid): step 1 is ln 2; final/ in PEFT gives its eval loss."""
    from peft import PeftModel

    name, loss_type, beta, max_length = "llama-lora", "sigmoid", 0.1, 80
    model = fixtures / "models" / "tiny-llama"
    data, eval_data = DATA / "preference.jsonl", DATA / "preference_eval.jsonl"
    eval_pairs = read_jsonl(eval_data)
    tokenizer = transformers.AutoTokenizer.from_pretrained(model)
    out = work / name
    trl = trl_train(model, data, max_length, loss_type, beta, 0.0, out / "trl", LR_LORA,
                    lora=True, eval_data=eval_data)
    steps = step_logs(trl.state.log_history)
    report.value(name, "trl step 1 loss = ln 2", steps[1]["loss"], math.log(2), 1e-6, who="trl")
    # The Python loss against TRL's own evaluate() of TRL's adapter: checks the formula used below.
    trl_eval = trl.evaluate()["eval_loss"]
    trl.model.save_pretrained(out / "trl" / "final")
    del trl
    base = transformers.AutoModelForCausalLM.from_pretrained(
        model, dtype=torch.float32, attn_implementation="eager")
    peft_model = PeftModel.from_pretrained(base, out / "trl" / "final")
    report.value(name, "python loss vs trl evaluate", dpo_loss_python(
        peft_model, tokenizer, eval_pairs, max_length, loss_type, beta), trl_eval, RELATIVE,
        who="python")
    if trainer is None:
        return
    history, own_s = trainer.train(model, data, max_length, loss_type, beta, 0.0, out / "trainer",
                                   LR_LORA, lora=True, eval_data=eval_data)
    log(f"{name:15} {'trainer':28} {own_s:.0f} s")
    report.value(name, "step 1 loss = ln 2", step_logs(history)[1]["loss"], math.log(2), 1e-6)
    evals = [h["eval_loss"] for h in history if "eval_loss" in h]
    if not evals:
        log(f"{name:15} the trainer reported no eval_loss  FAIL")
        report.failures.append(f"{name} eval_loss missing")
        return
    base = transformers.AutoModelForCausalLM.from_pretrained(
        model, dtype=torch.float32, attn_implementation="eager")
    peft_model = PeftModel.from_pretrained(base, out / "trainer" / "final")
    python_loss = dpo_loss_python(peft_model, tokenizer, eval_pairs, max_length, loss_type, beta)
    report.value(name, "final/ PeftModel eval loss", evals[-1], python_loss,
                 RELATIVE * max(1.0, abs(python_loss)))


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--java", default="java")
    parser.add_argument("--classpath")
    parser.add_argument("--fixtures", required=True)
    parser.add_argument("--work", required=True)
    parser.add_argument("--cases", default=DEFAULT_CASES)
    parser.add_argument("--trl-only", action="store_true", help="TRL's numbers only, no trainer")
    args = parser.parse_args()
    if not args.trl_only and not args.classpath:
        parser.error("--classpath is needed unless --trl-only")
    torch.set_num_threads(2)
    os.environ.setdefault("TQDM_DISABLE", "1")
    fixtures = Path(args.fixtures)
    work = Path(args.work)
    shutil.rmtree(work, ignore_errors=True)
    work.mkdir(parents=True)
    import trl

    log(f"dpo interop: torch {torch.__version__}, transformers {transformers.__version__}, "
        f"peft {__import__('peft').__version__}, trl {trl.__version__}; tolerance {RELATIVE} "
        f"relative (absolute {ABSOLUTE} near zero)")
    trainer = None if args.trl_only else Trainer(args.java, args.classpath)
    report = Report()
    for name in args.cases.split(","):
        try:
            if name == "llama-lora":
                run_lora(args, fixtures, work, trainer, report)
            else:
                run_case(name, args, fixtures, work, trainer, report)
        except Exception as e:  # one case's error must not hide the others' results
            log(f"{name:15} ERROR {type(e).__name__}: {e}")
            report.failures.append(f"{name} error")
    if trainer is not None:
        for key in KEYS:
            if key in report.worst:
                relative, where = report.worst[key]
                log(f"dpo interop: max relative deviation {key:18} {relative:.1e} ({where})")
        for value in report.by_floor:
            log(f"dpo interop: within {ABSOLUTE} absolute only: {value}")
    if report.failures:
        log("dpo interop: FAILED: " + ", ".join(report.failures))
        return 1
    log("dpo interop: all checks passed" + (" (TRL side only)" if trainer is None else ""))
    return 0


if __name__ == "__main__":
    sys.exit(main())
