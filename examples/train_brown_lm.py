#!/usr/bin/env python3
"""Trains the MoDA language model (examples/moda_lm) on the Brown corpus:
four runs of one budget, validation loss on held-out documents.

    python3 examples/moda_lm/brown.py                       # once: fetch and prepare the data
    MODA_BUNDLE_DIR=build/model-bundle python3 examples/train_brown_lm.py --steps 2000

Runs (config.RUNS), each from the same seed, on the same batches:
  baseline      no depth (L = 0) through moda.attention (--baseline sdpa: torch SDPA)
  moda          depth from each earlier layer's attention k, v
  moda_ffn_kv   ... plus the FFN-input KV projection (the paper's default)
  moda_window   moda_ffn_kv with a sliding window of --window depth entries
                (DepthStream(window=W, capacity=2W); the paper's section 6.2)

The model is the paper's Table 6 scale: 24 layers, width 384, Hq 6, Hk 2,
D 64, post-norm (--norm pre for pre-norm); word-level Brown vocabulary of
16384. Training: AdamW (0.9, 0.95, weight decay 0.1 on matrices), peak
learning rate 3e-4 after a linear warm-up, cosine decay to 10% at --steps,
gradient clipping 1.0, bf16 autocast with float32 parameters (attention and
the depth stream in bf16). The budget is --steps, optionally cut short by
--seconds of training per run (then the schedule does not reach its end).

Writes --json (default bench/results/brown-lm.json): per run the
validation loss at every evaluation (step, tokens, training seconds), the
training throughput (tokens/s, after the first step), parameter count,
config; and the device, commit ($MODA_COMMIT), settings; rewritten after
every run. --plot (default the JSON's name with .png) draws the curves.
--save DIR keeps each trained model as DIR/<run>.pt (its configuration,
dtype and state dict), what examples/generate_moda_lm.py --checkpoint reads.
"""

import argparse
import datetime
import json
import math
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
for path in (ROOT / "python", ROOT / "examples"):
    if str(path) not in sys.path:
        sys.path.insert(0, str(path))

from moda_lm import brown  # noqa: E402
from moda_lm.config import BROWN24, RUNS, add_size_options, run_configs, sizes_of  # noqa: E402


# -- progress bar -------------------------------------------------------------------

