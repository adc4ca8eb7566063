#!/usr/bin/env bash
# The Python environment users compare the trainer with: PyTorch 2.13 (CPU), Hugging Face
# transformers 5.17, PEFT 0.21 and TRL 1.13 (DPO), in .venv-hf (ignored by git), and TensorBoard
# 2.21 (reads the trainer's event files back). pip's own configuration says where packages come
# from (on these machines: a local wheel mirror); the default index may be unreachable, so pip does
# not wait on it (no retries, short timeout).
# Prints the environment's python. Safe to run again: a complete environment is kept.
set -euo pipefail
cd "$(dirname "$0")/.."
VENV="$PWD/.venv-hf"
PACKAGES=(torch==2.13.0+cpu transformers==5.17.0 peft==0.21.0 trl==1.13.0 tensorboard==2.21.0)
if [[ ! -x "$VENV/bin/python" ]] || ! "$VENV/bin/python" -c 'import torch, transformers, peft, trl, tensorboard' 2>/dev/null; then
  python3 -m venv "$VENV"
  "$VENV/bin/pip" install -q --disable-pip-version-check --retries 0 --timeout 5 "${PACKAGES[@]}" \
    2> >(grep -v 'is ignored: it is neither a file nor a directory' >&2)
fi
# lm-evaluation-harness 0.4.13, which trainer-image/interop/lmeval_check.py compares the trainer's
# `evaluate --task` with: without its declared dependencies, some of which the wheel mirror lacks
# (the check gives those modules empty stand-ins), plus the few its hf backend needs.
LMEVAL_DEPS=(datasets sacrebleu more-itertools dill numexpr zstandard)
if ! "$VENV/bin/python" -c 'import importlib.metadata as m; assert m.version("lm_eval") == "0.4.13"
import datasets, sacrebleu, more_itertools, dill, numexpr, zstandard' 2>/dev/null; then
  "$VENV/bin/pip" install -q --disable-pip-version-check --retries 0 --timeout 5 --no-deps \
    lm_eval==0.4.13 2> >(grep -v 'is ignored: it is neither a file nor a directory' >&2)
  "$VENV/bin/pip" install -q --disable-pip-version-check --retries 0 --timeout 5 "${LMEVAL_DEPS[@]}" \
    2> >(grep -v 'is ignored: it is neither a file nor a directory' >&2)
fi
echo "$VENV/bin/python"
