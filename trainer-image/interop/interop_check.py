"""Interop check: the trainer's numbers and outputs against the real Hugging Face libraries.

For every supported family (the fixture models, plus tiny Gemma 2, Qwen2 and Ministral models
generated here with transformers itself, so their config.json is in transformers 5's layout):

  eval      the trainer's `evaluate` loss == AutoModelForCausalLM's loss on the same examples
  full      a 3-step full fine-tune: final/ loaded with from_pretrained gives the trainer's own
            end-of-run eval loss
  generate  greedy continuation of a prompt: the trainer's `generate` == model.generate()
  lora      a LoRA fine-tune with non-default targets (attention and MLP): final/ loaded with
            PeftModel.from_pretrained, and merged/ (--merge-adapter) with from_pretrained, give
            the trainer's own eval loss with the adapter

Losses must agree within TOLERANCE. Negative controls change one setting on the Hugging Face side
only (a sliding window, a soft-cap, a RoPE scaling) and must be reported as different, so a
comparison that cannot fail fails the run. Exit status 1 when any check fails.

Examples are built as SEMANTICS.md section 2 says (format text: encode(text) + [eos], truncated),
one sequence per forward pass, eager attention, float32; the loss is token-weighted over the file.
"""

import argparse
import json
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import torch
import transformers
from peft import PeftModel
from tokenizers import Tokenizer

TOLERANCE = 1e-4
MAX_LENGTH = 64
TRAIN_LINES = 16
PROMPT = "Everyone is permitted to copy and distribute"
NEW_TOKENS = 12

# family -> (fixture or generated model, LoRA targets: attention and MLP, none of them the default)
FAMILIES = {
    "gpt2": ("tiny-gpt2", "c_attn,c_fc"),
    "llama": ("tiny-llama", "k_proj,o_proj,up_proj"),
    "llama3": ("tiny-llama3", "q_proj,k_proj,v_proj,down_proj"),
    "qwen2": ("gen:qwen2", "q_proj,k_proj,gate_proj"),
    "qwen3": ("tiny-qwen3", "k_proj,v_proj,o_proj,gate_proj"),
    "mistral": ("tiny-mistral-swa", "q_proj,o_proj,down_proj"),
    "ministral": ("gen:ministral", "v_proj,up_proj"),
    "gemma2": ("gen:gemma2", "q_proj,o_proj,gate_proj"),
    "gemma3": ("tiny-gemma3", "q_proj,k_proj,up_proj,down_proj"),
    "phi3": ("tiny-phi3", "qkv_proj,o_proj,gate_up_proj"),
    "gemma3-multimodal": ("gen:gemma3-multimodal", "q_proj,v_proj,down_proj"),
}

# family -> (description, config.json changes for the Hugging Face side only; None removes a key)
NEGATIVE_CONTROLS = {
    "mistral": ("sliding_window null", {"sliding_window": None}),
    "gemma2": ("attn_logit_softcapping null", {"attn_logit_softcapping": None}),
    "gemma3": ("all layers full_attention", {"layer_types": ["full_attention"] * 3}),
    "llama3": ("rope_scaling null", {"rope_scaling": None}),
    "qwen3": ("rope_theta 10000", {"rope_theta": 10000.0}),
    "phi3": ("rope_scaling null", {"rope_scaling": None}),
}


def log(*parts):
    print(*parts, flush=True)


class Trainer:
    def __init__(self, java, classpath):
        self.base = [java, "-Dai.djl.offline=true", "-Dorg.slf4j.simpleLogger.defaultLogLevel=warn",
                     "-cp", classpath, "dev.finetune.trainer.TrainerMain"]

    def run(self, *args):
        result = subprocess.run(self.base + [str(a) for a in args], capture_output=True, text=True)
        if result.returncode != 0:
            raise RuntimeError(f"trainer {' '.join(map(str, args[:1]))} exited {result.returncode}:\n"
                               + result.stderr[-4000:])
        return result.stdout

    def evaluate(self, model, data, adapter=None):
        args = ["evaluate", "--model", model, "--data", data, "--format", "text",
                "--max-length", MAX_LENGTH, "--batch-size", 4]
        if adapter:
            args += ["--adapter", adapter]
        return json.loads(self.run(*args).strip().splitlines()[-1])["loss"]

    def generate(self, model, prompt):
        return self.run("generate", "--model", model, "--prompt", prompt,
                        "--max-new-tokens", NEW_TOKENS).strip()

    def train(self, model, data, eval_data, out, lora_targets=None):
        args = ["train", "--model", model, "--data", data, "--eval-data", eval_data,
                "--format", "text", "--max-length", MAX_LENGTH, "--batch-size", 4,
                "--max-steps", 3, "--learning-rate", "1e-3" if not lora_targets else "2e-2",
                "--scheduler", "constant", "--no-shuffle", "--eval-every-steps", 3,
                "--eval-max-length", MAX_LENGTH, "--output", out]
        if lora_targets:
            args += ["--method", "lora", "--lora-rank", 4, "--lora-alpha", 8,
                     "--lora-target-modules", lora_targets, "--merge-adapter"]
        self.run(*args)
        state = json.loads((Path(out) / "trainer_state.json").read_text())
        evals = [h["eval_loss"] for h in state["log_history"] if "eval_loss" in h]
        if not evals:
            raise RuntimeError(f"{out}: the trainer reported no eval loss")
        return evals[-1]


