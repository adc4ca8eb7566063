"""Writes the task files of the lm-eval interop check (data/lmeval_*.jsonl) from the fixture data.

Deterministic: the same fixtures give the same files (they are committed; run this again only when
the rules below change).

    make_lmeval_data.py FIXTURES_DIR OUT_DIR

lmeval_multiple_choice.jsonl (15 questions): the first 12 "which license contains this sentence"
items of data/prompt_completion.jsonl, each with its own answer and three other license names as
choices (the answer at position i mod 4); then a context ending in a space (lm-eval moves the space
to the choices), non-ASCII choices (acc_norm divides by code points: curly quotes, a dash, an
ellipsis, mathematical letters outside the BMP) and an empty context (the prefix token stands for
it). Choices of different lengths, so acc and acc_norm can disagree.

lmeval_loglikelihood.jsonl (14 lines): the first 10 "complete the passage" items (context = the
prompt, continuation = the next sentence), two short continuations a tiny model may predict
greedily (one after a context ending in a space), an empty context, and a context of six
data/eval_text.jsonl lines, longer than the fixtures' 256 positions (lm-eval cuts it from the left).

lmeval_generate.jsonl (7 prompts): license phrases to continue, a prompt ending in a blank line and
the long context again (cut to 256 − max_gen_toks tokens). The expected answers of lines 1 and 3
are what tiny-llama and tiny-gpt2 generate greedily (" License." and " the"), so exact_match is
neither 0 nor 1 for them; the others are the license texts' own words, which they do not produce.
"""

import json
import sys
from pathlib import Path


def main(fixtures, out):
    data = Path(fixtures) / "data"
    rows = [json.loads(line) for line in (data / "prompt_completion.jsonl").open()]
    which = [r for r in rows if not r["prompt"].startswith("Complete")]
    passages = [r for r in rows if r["prompt"].startswith("Complete")]
    names = sorted(set(r["completion"] for r in which))

    multiple_choice = []
    for i, r in enumerate(which[:12]):
        gold = r["completion"]
        others = [n for n in names if n != gold]
        choices = [others[(i + k * 2) % len(others)] for k in range(3)]
        choices.insert(i % 4, gold)
        multiple_choice.append({"context": r["prompt"], "choices": choices, "answer": i % 4})
    multiple_choice.append({
        "context": "Question: Which license is \"GPL\" short for?\nAnswer: The ",
        "choices": ["GNU General Public License.", "Apache License.", "Mozilla Public License.",
                    "GNU Free Documentation License."],
        "answer": 0})
    multiple_choice.append({
        "context": "Question: How does the GNU General Public License begin?\nAnswer:",
        "choices": [" \u201cPreamble\u201d \u2014 the licenses for most software\u2026",
                    " \U0001d53e\U0001d52b\U0001d518 \U0001d50a\U0001d522\U0001d52b\U0001d522"
                    "\U0001d52f\U0001d51e\U0001d529",
                    " Terms and conditions."],
        "answer": 0})
    multiple_choice.append({
        "context": "",
        "choices": [" This License applies to any program.",
                    " Everyone is permitted to copy and distribute verbatim copies."],
        "answer": 1})

    long_context = " ".join(
        json.loads(line)["text"] for line in (data / "eval_text.jsonl").open().readlines()[:6])
    loglikelihood = [{"context": r["prompt"], "continuation": r["completion"]}
                     for r in passages[:10]]
    loglikelihood += [
        {"context": "This program is free software; you can redistribute it and/or modify it under "
                    "the terms of the GNU General Public",
         "continuation": " License"},
        {"context": "Everyone is permitted to copy and distribute verbatim copies of this license "
                    "document, but changing it is ",
         "continuation": "not allowed."},
        {"context": "",
         "continuation": "The GNU General Public License is a free, copyleft license for software "
                         "and other kinds of works."},
        {"context": long_context, "continuation": " This is the end of the excerpt."},
    ]

    generate = [
        {"prompt": "This program is free software; you can redistribute it and/or modify it under "
                   "the terms of the GNU General Public",
         "expected": " License."},
        {"prompt": "Everyone is permitted to copy and distribute verbatim copies",
         "expected": " of this license document, but changing it is not allowed."},
        {"prompt": "Question: Which license contains the sentence \"Delete any section Entitled "
                   "\"Endorsements\".\"?\nAnswer:",
         "expected": " the"},
        {"prompt": "The Free Software Foundation may publish new, revised versions of the GNU",
         "expected": " General Public License"},
        {"prompt": "Licensed under the Apache License, Version 2.0 (the",
         "expected": " \"License\");"},
        {"prompt": "GNU LESSER GENERAL PUBLIC LICENSE\n\n", "expected": ""},
        {"prompt": long_context, "expected": ""},
    ]

    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    for name, lines in (("lmeval_multiple_choice.jsonl", multiple_choice),
                        ("lmeval_loglikelihood.jsonl", loglikelihood),
                        ("lmeval_generate.jsonl", generate)):
        with (out / name).open("w") as f:
            for line in lines:
                f.write(json.dumps(line) + "\n")


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
