"""Interop check: what `publish` pushes is what an OCI client pulls, and it serves the same model.

A real registry (Debian's docker-registry, distribution 2.8, from .ci/install-registry.sh) runs on
a free loopback port with its own storage folder, as api's LoopbackRegistry starts it. The
trainer's outputs of one family (by default tiny-llama: interop_check.py's `full` and `lora` runs
when they are in --reuse, else trained here the same way) are pushed with `publish`:

  full      final/ of the 3-step full fine-tune
  lora      final/ of the LoRA fine-tune (a PEFT adapter)
  merged    merged/ of the same run (--merge-adapter)

Each is pulled back by digest with skopeo (`copy --preserve-digests docker://…@sha256:…
oci:DIR:tag`), an OCI client that is not ours. Checked for each: the layout's manifest is the one published (same digest), with
the annotations publish was given (dev.finetune.layout, base-model, job, eval-loss); every layer is
an uncompressed tar holding one file under models/; the unpacked models/ folder holds exactly the
files of the pushed folder, byte for byte; and loaded from there with real transformers
(from_pretrained) or PEFT (PeftModel.from_pretrained on the fixture base), its eval loss on the
validation data equals the trainer's own end-of-run eval loss within interop_check.TOLERANCE,
computed as interop_check.py computes it. A negative control compares the unpacked adapter with
the full model's folder and must report a difference.

Then, with htpasswd auth (bcrypt, one user): a push with a dockerconfigjson credentials file
(`--credentials`, {"auths": {"127.0.0.1:PORT": {"auth": base64(user:password)}}}) succeeds and
skopeo pulls it with the same file as --src-authfile, byte-identical; a push without credentials
ends with exit 76 (PublishFailed) and an anonymous pull is refused.

No registry is left running. Exit status 1 when any check fails.
"""

import argparse
import base64
import hashlib
import json
import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tarfile
import time
import urllib.error
import urllib.request
from pathlib import Path

import interop_check
from interop_check import FAMILIES, TOLERANCE, TRAIN_LINES, Trainer, hf_loss, log

ROOT = Path(__file__).resolve().parents[2]
LAYER = "application/vnd.oci.image.layer.v1.tar"
MANIFEST = "application/vnd.oci.image.manifest.v1+json"
JOB = "publish-check"


class Registry:
    """docker-registry serve on 127.0.0.1:<free port>, storage in its own folder."""

    def __init__(self, tools, folder, auth=False):
        self.tools = tools
        self.dir = folder
        self.auth = auth
        self.user = "publisher"
        self.password = "pw-" + secrets.token_hex(12)
        self.process = None
        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            self.port = s.getsockname()[1]

    @property
    def address(self):
        return f"127.0.0.1:{self.port}"

    def __enter__(self):
        self.dir.mkdir(parents=True)
        config = ["version: 0.1", "log:", "  level: info",
                  "storage:", "  filesystem:", f"    rootdirectory: {self.dir / 'data'}",
                  "http:", f"  addr: {self.address}"]
        if self.auth:
            made = subprocess.run([str(self.tools / "htpasswd"), "-nbB", self.user, self.password],
                                  capture_output=True, text=True, timeout=60)
            if made.returncode != 0:
                raise RuntimeError("htpasswd failed: " + made.stderr.replace(self.password, "<pw>"))
            (self.dir / "htpasswd").write_text(made.stdout.strip() + "\n")
            config += ["auth:", "  htpasswd:", "    realm: loopback",
                       f"    path: {self.dir / 'htpasswd'}"]
        (self.dir / "config.yml").write_text("\n".join(config) + "\n")
        self.log = open(self.dir / "registry.log", "wb")
        self.process = subprocess.Popen(
            [str(self.tools / "docker-registry"), "serve", str(self.dir / "config.yml")],
            stdout=self.log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL)
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError("docker-registry exited at start: "
                                   + (self.dir / "registry.log").read_text()[-2000:])
            try:
                urllib.request.urlopen(f"http://{self.address}/v2/", timeout=1).close()
                return self
            except urllib.error.HTTPError as e:
                if e.code == 401:
                    return self
            except OSError:
                pass
            time.sleep(0.1)
        self.__exit__(None, None, None)
        raise RuntimeError(f"docker-registry did not answer on {self.address} within 30 s")

    def __exit__(self, *exc):
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(10)
        self.log.close()

    def credentials(self, folder):
        """A dockerconfigjson file for this registry, as a kubernetes.io/dockerconfigjson Secret holds it."""
        auth = base64.b64encode(f"{self.user}:{self.password}".encode()).decode()
        path = folder / f"dockerconfig-{self.port}.json"
        path.write_text(json.dumps({"auths": {self.address: {"auth": auth}}}))
        return path


