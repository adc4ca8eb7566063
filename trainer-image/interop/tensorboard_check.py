"""Interop check: TensorBoard 2.21 reads the trainer's event files (OUTPUT/runs/) back.

TensorBoard's own EventAccumulator (tensorboard.backend.event_processing.event_accumulator) loads
OUTPUT/runs/ as `tensorboard --logdir` would, and what it holds must be trainer_state.json's
log_history: every number of every entry (its step aside) under the tag transformers'
TensorBoardCallback gives it (transformers' own rewrite_logs), at the entry's step, once, equal in
float32; plus train/train_tokens_per_second at every training step. Runs:

  sft      tiny-gpt2, 3 steps, an evaluation every 2 steps and at the end
  resume   the sft run resumed from checkpoint-2 beside the first run's event file (which logged
           step 3 already): TensorBoard must show step 3 once, from the resumed run (the resumed
           file's SessionLog.START purges the first's); negative control: read without the purge,
           step 3 is there twice
  dpo      tiny-gpt2, --objective dpo on the preference test pairs (rewards/*, logps/* metrics)
  text     a Markdown table written with the trainer's EventFileWriter.text: the event
           accumulator holds it as a text-plugin tensor and TensorBoard's text plugin renders a
           <table>

Exit status 1 when any check fails.
"""

import argparse
import json
import shutil
import subprocess
import sys
from pathlib import Path

import numpy as np
import tensorboard
from tensorboard.backend.event_processing import event_accumulator
from tensorboard.plugins.text import text_plugin
from tensorboard.util import tensor_util
from transformers.integrations.integration_utils import rewrite_logs

ROOT = Path(__file__).resolve().parents[2]
TOKENS_PER_SECOND = "train/train_tokens_per_second"
TABLE = """| task | base | tuned |
|---|---|---|
| hellaswag | 0.2500 | 0.3125 |
| arc_easy | 0.4000 | 0.4400 |
"""

# Writes TABLE with the trainer's own writer (java's source-file mode: nothing to build).
WRITE_TEXT = """
import dev.finetune.trainer.io.EventFileWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;

class WriteText {
  public static void main(String[] args) throws Exception {
    try (EventFileWriter writer = EventFileWriter.create(Path.of(args[0]), Clock.systemUTC())) {
      writer.text("eval/comparison", Files.readString(Path.of(args[1])), 3);
    }
  }
}
"""


def log(*parts):
    print(*parts, flush=True)


class Trainer:
    def __init__(self, java, classpath):
        self.java = java
        self.classpath = classpath

    def run(self, *args):
        command = [self.java, "-Dai.djl.offline=true", "-Dorg.slf4j.simpleLogger.defaultLogLevel=warn",
                   "-cp", self.classpath] + [str(a) for a in args]
        result = subprocess.run(command, capture_output=True, text=True)
        if result.returncode != 0:
            raise RuntimeError(f"{' '.join(command[-len(args):][:2])} exited {result.returncode}:\n"
                               + result.stderr[-4000:])
        return result.stdout

    def train(self, *args):
        return self.run("dev.finetune.trainer.TrainerMain", "train", "--no-progress-bar", *args)


def accumulate(runs):
    """What TensorBoard loads from a log directory (everything kept: no sampling)."""
    accumulator = event_accumulator.EventAccumulator(
        str(runs), size_guidance={event_accumulator.SCALARS: 0, event_accumulator.TENSORS: 0})
    accumulator.Reload()
    return accumulator


def expected_scalars(out):
    """tag -> [(step, float32)] from trainer_state.json, as TensorBoardCallback.on_log logs them."""
    state = json.loads((out / "trainer_state.json").read_text())
    expected = {}
    for entry in state["log_history"]:
        logs = {k: v for k, v in entry.items() if k != "step"}
        for tag, value in rewrite_logs(logs).items():
            if isinstance(value, (int, float)):  # as on_log: bools included, strings are text
                expected.setdefault(tag, []).append((entry["step"], np.float32(value)))
    training_steps = [e["step"] for e in state["log_history"] if "tokens" in e]
    return expected, training_steps


