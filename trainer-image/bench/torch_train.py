"""PyTorch eager reference for the trainer benchmark: the same GPT-2 math, AdamW, clipping,
random token ids of the same shape. Prints one JSON line like TrainBenchmark."""
import json
import math
import struct
import sys
import time

import numpy as np
import torch


def load_safetensors(path):
    with open(path, "rb") as f:
        n = struct.unpack("<Q", f.read(8))[0]
        header = json.loads(f.read(n))
        data = f.read()
    out = {}
    for name, info in header.items():
        if name == "__metadata__":
            continue
        assert info["dtype"] == "F32"
        start, end = info["data_offsets"]
        out[name] = torch.from_numpy(np.frombuffer(data[start:end], dtype="<f4").copy()).reshape(info["shape"])
    return out


class Gpt2(torch.nn.Module):
    def __init__(self, weights, config):
        super().__init__()
        self.p = torch.nn.ParameterDict({k.replace(".", "__"): torch.nn.Parameter(v) for k, v in weights.items()})
        self.layers = config["n_layer"]
        self.heads = config["n_head"]
        self.eps = config["layer_norm_epsilon"]

    def w(self, key):
        return self.p[key.replace(".", "__")]

    def forward(self, ids):
        b, t = ids.shape
        e = self.w("wte.weight").shape[1]
        h = self.w("wte.weight")[ids] + self.w("wpe.weight")[torch.arange(t)]
        mask = torch.triu(torch.full((t, t), -1e30), 1)
        d = e // self.heads
        for i in range(self.layers):
            p = f"h.{i}."
            a = torch.nn.functional.layer_norm(h, (e,), self.w(p + "ln_1.weight"), self.w(p + "ln_1.bias"), self.eps)
            qkv = a @ self.w(p + "attn.c_attn.weight") + self.w(p + "attn.c_attn.bias")
            q, k, v = [x.view(b, t, self.heads, d).transpose(1, 2) for x in qkv.split(e, 2)]
            att = torch.softmax(q @ k.transpose(2, 3) / math.sqrt(d) + mask, dim=3) @ v
            o = att.transpose(1, 2).reshape(b, t, e)
            h = h + o @ self.w(p + "attn.c_proj.weight") + self.w(p + "attn.c_proj.bias")
            m = torch.nn.functional.layer_norm(h, (e,), self.w(p + "ln_2.weight"), self.w(p + "ln_2.bias"), self.eps)
            m = m @ self.w(p + "mlp.c_fc.weight") + self.w(p + "mlp.c_fc.bias")
            m = 0.5 * m * (1 + torch.tanh(math.sqrt(2 / math.pi) * (m + 0.044715 * m ** 3)))
            h = h + m @ self.w(p + "mlp.c_proj.weight") + self.w(p + "mlp.c_proj.bias")
        h = torch.nn.functional.layer_norm(h, (e,), self.w("ln_f.weight"), self.w("ln_f.bias"), self.eps)
        return h @ self.w("wte.weight").t()


def main():
    model_dir, batch, seq, steps = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4])
    warmup = int(sys.argv[5]) if len(sys.argv) > 5 else 2
    threads = int(sys.argv[6]) if len(sys.argv) > 6 else 2
    torch.set_num_threads(threads)
    config = json.load(open(f"{model_dir}/config.json"))
    model = Gpt2(load_safetensors(f"{model_dir}/model.safetensors"), config)
    opt = torch.optim.AdamW(model.parameters(), lr=1e-4, betas=(0.9, 0.999), eps=1e-8, weight_decay=0.0)
    gen = torch.Generator().manual_seed(1234)
    times = []
    for step in range(steps + warmup):
        ids = torch.randint(0, config["vocab_size"], (batch, seq), generator=gen)
        start = time.perf_counter()
        logits = model(ids)
        logp = torch.log_softmax(logits[:, :-1, :], dim=2)
        loss = -logp.gather(2, ids[:, 1:].unsqueeze(2)).sum() / (batch * (seq - 1))
        loss.backward()
        torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
        opt.step()
        opt.zero_grad()
        loss.item()
        if step >= warmup:
            times.append(time.perf_counter() - start)
    median = sorted(times)[len(times) // 2]
    print(json.dumps({"impl": "torch", "torch": torch.__version__, "batch": batch, "seq": seq,
                      "median_step_s": median, "tokens_per_s": batch * seq / median, "step_s": times}))


if __name__ == "__main__":
    main()
