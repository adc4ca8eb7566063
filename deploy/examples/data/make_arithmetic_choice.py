#!/usr/bin/env python3
# Writes arithmetic-choice.jsonl beside this script: an evaluation task in lm-evaluation-harness's
# multipleChoice shape, in the words of arithmetic.jsonl ("five plus nine is fourteen."). The context
# is the question, the four choices the right answer and three near misses (one to three off, or the
# other operation's result), each with its leading space (lm-eval with target_delimiter ""); answer
# is the right one's index, placed at random. Deterministic (fixed seed): running it again writes
# the same file.
import json
import pathlib
import random

WORDS = ("zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen"
         " fifteen sixteen seventeen eighteen").split()
QUESTIONS = 60


def near_misses(a, op, b, right, rng):
    """Three plausible wrong answers."""
    other = a * b if op == "plus" else a + b
    candidates = {right + d for d in (-3, -2, -1, 1, 2, 3)} | {other}
    candidates -= {right}
    candidates = sorted(n for n in candidates if 0 <= n < len(WORDS))
    return rng.sample(candidates, 3)


def main():
    rng = random.Random(22)
    questions = [(a, "plus", b) for a in range(10) for b in range(10)]
    questions += [(a, "times", b) for a in range(10) for b in range(10) if a * b < len(WORDS)]
    out = pathlib.Path(__file__).with_name("arithmetic-choice.jsonl")
    with out.open("w", encoding="utf-8") as f:
        for a, op, b in rng.sample(questions, QUESTIONS):
            right = a + b if op == "plus" else a * b
            choices = [right] + near_misses(a, op, b, right, rng)
            rng.shuffle(choices)
            line = {
                "context": f"{WORDS[a]} {op} {WORDS[b]} is",
                "choices": [f" {WORDS[n]}." for n in choices],
                "answer": choices.index(right),
            }
            f.write(json.dumps(line) + "\n")


if __name__ == "__main__":
    main()
