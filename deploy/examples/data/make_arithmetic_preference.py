#!/usr/bin/env python3
# Writes arithmetic-preference.jsonl beside this script: preference pairs in the words of
# arithmetic.jsonl ("five plus nine is fourteen."), for DPO. The prompt is the question, the chosen
# completion the right answer, the rejected one a near miss: off by one, or the other operation's
# result. Deterministic (fixed seed): running it again writes the same file.
import json
import pathlib
import random

WORDS = ("zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen"
         " fifteen sixteen seventeen eighteen").split()
LINES = 300


def wrong(a, op, b, right, rng):
    """A plausible wrong answer: the other operation's result, or one off."""
    other = a * b if op == "plus" else a + b
    candidates = [right - 1, right + 1] + ([other] * 2 if other != right else [])
    return rng.choice([n for n in candidates if 0 <= n < len(WORDS) and n != right])


def main():
    rng = random.Random(20)
    questions = [(a, "plus", b) for a in range(10) for b in range(10)]
    questions += [(a, "times", b) for a in range(10) for b in range(10) if a * b < len(WORDS)]
    out = pathlib.Path(__file__).with_name("arithmetic-preference.jsonl")
    with out.open("w", encoding="utf-8") as f:
        for _ in range(LINES):
            a, op, b = rng.choice(questions)
            right = a + b if op == "plus" else a * b
            pair = {
                "prompt": f"{WORDS[a]} {op} {WORDS[b]} is",
                "chosen": f" {WORDS[right]}.",
                "rejected": f" {WORDS[wrong(a, op, b, right, rng)]}.",
            }
            f.write(json.dumps(pair) + "\n")


if __name__ == "__main__":
    main()
