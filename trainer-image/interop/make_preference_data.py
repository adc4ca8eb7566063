"""Writes the preference pairs of the DPO interop check (data/*.jsonl) from the fixture data.

Deterministic: the same fixtures give the same files (they are committed; run this again only when
the rules below change).

    make_preference_data.py FIXTURES_DIR OUT_DIR

preference.jsonl (standard form, 8 pairs) and preference_eval.jsonl (6 pairs, other lines), from
data/prompt_completion.jsonl, in file order: the first "which license contains this sentence"
items and the first "complete the passage" items whose prompt is under PROMPT_CHARS characters;
chosen = the item's own completion, rejected = the completion of the next item of the same kind
that names another license (so it is wrong: the other license's name, or a sentence of another
license).

preference_chat.jsonl (conversational form, 8 pairs), from data/chat.jsonl: single-turn
conversations with a system message asking which license a sentence is from; prompt = the system
and user messages, chosen = the real assistant answer, rejected = the answer of the next such
conversation that names another license.

preference_implicit.jsonl (implicit prompt, 6 pairs), from the multi-turn conversations of
data/chat.jsonl (system, user, assistant, user, assistant): chosen = the whole conversation,
rejected = the same conversation with its last assistant answer taken from the next multi-turn
conversation; the shared first four messages are the prompt (TRL's extract_prompt).
"""

import json
import sys
from pathlib import Path

PROMPT_CHARS = 260
TRAIN_PER_KIND = 4
EVAL_PER_KIND = 3


def lines(path):
    return [json.loads(line) for line in Path(path).read_text().splitlines()]


def license_of(item):
    """The license an item is about: named in the prompt (passages) or the completion."""
    if item["prompt"].startswith("Complete"):
        return item["prompt"].split("from the ", 1)[1].split(".\nPassage:")[0]
    return item["completion"].strip().removeprefix("The ").removesuffix(".")


def standard(fixtures):
    items = lines(fixtures / "data" / "prompt_completion.jsonl")
    train, evaluation = [], []
    for kind in ("Question:", "Complete"):
        same = [i for i in items if i["prompt"].startswith(kind)]
        short = [i for i in same if len(i["prompt"]) < PROMPT_CHARS]
        chosen = short[: TRAIN_PER_KIND + EVAL_PER_KIND]
        pairs = []
        for item in chosen:
            start = same.index(item)
            other = next(o for o in same[start + 1:] + same[:start]
                         if license_of(o) != license_of(item))
            pairs.append({"prompt": item["prompt"], "chosen": item["completion"],
                          "rejected": other["completion"]})
        train += pairs[:TRAIN_PER_KIND]
        evaluation += pairs[TRAIN_PER_KIND:]
    return train, evaluation


def chat(fixtures):
    conversations = [c["messages"] for c in lines(fixtures / "data" / "chat.jsonl")]
    single = [c for c in conversations
              if [m["role"] for m in c] == ["system", "user", "assistant"]
              and c[1]["content"].startswith("Which license")]
    pairs = []
    for i, c in enumerate(single):
        other = next(o for o in single[i + 1:] if o[2]["content"] != c[2]["content"])
        pairs.append({"prompt": c[:2], "chosen": [c[2]], "rejected": [other[2]]})
        if len(pairs) == 8:
            break
    return pairs


def implicit(fixtures):
    conversations = [c["messages"] for c in lines(fixtures / "data" / "chat.jsonl")]
    multi = [c for c in conversations
             if [m["role"] for m in c] == ["system", "user", "assistant", "user", "assistant"]]
    pairs = []
    for i, c in enumerate(multi[:6]):
        other = multi[(i + 1) % len(multi)]
        pairs.append({"chosen": c, "rejected": c[:4] + [other[4]]})
    return pairs


def write(path, records):
    path.write_text("".join(json.dumps(r) + "\n" for r in records))


def main():
    fixtures, out = Path(sys.argv[1]), Path(sys.argv[2])
    out.mkdir(parents=True, exist_ok=True)
    train, evaluation = standard(fixtures)
    write(out / "preference.jsonl", train)
    write(out / "preference_eval.jsonl", evaluation)
    write(out / "preference_chat.jsonl", chat(fixtures))
    write(out / "preference_implicit.jsonl", implicit(fixtures))


if __name__ == "__main__":
    main()