def publish(trainer, folder, to, credentials=None, **annotations):
    """`publish`; returns (exit code, output, {reference, digest, size, mediaType})."""
    args = ["publish", "--from", folder, "--to", to, "--insecure"]
    if credentials:
        args += ["--credentials", credentials]
    for key, value in annotations.items():
        args += ["--" + key.replace("_", "-"), value]
    result = subprocess.run(trainer.base + [str(a) for a in args], capture_output=True, text=True,
                            timeout=600)
    fields = {}
    for line in result.stdout.splitlines():
        key, sep, value = line.partition(": ")
        if sep and key in ("reference", "digest", "size", "mediaType"):
            fields[key] = value.strip()
    return result.returncode, result.stdout + result.stderr, fields


def pull(tools, reference, layout, authfile=None):
    """skopeo copy docker://REFERENCE oci:LAYOUT:pulled; returns (exit code, output)."""
    # --preserve-digests: without it skopeo gzips the uncompressed layers for the oci: layout,
    # which changes the manifest's digest (and a mirror's reference would no longer match).
    args = [str(tools / "skopeo"), "--insecure-policy", "copy", "--preserve-digests",
            "--src-tls-verify=false"]
    if authfile:
        args += ["--src-authfile", str(authfile)]
    else:
        args += ["--src-no-creds"]
    args += [f"docker://{reference}", f"oci:{layout}:pulled"]
    env = dict(os.environ, REGISTRY_AUTH_FILE=str(layout) + ".no-auth.json")
    result = subprocess.run(args, capture_output=True, text=True, timeout=600, env=env)
    return result.returncode, result.stdout + result.stderr


def blob(layout, digest):
    algorithm, hex_ = digest.split(":", 1)
    data = (layout / "blobs" / algorithm / hex_).read_bytes()
    if hashlib.sha256(data).hexdigest() != hex_:
        raise RuntimeError(f"blob {digest} in {layout} does not match its digest")
    return data


def unpack(layout, into):
    """The layout's one manifest, and every layer extracted into `into`; problems as strings."""
    problems = []
    index = json.loads((layout / "index.json").read_text())
    manifests = index.get("manifests", [])
    if len(manifests) != 1:
        return None, [f"index.json lists {len(manifests)} manifests, not 1"]
    descriptor = manifests[0]
    manifest = json.loads(blob(layout, descriptor["digest"]))
    if manifest.get("mediaType") != MANIFEST:
        problems.append(f"manifest mediaType {manifest.get('mediaType')}")
    into.mkdir(parents=True)
    for layer in manifest["layers"]:
        if layer["mediaType"] != LAYER:
            problems.append(f"layer {layer['digest']}: mediaType {layer['mediaType']}")
            continue
        path = layout / "blobs" / "sha256" / layer["digest"].split(":", 1)[1]
        blob(layout, layer["digest"])
        with tarfile.open(path, mode="r:") as tar:
            files = [m for m in tar.getmembers() if m.isfile()]
            if len(files) != 1:
                problems.append(f"layer {layer['digest']}: {len(files)} files, not 1")
            for member in tar.getmembers():
                if not (member.name == "models" or member.name.startswith("models/")) \
                        or ".." in member.name.split("/") or not (member.isfile() or member.isdir()):
                    problems.append(f"layer {layer['digest']}: entry {member.name!r}")
            tar.extractall(into, filter="data")
    return {"descriptor": descriptor, "manifest": manifest}, problems


def differences(expected, actual):
    """Files missing, extra or with other bytes in `actual` (relative paths), as strings."""
    def listing(folder):
        return {p.relative_to(folder).as_posix(): p for p in folder.rglob("*") if p.is_file()}
    want, got = listing(expected), listing(actual)
    out = [f"missing {n}" for n in sorted(want.keys() - got.keys())]
    out += [f"extra {n}" for n in sorted(got.keys() - want.keys())]
    for name in sorted(want.keys() & got.keys()):
        if want[name].read_bytes() != got[name].read_bytes():
            out.append(f"differs {name}")
    return out


