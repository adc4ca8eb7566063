#!/usr/bin/env bash
# The trainer against the real Hugging Face libraries (interop_check.py says what is compared):
# PyTorch 2.13 (CPU), transformers 5.17 and PEFT 0.21 in .venv-hf, from .ci/hf-venv.sh; then DPO
# against TRL 1.13's DPOTrainer (dpo_check.py), TensorBoard 2.21 reading the trainer's event files
# back (tensorboard_check.py), `evaluate --task` against lm-evaluation-harness 0.4.13
# (lmeval_check.py), and `publish` to a loopback registry, pulled back with skopeo and loaded by
# transformers and PEFT (publish_check.py; needs .ci/install-registry.sh's tools).
#   trainer-image/interop/run.sh [--families gpt2,llama,...]      (INTEROP_DPO=0 skips the DPO check,
#                                                                  INTEROP_LMEVAL=0 the lm-eval one,
#                                                                  INTEROP_PUBLISH=0 the publish one)
# Without the packages (pip cannot reach its configured index or wheel mirror) the check is skipped
# with a line saying so, except under CI=true, where that is a failure.
set -euo pipefail
cd "$(dirname "$0")/../.."
FIXTURES=${FINETUNE_FIXTURES:-../shared/fixtures}
if ! PY=$(bash .ci/hf-venv.sh); then
  if [ "${CI:-}" = true ]; then
    echo "interop: FAILED: pip could not install torch 2.13, transformers 5.17, peft 0.21, trl 1.13, tensorboard 2.21 and lm-eval 0.4.13" >&2
    exit 1
  fi
  echo "interop: SKIPPED: pip could not install torch 2.13, transformers 5.17, peft 0.21, trl 1.13, tensorboard 2.21 and lm-eval 0.4.13 (no wheel mirror?); under CI=true this fails"
  exit 0
fi
[ -f trainer-image/target/finetune-trainer.jar ] || ./mvnw -q -B -pl trainer-image -am install -DskipTests
# Nothing from the network; no progress bars or advice in the log.
export HF_HUB_OFFLINE=1 HF_HUB_DISABLE_PROGRESS_BARS=1 TRANSFORMERS_VERBOSITY=error \
  TRANSFORMERS_NO_ADVISORY_WARNINGS=1 PYTHONWARNINGS=ignore
CP="trainer-image/target/finetune-trainer.jar:trainer-image/target/lib/*"
STATUS=0
"$PY" trainer-image/interop/interop_check.py --classpath "$CP" --fixtures "$FIXTURES" \
  --work trainer-image/target/interop "$@" || STATUS=1
if [ "${INTEROP_PUBLISH:-1}" != 0 ]; then
  # Publishes interop_check.py's tiny-llama runs (it trains its own without them).
  if [ -x .tools/bin/docker-registry ] && [ -x .tools/bin/skopeo ] && [ -x .tools/bin/htpasswd ]; then
    "$PY" trainer-image/interop/publish_check.py --classpath "$CP" --fixtures "$FIXTURES" \
      --work trainer-image/target/interop-publish --reuse trainer-image/target/interop || STATUS=1
  elif [ "${CI:-}" = true ]; then
    echo "publish: FAILED: .tools/bin lacks docker-registry, skopeo or htpasswd (run .ci/install-registry.sh)" >&2
    STATUS=1
  else
    echo "publish: SKIPPED: .tools/bin lacks docker-registry, skopeo or htpasswd (bash .ci/install-registry.sh); under CI=true this fails"
  fi
fi
if [ "${INTEROP_DPO:-1}" != 0 ]; then
  TQDM_DISABLE=1 "$PY" trainer-image/interop/dpo_check.py --classpath "$CP" --fixtures "$FIXTURES" \
    --work trainer-image/target/interop-dpo || STATUS=1
fi
"$PY" trainer-image/interop/tensorboard_check.py --classpath "$CP" --fixtures "$FIXTURES" \
  --work trainer-image/target/interop-tensorboard || STATUS=1
if [ "${INTEROP_LMEVAL:-1}" != 0 ]; then
  "$PY" trainer-image/interop/lmeval_check.py --classpath "$CP" --fixtures "$FIXTURES" \
    --work trainer-image/target/interop-lmeval || STATUS=1
fi
exit $STATUS