def with_config(model_dir, changes, out):
    """A copy of a model folder (weights and tokenizer linked) with config.json values changed."""
    out.mkdir(parents=True)
    for f in Path(model_dir).iterdir():
        if f.name != "config.json":
            (out / f.name).symlink_to(f.resolve())
    config = json.loads((Path(model_dir) / "config.json").read_text())
    config.update(changes)
    (out / "config.json").write_text(json.dumps(config))
    return out


def hf_loss(model_dir, data, adapter=None):
    """Token-weighted loss of AutoModelForCausalLM (+ PEFT adapter) on a text-format JSONL file."""
    model = transformers.AutoModelForCausalLM.from_pretrained(
        model_dir, dtype=torch.float32, attn_implementation="eager")
    if adapter:
        model = PeftModel.from_pretrained(model, adapter)
    model.eval()
    tokenizer = Tokenizer.from_file(str(Path(model_dir) / "tokenizer.json"))
    eos = json.loads((Path(model_dir) / "config.json").read_text())["eos_token_id"]
    eos = eos[0] if isinstance(eos, list) else eos
    total, tokens = 0.0, 0
    with torch.no_grad():
        for line in Path(data).read_text().splitlines():
            ids = (tokenizer.encode(json.loads(line)["text"], add_special_tokens=False).ids + [eos])
            ids = ids[:MAX_LENGTH]
            if len(ids) < 2:
                continue
            logits = model(input_ids=torch.tensor([ids])).logits[0, :-1].double()
            targets = torch.tensor(ids[1:])
            total += torch.nn.functional.cross_entropy(logits, targets, reduction="sum").item()
            tokens += len(ids) - 1
    return total / tokens


def hf_generate(model_dir, prompt):
    """Greedy continuation with transformers' own generate() (its KV cache), decoded."""
    model = transformers.AutoModelForCausalLM.from_pretrained(
        model_dir, dtype=torch.float32, attn_implementation="eager")
    model.eval()
    tokenizer = Tokenizer.from_file(str(Path(model_dir) / "tokenizer.json"))
    ids = torch.tensor([tokenizer.encode(prompt, add_special_tokens=False).ids])
    with torch.no_grad():
        out = model.generate(input_ids=ids, attention_mask=torch.ones_like(ids), do_sample=False,
                             max_new_tokens=NEW_TOKENS)
    return tokenizer.decode(out[0, ids.shape[1]:].tolist(), skip_special_tokens=True).strip()


def generate_model(kind, out, tokenizer_source):
    """A tiny random model of a family with no fixture, saved by transformers itself."""
    torch.manual_seed({"gemma2": 11, "qwen2": 12, "ministral": 13, "gemma3-multimodal": 14}[kind])
    common = dict(vocab_size=50257, bos_token_id=50256, eos_token_id=50256, num_hidden_layers=2,
                  num_attention_heads=2, num_key_value_heads=1, intermediate_size=32,
                  max_position_embeddings=512, tie_word_embeddings=True)
    if kind == "gemma2":
        # Small caps and a short window so that each of them changes the numbers.
        config = transformers.Gemma2Config(hidden_size=16, head_dim=16, query_pre_attn_scalar=24,
                                           sliding_window=8, attn_logit_softcapping=3.0,
                                           final_logit_softcapping=8.0, pad_token_id=50256,
                                           **common)
        model = transformers.Gemma2ForCausalLM(config)
    elif kind == "qwen2":
        config = transformers.Qwen2Config(hidden_size=16, **common)
        model = transformers.Qwen2ForCausalLM(config)
    elif kind == "gemma3-multimodal":
        # Gemma3ForConditionalGeneration (Gemma 3 4B and up): a language model beside a vision
        # tower (here a one-layer SigLIP with a vision q_proj/v_proj the LoRA targets must skip).
        text = transformers.Gemma3TextConfig(
            hidden_size=16, head_dim=16, query_pre_attn_scalar=16, sliding_window=8,
            layer_types=["sliding_attention", "full_attention"], pad_token_id=50256, **common)
        vision = transformers.SiglipVisionConfig(hidden_size=16, intermediate_size=32,
                                                 num_hidden_layers=1, num_attention_heads=2,
                                                 image_size=28, patch_size=14)
        config = transformers.Gemma3Config(text_config=text.to_dict(),
                                           vision_config=vision.to_dict(), mm_tokens_per_image=1,
                                           bos_token_id=50256, eos_token_id=50256,
                                           pad_token_id=50256)
        model = transformers.Gemma3ForConditionalGeneration(config)
    else:
        config = transformers.MinistralConfig(hidden_size=16, head_dim=8, sliding_window=8,
                                              layer_types=["sliding_attention", "full_attention"],
                                              **common)
        model = transformers.MinistralForCausalLM(config)
    # Larger weights than the initializer's: sharp, position-dependent attention and large logits,
    # so that windows, soft-caps and biases matter.
    with torch.no_grad():
        for name, p in model.named_parameters():
            if name.endswith("embed_tokens.weight"):
                p.normal_(0, 1.0)
            elif p.dim() == 2:
                p.normal_(0, 0.4)
            else:
                p.normal_(0, 0.3)
    model.save_pretrained(out)
    for name in ("tokenizer.json", "tokenizer_config.json"):
        shutil.copy(Path(tokenizer_source) / name, Path(out) / name)