class Report:
    def __init__(self):
        self.failures = []

    def check(self, name, ok, detail=""):
        log(f"{name:55} {'ok' if ok else 'FAIL'}{'  ' + detail if detail else ''}")
        if not ok:
            self.failures.append(name)
        return ok

    def loss(self, name, trainer_loss, hf_value):
        diff = abs(trainer_loss - hf_value)
        return self.check(name, diff <= TOLERANCE,
                          f"trainer {trainer_loss:.6f}  hf {hf_value:.6f}  diff {diff:.2e}")


def outputs(trainer, family, reuse, work, fixtures, eval_data):
    """(model, full run, lora run, {run: eval loss}): interop_check.py's runs when reusable."""
    source, targets = FAMILIES[family]
    if source.startswith("gen:"):
        raise SystemExit(f"publish_check: {family} is generated by interop_check.py; use a fixture family")
    model = fixtures / "models" / source
    runs, losses = {}, {}
    for kind in ("full", "lora"):
        done = reuse / family / kind if reuse else None
        needed = ["final", "trainer_state.json"] + (["merged"] if kind == "lora" else [])
        if done and all((done / n).exists() for n in needed):
            state = json.loads((done / "trainer_state.json").read_text())
            evals = [h["eval_loss"] for h in state["log_history"] if "eval_loss" in h]
            if evals:
                log(f"reusing {done} (interop_check.py's {kind} run)")
                runs[kind], losses[kind] = done, evals[-1]
                continue
        out = work / "runs" / kind
        train_data = work / "train.jsonl"
        if not train_data.exists():
            train_data.write_text("\n".join(
                (fixtures / "data" / "text.jsonl").read_text().splitlines()[:TRAIN_LINES]) + "\n")
        log(f"training {kind} ({model.name}, 3 steps) into {out}")
        losses[kind] = trainer.train(model, train_data, eval_data, out,
                                     lora_targets=targets if kind == "lora" else None)
        runs[kind] = out
    return model, runs, losses


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--java", default="java")
    parser.add_argument("--classpath", required=True)
    parser.add_argument("--fixtures", required=True)
    parser.add_argument("--work", required=True)
    parser.add_argument("--tools", default=str(ROOT / ".tools" / "bin"))
    parser.add_argument("--reuse", help="interop_check.py's --work, to publish its runs")
    parser.add_argument("--family", default="llama")
    args = parser.parse_args()
    # A SIGTERM (a CI timeout) unwinds the `with Registry` blocks, so no registry is left running.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    interop_check.torch.set_num_threads(2)
    fixtures, work, tools = Path(args.fixtures), Path(args.work), Path(args.tools)
    shutil.rmtree(work, ignore_errors=True)
    work.mkdir(parents=True)
    trainer = Trainer(args.java, args.classpath)
    eval_data = fixtures / "data" / "eval_text.jsonl"
    log(f"publish: {(tools / 'docker-registry')} and skopeo; torch {interop_check.torch.__version__}, "
        f"transformers {interop_check.transformers.__version__}, "
        f"peft {__import__('peft').__version__}; tolerance {TOLERANCE}")
    model, runs, losses = outputs(trainer, args.family, Path(args.reuse) if args.reuse else None,
                                  work, fixtures, eval_data)
    base_model = f"hf://finetune-fixtures/{model.name}"
    report = Report()
    cases = [("full", runs["full"] / "final", losses["full"]),
             ("lora", runs["lora"] / "final", losses["lora"]),
             ("merged", runs["lora"] / "merged", losses["lora"])]
    pulled = {}
    with Registry(tools, work / "registry") as registry:
        log(f"registry on {registry.address} (anonymous)")
        for name, folder, own in cases:
            to = f"oci://{registry.address}/finetune/{args.family}-{name}:v1"
            code, output, artifact = publish(trainer, folder, to, base_model=base_model, job=JOB,
                                             eval_loss=repr(own))
            if not report.check(f"{name}: publish {folder.relative_to(folder.parents[1])}",
                                code == 0 and "digest" in artifact,
                                artifact.get("reference", output[-1500:])):
                continue
            layout = work / "layouts" / name
            layout.parent.mkdir(exist_ok=True)
            code, output = pull(tools, artifact["reference"], layout)
            if not report.check(f"{name}: skopeo copy by digest", code == 0, output[-1500:] if code else ""):
                continue
            unpacked = work / "unpacked" / name
            image, problems = unpack(layout, unpacked)
            report.check(f"{name}: uncompressed tar layers, one file under models/ each",
                         image is not None and not problems, "; ".join(problems[:5]))
            if image is None or not (unpacked / "models").is_dir():
                continue
            descriptor, manifest = image["descriptor"], image["manifest"]
            report.check(f"{name}: pulled manifest is the published one",
                         descriptor["digest"] == artifact["digest"]
                         and str(descriptor["size"]) == artifact["size"],
                         f"{descriptor['digest']} size {descriptor['size']}")
            notes = manifest.get("annotations", {})
            want = {"dev.finetune.layout": "lora" if name == "lora" else "full",
                    "dev.finetune.base-model": base_model, "dev.finetune.job": JOB,
                    "dev.finetune.eval-loss": repr(own)}
            wrong = {k: notes.get(k) for k, v in want.items() if notes.get(k) != v}
            report.check(f"{name}: manifest annotations", not wrong,
                         f"wrong: {wrong}" if wrong else f"layout {notes.get('dev.finetune.layout')}")
            diff = differences(folder, unpacked / "models")
            files = sorted(p.name for p in (unpacked / "models").iterdir())
            report.check(f"{name}: /models byte-identical to {folder.name}/", not diff,
                         "; ".join(diff[:5]) if diff else f"{len(files)} files: {', '.join(files)}")
            pulled[name] = unpacked / "models"
            try:
                if name == "lora":
                    value = hf_loss(model, eval_data, adapter=unpacked / "models")
                    report.loss(f"{name}: PeftModel (pulled adapter on {model.name}) eval loss", own, value)
                else:
                    value = hf_loss(unpacked / "models", eval_data)
                    report.loss(f"{name}: from_pretrained (pulled) eval loss", own, value)
            except Exception as e:  # one case's error must not hide the others
                report.check(f"{name}: transformers/PEFT load", False, str(e)[-1500:])
        if "lora" in pulled:
            diff = differences(runs["full"] / "final", pulled["lora"])
            report.check("negative control: pulled adapter vs full final/ differ", bool(diff),
                         f"{len(diff)} differences" if diff else "no difference found")

    with Registry(tools, work / "registry-auth", auth=True) as registry:
        log(f"registry on {registry.address} (htpasswd)")
        credentials = registry.credentials(work)
        folder = runs["full"] / "final"
        to = f"oci://{registry.address}/finetune/{args.family}-full:v1"
        code, output, _ = publish(trainer, folder, to)
        report.check("auth: publish without credentials ends 76 (PublishFailed)",
                     code == 76, f"exit {code}" + ("" if code == 76 else ": " + output[-800:]))
        code, output, artifact = publish(trainer, folder, to, credentials=credentials, job=JOB)
        report.check("auth: publish with a dockerconfigjson file",
                     code == 0 and "digest" in artifact and registry.password not in output,
                     artifact.get("reference", "") if code == 0 else output[-1500:])
        if code == 0:
            code, output = pull(tools, artifact["reference"], work / "layouts" / "anonymous")
            report.check("auth: anonymous skopeo pull is refused", code != 0, "" if code else output[-500:])
            layout = work / "layouts" / "auth"
            code, output = pull(tools, artifact["reference"], layout, authfile=credentials)
            if report.check("auth: skopeo copy with the same file as --src-authfile", code == 0,
                            output[-1500:] if code else ""):
                image, problems = unpack(layout, work / "unpacked" / "auth")
                diff = differences(folder, work / "unpacked" / "auth" / "models") if image else ["no image"]
                report.check("auth: /models byte-identical to final/", not diff and not problems,
                             "; ".join((problems + diff)[:5]))

    if report.failures:
        log("publish: FAILED: " + ", ".join(report.failures))
        return 1
    log("publish: all checks passed")
    return 0


if __name__ == "__main__":
    sys.exit(main())