class Report:
    def __init__(self):
        self.failures = []

    def check(self, name, ok, detail=""):
        log(f"{name:50} {'ok' if ok else 'FAIL'}{'  ' + detail if detail else ''}")
        if not ok:
            self.failures.append(name)

    def same_as_log(self, name, out):
        accumulator = accumulate(out / "runs")
        expected, training_steps = expected_scalars(out)
        tags = set(accumulator.Tags()["scalars"])
        self.check(f"{name}: tags are log_history's + tokens/s", tags == set(expected) | {TOKENS_PER_SECOND},
                   f"missing {sorted(set(expected) - tags)}, extra {sorted(tags - set(expected) - {TOKENS_PER_SECOND})}"
                   if tags != set(expected) | {TOKENS_PER_SECOND} else f"{len(tags)} tags")
        points = 0
        bad = []
        for tag, want in expected.items():
            if tag not in tags:
                continue
            got = [(e.step, np.float32(e.value)) for e in accumulator.Scalars(tag)]
            points += len(got)
            if got != want:
                bad.append(f"{tag}: tensorboard {got} log {want}")
        self.check(f"{name}: every scalar of every step (float32 equal)", not bad,
                   "; ".join(bad)[:2000] if bad else f"{points} points")
        if TOKENS_PER_SECOND in tags:
            speed = accumulator.Scalars(TOKENS_PER_SECOND)
            self.check(f"{name}: {TOKENS_PER_SECOND} at each training step",
                       [e.step for e in speed] == training_steps and all(e.value > 0 for e in speed),
                       f"steps {[e.step for e in speed]}")
        return accumulator


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--java", default="java")
    parser.add_argument("--classpath", required=True)
    parser.add_argument("--fixtures", required=True)
    parser.add_argument("--work", required=True)
    args = parser.parse_args()
    fixtures = Path(args.fixtures)
    model = fixtures / "models" / "tiny-gpt2"
    work = Path(args.work)
    shutil.rmtree(work, ignore_errors=True)
    work.mkdir(parents=True)
    trainer = Trainer(args.java, args.classpath)
    log(f"tensorboard interop: tensorboard {tensorboard.__version__}")
    report = Report()
    try:
        data = work / "train.jsonl"
        data.write_text("\n".join((fixtures / "data" / "text.jsonl").read_text().splitlines()[:16]) + "\n")
        sft = work / "sft"
        sft_args = ["--model", model, "--data", data, "--format", "text", "--max-length", 32,
                    "--batch-size", 4, "--max-steps", 3, "--learning-rate", "1e-3",
                    "--validation-split", "0.25", "--eval-every-steps", 2, "--save-every-steps", 2]
        trainer.train(*sft_args, "--output", sft)
        report.same_as_log("sft", sft)

        resumed = work / "resumed"
        shutil.copytree(sft / "checkpoint-2", resumed / "checkpoint-2")
        shutil.copytree(sft / "runs", resumed / "runs")
        trainer.train(*sft_args, "--output", resumed)
        files = sorted(p.name for p in (resumed / "runs").iterdir())
        report.check("resume: a second event file", len(files) == 2, str(files))
        accumulator = report.same_as_log("resume", resumed)
        second = event_accumulator.EventAccumulator(str(resumed / "runs" / files[-1]))
        second.Reload()
        restarted = second.Scalars("train/loss")[0].wall_time if len(files) == 2 else 0
        loss = accumulator.Scalars("train/loss")
        report.check("resume: step 3 is the resumed run's",
                     [e.step for e in loss if e.wall_time >= restarted] == [3], str([e.step for e in loss]))
        # Negative control: read without the purge, the first file's step 3 is there too, so the
        # comparison above could have failed.
        unpurged = event_accumulator.EventAccumulator(str(resumed / "runs"), purge_orphaned_data=False)
        unpurged.Reload()
        steps = [e.step for e in unpurged.Scalars("train/loss")]
        report.check("resume: without the purge step 3 is there twice", steps == [1, 2, 3, 3],
                     f"{steps} (negative control)")

        dpo = work / "dpo"
        trainer.train("--objective", "dpo", "--format", "preference", "--model", model,
                      "--data", ROOT / "trainer-image/src/test/resources/preference/pairs.jsonl",
                      "--max-length", 64, "--batch-size", 4, "--max-steps", 3,
                      "--validation-split", "0.25", "--output", dpo)
        accumulator = report.same_as_log("dpo", dpo)
        tags = set(accumulator.Tags()["scalars"])
        report.check("dpo: TRL's metrics", {"train/rewards/chosen", "train/rewards/margins",
                                             "eval/rewards/accuracies", "train/logps/rejected"} <= tags)

        text_dir = work / "text"
        (work / "table.md").write_text(TABLE)
        (work / "WriteText.java").write_text(WRITE_TEXT)
        trainer.run(work / "WriteText.java", text_dir, work / "table.md")
        accumulator = accumulate(text_dir)
        ok = "eval/comparison" in accumulator.Tags()["tensors"]
        if ok:
            event = accumulator.Tensors("eval/comparison")[0]
            plugin = accumulator.SummaryMetadata("eval/comparison").plugin_data.plugin_name
            array = tensor_util.make_ndarray(event.tensor_proto)
            html = text_plugin.text_array_to_html(array, enable_markdown=True)
            ok = (plugin == "text" and event.step == 3 and array.item().decode() == TABLE
                  and "<table>" in html and "<td>0.3125</td>" in html)
        report.check("text: a Markdown table in the Text tab", ok)
    except Exception as e:  # report what ran, then fail
        log(f"ERROR {e}")
        report.failures.append("error")
    if report.failures:
        log("tensorboard interop: FAILED: " + ", ".join(report.failures))
        return 1
    log("tensorboard interop: all checks passed")
    return 0


if __name__ == "__main__":
    sys.exit(main())
