"""Interop check: the trainer's `evaluate --task` against lm-evaluation-harness 0.4.13 itself.

The three task shapes (trainer-image/interop/data/lmeval_*.jsonl, from make_lmeval_data.py) run
through lm-eval's `hf` backend (transformers, float32, CPU, batch size 1, zero-shot) as local tasks
whose yaml gives `target_delimiter: ""` (a choice is appended to the context as it is; lm-eval
0.4.13 appends a loglikelihood task's continuation as it is whatever the delimiter) and, for
generation, only `max_gen_toks` (so the stop sequence is lm-eval's default, its fewshot delimiter
"\\n\\n", plus the EOS token), and through the trainer's `evaluate --task`. Compared:

  multipleChoice  each choice's log-likelihood (within TOLERANCE), acc, acc_norm and their stderr
  loglikelihood   each continuation's log-likelihood (within TOLERANCE) and is_greedy, perplexity
                  (relative, within TOLERANCE), acc and its stderr
  generate        each generation (equal text), exact_match and its stderr

on two fixture models, tiny-llama with the fixture LoRA adapter (lm-eval's `peft=` argument), and
tiny-llama with a tokenizer that adds a BOS token (made here).
A negative control runs the multipleChoice task with lm-eval's default target delimiter (a space
before each choice) and must be reported as different, so a comparison that cannot fail
fails the run. Exit status 1 when any check fails.

lm-eval 0.4.13 is installed without its dependencies (.ci/hf-venv.sh); the modules it imports but
these checks never use (evaluate, sqlitedict, word2number, pytablewriter, rouge_score, jsonlines)
are given empty stand-ins here before it is imported.
"""

import argparse
import contextlib
import json
import math
import os
import shutil
import subprocess
import sys
import types
from pathlib import Path

TOLERANCE = 1e-4
MAX_NEW_TOKENS = 16
MODELS = ["tiny-llama", "tiny-gpt2"]
ADAPTER = ("tiny-llama", "tiny-llama-lora")
# tiny-llama whose tokenizer adds a BOS token (<|endoftext|>) as Llama's does: made here from
# tiny-llama (a TemplateProcessing post-processor and add_bos_token), so lm-eval's special-token
# handling (BOS in context and whole, the prefix token of an empty context) is exercised too.
WITH_BOS = "tiny-llama-bos"
DATA = Path(__file__).resolve().parent / "data"
TASKS = {
    # task name -> (task type, data file, yaml lines)
    "ft_multiple_choice": ("multipleChoice", "lmeval_multiple_choice.jsonl", [
        "output_type: multiple_choice", "doc_to_text: context", "doc_to_choice: choices",
        "doc_to_target: answer", 'target_delimiter: ""']),
    "ft_loglikelihood": ("loglikelihood", "lmeval_loglikelihood.jsonl", [
        "output_type: loglikelihood", "doc_to_text: context", "doc_to_target: continuation",
        'target_delimiter: ""']),
    "ft_generate": ("generate", "lmeval_generate.jsonl", [
        "output_type: generate_until", "doc_to_text: prompt", "doc_to_target: expected",
        "generation_kwargs:", f"  max_gen_toks: {MAX_NEW_TOKENS}"]),
    # negative control: lm-eval's default target_delimiter " " puts a space before each choice
    # (a loglikelihood task appends its continuation as it is whatever the delimiter)
    "ft_multiple_choice_space": ("multipleChoice", "lmeval_multiple_choice.jsonl", [
        "output_type: multiple_choice", "doc_to_text: context", "doc_to_choice: choices",
        "doc_to_target: answer"]),
}


def log(*parts):
    print(*parts, flush=True)


def stand_ins():
    """Empty modules for lm-eval's imports that are not installed (never called by these tasks)."""
    for name in ("evaluate", "sqlitedict", "word2number", "word2number.w2n", "pytablewriter",
                 "rouge_score", "rouge_score.rouge_scorer", "rouge_score.scoring", "jsonlines"):
        try:
            __import__(name)
        except ImportError:
            sys.modules[name] = types.ModuleType(name)
    sys.modules["sqlitedict"].SqliteDict = getattr(sys.modules["sqlitedict"], "SqliteDict", object)
    for attr in ("MarkdownTableWriter", "LatexTableWriter"):
        if not hasattr(sys.modules["pytablewriter"], attr):
            setattr(sys.modules["pytablewriter"], attr, object)


def write_tasks(folder):
    folder.mkdir(parents=True, exist_ok=True)
    for task, (_, data, lines) in TASKS.items():
        (folder / f"{task}.yaml").write_text("\n".join([
            f"task: {task}", "dataset_path: json",
            f"dataset_kwargs: {{data_files: {{test: {json.dumps(str(DATA / data))}}}}}",
            "test_split: test", *lines]) + "\n")