class TextBar:
    """A small stand-in for tqdm: redraws one line on a terminal, else
    prints a line every tenth of the way."""

    def __init__(self, total, desc):
        self.total, self.desc, self.n, self.postfix = total, desc, 0, ""
        self.tty = sys.stderr.isatty()
        self.started = time.time()
        self.next_print = 0

    def update(self, n=1):
        self.n += n
        if self.tty:
            self._draw("\r")
        elif self.n >= self.next_print:
            self._draw("")
            sys.stderr.write("\n")
            self.next_print = self.n + max(1, self.total // 10)

    def set_postfix_str(self, text):
        self.postfix = text

    def _draw(self, prefix):
        width = 30
        done = int(width * self.n / max(1, self.total))
        rate = self.n / max(1e-9, time.time() - self.started)
        sys.stderr.write(f"{prefix}{self.desc} [{'#' * done}{'.' * (width - done)}] "
                         f"{self.n}/{self.total} {rate:.1f} it/s {self.postfix}")
        sys.stderr.flush()

    def close(self):
        if self.tty:
            sys.stderr.write("\n")


def progress_bar(total, desc):
    try:
        from tqdm import tqdm
        return tqdm(total=total, desc=desc, dynamic_ncols=True)
    except ImportError:
        return TextBar(total, desc)


# -- data -----------------------------------------------------------------------------

def load_tokens(data_dir: Path, split: str, device):
    import numpy as np
    import torch
    ids = np.fromfile(Path(data_dir) / f"{split}.bin", dtype="<u2").astype(np.int64)
    return torch.from_numpy(ids).to(device)


def train_batch(tokens, batch, seq, generator):
    """`batch` random windows of seq + 1 tokens: (inputs, targets)."""
    import torch
    starts = torch.randint(0, tokens.numel() - seq - 1, (batch,), generator=generator)
    index = (starts[:, None] + torch.arange(seq + 1)[None, :]).to(tokens.device)
    window = tokens[index]
    return window[:, :-1], window[:, 1:]


def val_windows(tokens, seq, limit):
    """The first `limit` non-overlapping windows of the validation tokens."""
    count = min(limit, (tokens.numel() - 1) // seq)
    if count == 0:
        raise SystemExit(f"validation split has fewer than {seq + 1} tokens")
    return (tokens[:count * seq].view(count, seq), tokens[1:count * seq + 1].view(count, seq))


# -- training ----------------------------------------------------------------------

def make_attention(kind):
    from moda_lm import model as m
    if kind == "moda":
        return m.moda_attention()
    if kind == "reference":
        return m.reference_attention()
    if kind.startswith("sdpa"):
        import torch.nn.functional as F

        def sdpa(q, k, v, depth_k=None, depth_v=None):
            assert depth_k is None, "SDPA has no depth"
            out = F.scaled_dot_product_attention(q.transpose(1, 2), k.transpose(1, 2),
                                                 v.transpose(1, 2), is_causal=True,
                                                 enable_gqa=True)
            return out.transpose(1, 2)
        sdpa.name = "sdpa"
        return sdpa
    raise SystemExit(f"unknown attention {kind}")


def evaluate(model, val, batch, autocast):
    import torch
    import torch.nn.functional as F
    inputs, targets = val
    total, count = 0.0, 0
    model.eval()
    with torch.no_grad(), autocast():
        for i in range(0, inputs.shape[0], batch):
            logits = model(inputs[i:i + batch])
            total += float(F.cross_entropy(logits.float().reshape(-1, logits.shape[-1]),
                                           targets[i:i + batch].reshape(-1), reduction="sum"))
            count += targets[i:i + batch].numel()
    model.train()
    return total / count


def lr_at(step, args):
    warm = min(1.0, (step + 1) / max(1, args.warmup))
    progress = min(1.0, step / max(1, args.steps))
    return args.lr * warm * (0.1 + 0.9 * 0.5 * (1 + math.cos(math.pi * progress)))


def train_run(name, config, args, train, val, device):
    import contextlib
    import torch
    from moda_lm.model import MoDALM

    dtype = {"bf16": torch.bfloat16, "f32": torch.float32, "f64": torch.float64}[args.dtype]
    use_autocast = args.dtype == "bf16"
    autocast = ((lambda: torch.autocast(device.type, dtype=torch.bfloat16)) if use_autocast
                else contextlib.nullcontext)
    attention_kind = args.attention
    if config.depth == "none" and args.baseline == "sdpa":
        attention_kind = "sdpa"
    torch.manual_seed(args.seed)
    model = MoDALM(config, attention=make_attention(attention_kind), attention_dtype=dtype)
    model = model.to(device)
    if args.dtype == "f64":
        model = model.double()
    decay = [p for p in model.parameters() if p.dim() >= 2]
    no_decay = [p for p in model.parameters() if p.dim() < 2]
    options = dict(lr=args.lr, betas=(0.9, 0.95))
    if device.type == "cuda":
        options["fused"] = True
    optimizer = torch.optim.AdamW([{"params": decay, "weight_decay": 0.1},
                                   {"params": no_decay, "weight_decay": 0.0}], **options)
    generator = torch.Generator().manual_seed(args.seed + 1)   # same batches for every run
    sync = torch.cuda.synchronize if device.type == "cuda" else (lambda: None)
    tokens_per_step = args.batch * args.seq

    evals = []
    record = {"config": config.to_json(), "attention": attention_kind,
              "parameters": sum(p.numel() for p in model.parameters()), "evals": evals}

    def do_eval(step, train_seconds, train_loss):
        loss = evaluate(model, val, args.batch, autocast)
        evals.append({"step": step, "tokens": step * tokens_per_step,
                      "train_seconds": round(train_seconds, 3), "val_loss": loss,
                      "train_loss": train_loss})
        return loss

    bar = progress_bar(args.steps, name)
    do_eval(0, 0.0, None)
    train_seconds, steady_start, steady_steps = 0.0, None, 0
    recent = []
    stopped = "steps"
    step = 0
    clock = time.perf_counter()
    while step < args.steps:
        for group in optimizer.param_groups:
            group["lr"] = lr_at(step, args)
        inputs, targets = train_batch(train, args.batch, args.seq, generator)
        with autocast():
            loss = model.loss(inputs, targets)
        loss.backward()
        torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
        optimizer.step()
        optimizer.zero_grad(set_to_none=True)
        step += 1
        recent.append(loss.detach())
        boundary = (step % args.log_every == 0 or step == args.steps or step == 1
                    or step % args.eval_every == 0)
        if boundary:
            sync()
            now = time.perf_counter()
            train_seconds += now - clock
            if step == 1:
                steady_start, steady_steps = train_seconds, 0
            else:
                steady_steps = step - 1
            mean_loss = float(torch.stack(recent).float().mean())
            recent.clear()
            bar.set_postfix_str(f"loss {mean_loss:.3f}")
            if not math.isfinite(mean_loss):
                stopped = "diverged"
            elif args.seconds and train_seconds >= args.seconds and step < args.steps:
                stopped = "seconds"
            if step % args.eval_every == 0 or step == args.steps or stopped != "steps":
                val_loss = do_eval(step, train_seconds, mean_loss)
                bar.set_postfix_str(f"loss {mean_loss:.3f} val {val_loss:.3f}")
            clock = time.perf_counter()
        bar.update(1)
        if stopped != "steps":
            break
    bar.close()
    steady_seconds = train_seconds - (steady_start or 0.0)
    record.update(
        steps=step, stopped=stopped, train_seconds=round(train_seconds, 3),
        tokens_per_s=(steady_steps * tokens_per_step / steady_seconds
                      if steady_steps and steady_seconds > 0 else None),
        final_val_loss=evals[-1]["val_loss"],
        depth_stream=None if model.last_depth is None else {
            k: model.last_depth[k] for k in ("capacity", "window", "visible", "appended")},
    )
    if device.type == "cuda":
        record["peak_memory_gib"] = torch.cuda.max_memory_allocated(device) / 2**30
        torch.cuda.reset_peak_memory_stats(device)
    if args.save is not None:
        args.save.mkdir(parents=True, exist_ok=True)
        # The configuration as JSON text: torch.load(weights_only=True)
        # reads strings and tensors on every PyTorch version.
        torch.save({"config": json.dumps(config.to_json()), "dtype": args.dtype,
                    "state_dict": model.state_dict()}, args.save / f"{name}.pt")
    tps = record["tokens_per_s"]
    print(f"{name}: {step} steps ({stopped}), {train_seconds:.1f} s, "
          f"{'n/a' if tps is None else f'{tps:,.0f}'} tokens/s, "
          f"validation loss {evals[0]['val_loss']:.4f} -> {evals[-1]['val_loss']:.4f}",
          flush=True)
    return record


def plot(report, path: Path):
    try:
        import matplotlib
        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError:
        print("matplotlib not installed: no plot", file=sys.stderr)
        return
    fig, axes = plt.subplots(1, 2, figsize=(12, 4.5))
    for name, run in report["runs"].items():
        steps = [e["step"] for e in run["evals"]]
        losses = [e["val_loss"] for e in run["evals"]]
        seconds = [e["train_seconds"] for e in run["evals"]]
        axes[0].plot(steps, losses, marker=".", label=name)
        axes[1].plot(seconds, losses, marker=".", label=name)
    axes[0].set_xlabel("step")
    axes[1].set_xlabel("training seconds")
    for ax in axes:
        ax.set_ylabel("validation loss (nats/token)")
        ax.grid(alpha=0.3)
        ax.legend()
        finals = [run["evals"][-1]["val_loss"] for run in report["runs"].values()
                  if run["evals"]]
        if finals and len(report["runs"][next(iter(report["runs"]))]["evals"]) > 2:
            low = min(finals)
            ax.set_ylim(low - 0.2, low + 2.0)
    s = report["settings"]
    fig.suptitle(f"MoDA LM on Brown: {s['layers']} layers, width {s['d_model']}, "
                 f"{s['norm']}-norm, B {s['batch']} T {s['seq']} "
                 f"({report['device']}, {report['commit'][:10]})")
    fig.tight_layout()
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path, dpi=110)
    plt.close(fig)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--data", type=Path, default=brown.DEFAULT_OUT,
                        help="prepared Brown data (examples/moda_lm/brown.py)")
    parser.add_argument("--runs", default=",".join(RUNS),
                        help=f"comma-separated subset of {','.join(RUNS)}")
    parser.add_argument("--steps", type=int, default=2000, help="training steps per run")
    parser.add_argument("--seconds", type=float, default=None,
                        help="stop a run after this many training seconds (budget cap)")
    parser.add_argument("--batch", type=int, default=8)
    parser.add_argument("--seq", type=int, default=1024)
    parser.add_argument("--lr", type=float, default=3e-4)
    parser.add_argument("--warmup", type=int, default=100)
    parser.add_argument("--eval-every", type=int, default=100)
    parser.add_argument("--eval-sequences", type=int, default=64,
                        help="validation windows of --seq tokens per evaluation")
    parser.add_argument("--log-every", type=int, default=10)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--norm", choices=("post", "pre"), default=BROWN24.norm)
    parser.add_argument("--window", type=int, default=8,
                        help="depth entries the moda_window run keeps")
    parser.add_argument("--baseline", choices=("moda", "sdpa"), default="moda",
                        help="the baseline's attention: moda.attention at L = 0, or SDPA")
    parser.add_argument("--attention", choices=("moda", "reference"), default="moda",
                        help="reference: moda.reference in float64 (CPU smoke runs)")
    parser.add_argument("--dtype", choices=("bf16", "f32", "f64"), default="bf16")
    parser.add_argument("--device", default=None, help="default cuda if available, else cpu")
    add_size_options(parser)       # defaults: the paper's Table 6 scale
    parser.add_argument("--json", type=Path, default=ROOT / "bench" / "results" / "brown-lm.json")
    parser.add_argument("--plot", type=Path, default=None)
    parser.add_argument("--save", type=Path, default=None,
                        help="keep each trained model as SAVE/<run>.pt (for generate_moda_lm.py)")
    args = parser.parse_args(argv)

    import torch
    from moda.results import measured_commit

    device = torch.device(args.device or ("cuda" if torch.cuda.is_available() else "cpu"))
    meta_path = args.data / "meta.json"
    if not meta_path.is_file():
        raise SystemExit(f"no prepared data in {args.data}: run python3 examples/moda_lm/brown.py")
    meta = json.loads(meta_path.read_text())
    names = [n for n in args.runs.split(",") if n]
    unknown = [n for n in names if n not in RUNS]
    if unknown:
        raise SystemExit(f"unknown runs {unknown}: {list(RUNS)}")
    base = BROWN24.with_(vocab_size=meta["vocab_size"], norm=args.norm, **sizes_of(args))
    configs = run_configs(base, names, window=args.window)
    train = load_tokens(args.data, "train", device)
    val = val_windows(load_tokens(args.data, "val", device), args.seq, args.eval_sequences)
    device_name = torch.cuda.get_device_name(device) if device.type == "cuda" else "cpu"
    report = {
        "suite": "brown-lm", "commit": measured_commit(), "device": device_name,
        "date": datetime.date.today().isoformat(), "torch": torch.__version__,
        "data": {"corpus": meta["settings"]["package"], "tokenizer": meta["settings"]["tokenizer"],
                 "vocab_size": meta["vocab_size"], "tokens": meta["tokens"],
                 "val_unk_fraction": meta["unk_fraction"]["val"],
                 "split": "by document: every 10th document (file-name order) is validation",
                 "val_tokens_per_eval": int(val[0].numel())},
        "settings": {"steps": args.steps, "seconds": args.seconds, "batch": args.batch,
                     "seq": args.seq, "lr": args.lr, "warmup": args.warmup,
                     "schedule": "linear warm-up, cosine to 10% at steps",
                     "eval_every": args.eval_every, "seed": args.seed, "dtype": args.dtype,
                     "autocast": args.dtype == "bf16", "attention": args.attention,
                     "baseline": ("moda.attention, L = 0" if args.baseline == "moda"
                                  else "torch SDPA (default backend)"),
                     "layers": base.n_layers, "d_model": base.d_model, "norm": base.norm,
                     "window": args.window,
                     "bundle": os.environ.get("MODA_BUNDLE_DIR")},
        "runs": {},
    }
    plot_path = args.plot or args.json.with_suffix(".png")
    print(f"device {device_name}, {len(names)} runs of {args.steps} steps"
          f"{f' (at most {args.seconds:g} s each)' if args.seconds else ''}, "
          f"B {args.batch} T {args.seq}, {base.n_layers} layers, width {base.d_model}",
          flush=True)
    for name in names:
        report["runs"][name] = train_run(name, configs[name], args, train, val, device)
        if device.type == "cuda":
            torch.cuda.empty_cache()     # the run's model and optimizer are gone
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps(report, indent=1))
        plot(report, plot_path)      # after every run: a run cut short keeps its plot too
    print(f"results: {args.json}, {plot_path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