class Report:
    def __init__(self):
        self.failures = []

    def same_text(self, family, check, trainer_text, hf_text):
        ok = trainer_text == hf_text
        log(f"{family:17} {check:45} trainer {trainer_text!r}  hf {hf_text!r}  "
            + ("ok" if ok else "FAIL"))
        if not ok:
            self.failures.append(f"{family} {check}")

    def compare(self, family, check, trainer_loss, hf_loss_value, expect_equal=True):
        diff = abs(trainer_loss - hf_loss_value)
        equal = diff <= TOLERANCE
        ok = equal == expect_equal
        verdict = ("ok" if ok else "FAIL") + ("" if expect_equal else " (negative control)")
        log(f"{family:17} {check:45} trainer {trainer_loss:.6f}  hf {hf_loss_value:.6f}  "
            f"diff {diff:.2e}  {verdict}")
        if not ok:
            self.failures.append(f"{family} {check}")


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--java", default="java")
    parser.add_argument("--classpath", required=True)
    parser.add_argument("--fixtures", required=True)
    parser.add_argument("--work", required=True)
    parser.add_argument("--families", default=",".join(FAMILIES))
    args = parser.parse_args()
    torch.set_num_threads(2)
    fixtures = Path(args.fixtures)
    work = Path(args.work)
    shutil.rmtree(work, ignore_errors=True)
    work.mkdir(parents=True)
    trainer = Trainer(args.java, args.classpath)
    eval_data = fixtures / "data" / "eval_text.jsonl"
    train_data = work / "train.jsonl"
    train_data.write_text(
        "\n".join((fixtures / "data" / "text.jsonl").read_text().splitlines()[:TRAIN_LINES]) + "\n")
    log(f"interop: torch {torch.__version__}, transformers {transformers.__version__}, "
        f"peft {__import__('peft').__version__}; tolerance {TOLERANCE}")
    report = Report()
    for family in args.families.split(","):
        source, targets = FAMILIES[family]
        if source.startswith("gen:"):
            model = work / "models" / family
            generate_model(source[4:], model, fixtures / "models" / "tiny-llama")
        else:
            model = fixtures / "models" / source
        try:
            own_eval = trainer.evaluate(model, eval_data)
            report.compare(family, "eval", own_eval, hf_loss(model, eval_data))
            if family in NEGATIVE_CONTROLS:
                what, changes = NEGATIVE_CONTROLS[family]
                changed = with_config(model, changes, work / family / "negative-control")
                report.compare(family, f"eval vs hf with {what}", own_eval,
                               hf_loss(changed, eval_data), expect_equal=False)
            report.same_text(family, "generate (greedy)", trainer.generate(model, PROMPT),
                             hf_generate(model, PROMPT))
            full = work / family / "full"
            own = trainer.train(model, train_data, eval_data, full)
            report.compare(family, "full final/ from_pretrained", own,
                           hf_loss(full / "final", eval_data))
            lora = work / family / "lora"
            own = trainer.train(model, train_data, eval_data, lora, lora_targets=targets)
            report.compare(family, f"lora final/ PeftModel", own,
                           hf_loss(model, eval_data, adapter=lora / "final"))
            report.compare(family, "lora merged/ from_pretrained", own,
                           hf_loss(lora / "merged", eval_data))
        except Exception as e:  # one family's error must not hide the others' results
            log(f"{family:17} ERROR {e}")
            report.failures.append(f"{family} error")
    if report.failures:
        log("interop: FAILED: " + ", ".join(report.failures))
        return 1
    log("interop: all checks passed")
    return 0


if __name__ == "__main__":
    sys.exit(main())