def with_bos(source, out):
    """A copy of the model folder whose tokenizer puts <|endoftext|> (the BOS) before a text."""
    shutil.copytree(source, out)
    for f in out.iterdir():
        f.chmod(0o644)
    tokenizer = json.loads((out / "tokenizer.json").read_text())
    bos = {"SpecialToken": {"id": "<|endoftext|>", "type_id": 0}}
    tokenizer["post_processor"] = {"type": "Sequence", "processors": [
        tokenizer["post_processor"],
        {"type": "TemplateProcessing",
         "single": [bos, {"Sequence": {"id": "A", "type_id": 0}}],
         "pair": [bos, {"Sequence": {"id": "A", "type_id": 0}},
                  {"SpecialToken": {"id": "<|endoftext|>", "type_id": 1}},
                  {"Sequence": {"id": "B", "type_id": 1}}],
         "special_tokens": {"<|endoftext|>": {"id": "<|endoftext|>", "ids": [50256],
                                              "tokens": ["<|endoftext|>"]}}}]}
    (out / "tokenizer.json").write_text(json.dumps(tokenizer))
    config = json.loads((out / "tokenizer_config.json").read_text())
    config["add_bos_token"] = True
    (out / "tokenizer_config.json").write_text(json.dumps(config, indent=2))
    return out


def lm_eval_run(model_dir, task_folder, log_file, adapter=None):
    """lm-eval's per-sample outputs and aggregated metrics per task; its own output (progress
    bars, warnings) goes to log_file, and what is compared to log_file with .json."""
    import lm_eval
    from lm_eval.tasks import TaskManager
    args = f"pretrained={model_dir},dtype=float32"
    if adapter:
        args += f",peft={adapter}"
    with open(log_file, "w") as sink, \
            contextlib.redirect_stdout(sink), contextlib.redirect_stderr(sink):
        out = lm_eval.simple_evaluate(
            model="hf", model_args=args, tasks=list(TASKS),
            task_manager=TaskManager(include_path=str(task_folder)), device="cpu", batch_size=1,
            log_samples=True, bootstrap_iters=100, random_seed=0, numpy_random_seed=0,
            torch_random_seed=0, fewshot_random_seed=0)
    results = {}
    for task in TASKS:
        samples = sorted(out["samples"][task], key=lambda s: s["doc_id"])
        metrics = {k.split(",")[0]: v for k, v in out["results"][task].items()
                   if k.endswith(",none")}
        results[task] = (samples, metrics)
    Path(str(log_file) + ".json").write_text(json.dumps(
        {task: {"metrics": metrics, "filtered_resps": [s["filtered_resps"] for s in samples]}
         for task, (samples, metrics) in results.items()}, indent=1, default=str))
    return results


class Trainer:
    def __init__(self, java, classpath):
        self.base = [java, "-Dai.djl.offline=true", "-Dorg.slf4j.simpleLogger.defaultLogLevel=warn",
                     "-cp", classpath, "dev.finetune.trainer.TrainerMain"]

    def evaluate(self, model, task_type, data, adapter=None):
        args = ["evaluate", "--model", model, "--task", data, "--task-type", task_type,
                "--max-new-tokens", MAX_NEW_TOKENS, "--batch-size", 4]
        if adapter:
            args += ["--adapter", adapter]
        result = subprocess.run(self.base + [str(a) for a in args], capture_output=True, text=True)
        if result.returncode != 0:
            raise RuntimeError(f"trainer evaluate exited {result.returncode}:\n"
                               + result.stderr[-4000:])
        return json.loads(result.stdout.strip().splitlines()[-1])


class Report:
    def __init__(self):
        self.failures = []

    def check(self, where, what, ok, detail, negative=False):
        verdict = ("ok" if ok else "FAIL") + (" (negative control)" if negative else "")
        log(f"{where:24} {what:34} {detail}  {verdict}")
        if not ok:
            self.failures.append(f"{where} {what}")

    def numbers(self, where, what, ours, theirs, tolerance=TOLERANCE, relative=False,
                negative=False):
        ours, theirs = list(ours), list(theirs)
        if len(ours) != len(theirs):
            self.check(where, what, False, f"{len(ours)} values vs lm-eval's {len(theirs)}")
            return
        worst = 0.0
        for a, b in zip(ours, theirs):
            diff = abs(a - b) / (abs(b) if relative and b else 1.0)
            worst = max(worst, diff if not math.isnan(diff) else math.inf)
        equal = worst <= tolerance
        self.check(where, what, equal != negative,
                   f"{len(ours)} value(s), largest {'relative ' if relative else ''}diff "
                   f"{worst:.2e}", negative)

    def same(self, where, what, ours, theirs):
        ok = ours == theirs
        detail = f"{ours!r}" if ok else f"trainer {ours!r} lm-eval {theirs!r}"
        self.check(where, what, ok, detail[:160])


def metric_values(ours, theirs, names):
    """Pairs of metric values; lm-eval's "N/A" stderr is the trainer's absent key."""
    a, b = [], []
    for name in names:
        mine, its = ours.get(name), theirs.get(name)
        if its == "N/A":
            its = None
        a.append(math.nan if mine is None else mine)
        b.append(math.nan if its is None else its)
    return a, b


def compare(report, where, ours_by_task, lm):
    for task, (task_type, _, _) in TASKS.items():
        ours = ours_by_task.get(task)
        if ours is None:
            continue
        samples, metrics = lm[task]
        shown = {k: v for k, v in ours.items() if k not in ("task_type", "samples")
                 and not isinstance(v, list)}
        log(f"{where:24} {task:34} trainer {json.dumps(shown)}")
        if task == "ft_multiple_choice_space":
            theirs = [float(r[0]) for s in samples for r in s["filtered_resps"]]
            mine = [ll for row in ours["loglikelihoods"] for ll in row]
            report.numbers(where, f"{task} loglikelihoods", mine, theirs, negative=True)
        elif task_type == "multipleChoice":
            theirs = [float(r[0]) for s in samples for r in s["filtered_resps"]]
            mine = [ll for row in ours["loglikelihoods"] for ll in row]
            report.numbers(where, f"{task} loglikelihoods", mine, theirs)
            names = ["acc", "acc_stderr", "acc_norm", "acc_norm_stderr"]
            a, b = metric_values(ours, metrics, names)
            report.numbers(where, f"{task} {','.join(names)}", a, b, tolerance=1e-12)
        elif task_type == "loglikelihood":
            theirs = [float(s["filtered_resps"][0][0]) for s in samples]
            report.numbers(where, f"{task} loglikelihoods", ours["loglikelihoods"], theirs)
            greedy = [bool(s["filtered_resps"][0][1]) for s in samples]
            report.same(where, f"{task} is_greedy", ours["is_greedy"], greedy)
            report.numbers(where, f"{task} perplexity", [ours["perplexity"]],
                           [metrics["perplexity"]], relative=True)
            a, b = metric_values(ours, metrics, ["acc", "acc_stderr"])
            report.numbers(where, f"{task} acc,acc_stderr", a, b, tolerance=1e-12)
        else:
            theirs = [s["filtered_resps"][0] for s in samples]
            report.same(where, f"{task} generations", ours["generations"], theirs)
            a, b = metric_values(ours, metrics, ["exact_match", "exact_match_stderr"])
            report.numbers(where, f"{task} exact_match,stderr", a, b, tolerance=1e-12)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--java", default="java")
    parser.add_argument("--classpath", required=True)
    parser.add_argument("--fixtures", required=True)
    parser.add_argument("--work", required=True)
    parser.add_argument("--models", default=",".join(MODELS))
    args = parser.parse_args()
    work = Path(args.work).resolve()
    shutil.rmtree(work, ignore_errors=True)
    work.mkdir(parents=True)
    # Offline, in-process, and no cache outside the work folder.
    os.environ.setdefault("HF_DATASETS_OFFLINE", "1")
    os.environ["HF_DATASETS_CACHE"] = str(work / "datasets-cache")
    os.environ["DISABLE_MULTIPROC"] = "1"
    stand_ins()
    import torch
    import transformers
    import lm_eval
    torch.set_num_threads(2)
    log(f"lmeval: lm_eval {lm_eval.__version__}, torch {torch.__version__}, "
        f"transformers {transformers.__version__}; tolerance {TOLERANCE}")
    task_folder = work / "tasks"
    write_tasks(task_folder)
    fixtures = Path(args.fixtures).resolve()
    trainer = Trainer(args.java, args.classpath)
    report = Report()
    runs = [(name, None) for name in args.models.split(",")] + [ADAPTER, (WITH_BOS, None)]
    for name, adapter_name in runs:
        model = fixtures / "models" / name
        if name == WITH_BOS:
            model = with_bos(fixtures / "models" / "tiny-llama", work / "models" / name)
        adapter = fixtures / "adapters" / adapter_name if adapter_name else None
        where = name + (f"+{adapter_name}" if adapter_name else "")
        try:
            lm = lm_eval_run(model, task_folder, work / f"{where}.lm_eval.log", adapter)
            ours = {task: trainer.evaluate(model, task_type, DATA / data, adapter)
                    for task, (task_type, data, _) in TASKS.items() if not task.endswith("_space")}
            ours["ft_multiple_choice_space"] = ours["ft_multiple_choice"]
            compare(report, where, ours, lm)
        except Exception as e:  # one model's error must not hide the others' results
            log(f"{where:24} ERROR {e}")
            report.failures.append(f"{where} error")
    if report.failures:
        log("lmeval: FAILED: " + ", ".join(report.failures))
        return 1
    log("lmeval: all checks passed")
    return 0


if __name__ == "__main__":
    sys.exit(main())
