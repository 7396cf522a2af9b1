#!/usr/bin/env python3
"""Model-level training step: what depth costs in a whole model.

The MoDA language model of examples/moda_lm (model.py, shared with
examples/train_brown_lm.py) at two sizes:

  brown24   the Brown example's model: 24 layers, d_model 384, Hq 6, Hk 2,
            D 64, SwiGLU 1024, B 8, T 1024
  bench8    8 layers, d_model 1024, Hq 16, Hk 4, D 64, SwiGLU 2816, B 2, T 4096

both with the paper's depth stream (each earlier layer's attention k, v and
the FFN-input KV projection: L = 2 l at layer l), post-norm, vocabulary
16384, bf16 autocast with float32 parameters, random tokens. One training
step = forward, loss, backward, AdamW step (fused), gradients set to None;
each figure the median of --iters CUDA-event timings after --warmup steps,
all in one process:

  ours_ms           MoDA through moda.attention, depth in a moda.DepthStream
  ours_nodepth_ms   the same model without depth (no stream, no FFN KV
                    projection: L = 0) through moda.attention
  sdpa_cudnn_ms     that no-depth model on torch SDPA, CUDNN_ATTENTION backend
  sdpa_flash_ms     ... FLASH_ATTENTION backend
  flex_ms           the MoDA model (same object, same weights) on
                    torch.compile'd flex_attention: per layer the depth
                    entries concatenated to the keys (slot-major, padded to
                    the largest L; moda_lm/config.py) under a block mask of
                    MoDA's visibility (built once per L, outside the timing)

and the ratios ours/ours_nodepth, ours/sdpa_cudnn, ours/flex. Before any
timing (and any optimizer step), the loss of one batch and the gradients of
every parameter are computed with our attention and with Flex's on the same
weights (bf16 autocast): loss_check records both losses, their difference
and the gradients' relative difference (the loss of a fresh model is close
to ln(vocab) whatever its attention does; the gradients show a wrong mask);
likewise nodepth_loss_check for the no-depth model on moda.attention and on
the two SDPA backends.

    # on the GPU machine, with the bundle of bench/model-variants.json
    MODA_BUNDLE_DIR=build/model-bundle python3 bench/model_training.py
    python3 bench/model_training.py --smoke        # CPU, tiny sizes, float64 (no timing value)
"""

import argparse
import statistics
import sys
import time
import traceback
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
for path in (ROOT / "python", ROOT / "examples"):
    if str(path) not in sys.path:
        sys.path.insert(0, str(path))

from moda_lm.config import BENCH8, BROWN24, ModelConfig  # noqa: E402

# name -> (config, batch, seq)
MODELS = {
    "brown24": (BROWN24.with_(depth="attn_ffn"), 8, 1024),
    "bench8": (BENCH8.with_(depth="attn_ffn"), 2, 4096),
}
SMOKE = {
    "smoke3": (ModelConfig(vocab_size=64, n_layers=3, d_model=32, heads_q=4, heads_kv=2,
                           head_dim=8, ffn_hidden=48, depth="attn_ffn"), 2, 16),
}
# Where ours and a peer "disagree" on one batch with the same weights:
# |loss difference| and the relative Frobenius difference of all parameter
# gradients. bf16 attention in every layer, a loss of ~ln(16384) = 9.7; a
# wrong mask changes the gradients by O(1).
TOLERANCE = {"bf16": {"loss": 2e-2, "grad": 5e-2}, "f64": {"loss": 1e-9, "grad": 1e-9}}


def make_timer(device):
    """The step timer: CUDA events on the GPU (perf_training's, which every
    training benchmark uses), wall-clock time for the CPU smoke run."""
    if device.type == "cuda":
        from perf_training import time_ms
        return time_ms

    def wall_time_ms(step, warmup, iters):
        for _ in range(warmup):
            step()
        times = []
        for _ in range(iters):
            t0 = time.perf_counter()
            step()
            times.append(1e3 * (time.perf_counter() - t0))
        return statistics.median(times)
    return wall_time_ms


def bench_model(name, config, batch, seq, args, device, dtype_name, record, save):
    """Fills `record` with the figures of one model, calling save() after
    each (a run cut short keeps what it measured)."""
    import contextlib
    import torch
    from moda_lm import model as m

    smoke = device.type != "cuda"
    dtype = torch.float64 if smoke else torch.bfloat16
    autocast = (contextlib.nullcontext if smoke
                else (lambda: torch.autocast("cuda", dtype=torch.bfloat16)))
    ours = m.reference_attention() if smoke else m.moda_attention()
    time_ms = make_timer(device)
    tolerance = TOLERANCE[dtype_name]
    record.update({"model": name, "config": config.to_json(), "B": batch, "T": seq,
                   "L_per_layer": [config.depth_len(l) for l in range(config.n_layers)],
                   "dtype": dtype_name, "attention_ours": ours.name})
    print(f"== {name}: {config.n_layers} layers, d_model {config.d_model}, Hq "
          f"{config.heads_q} Hk {config.heads_kv} D {config.head_dim}, B {batch} T {seq}, "
          f"L up to {config.max_depth_len}", flush=True)

    def build(cfg, attention):
        torch.manual_seed(args.seed)
        model = m.MoDALM(cfg, attention=attention, attention_dtype=dtype).to(device)
        if smoke:
            model = model.double()
        options = {"fused": True} if device.type == "cuda" else {}
        optimizer = torch.optim.AdamW(model.parameters(), lr=1e-4, **options)
        return model, optimizer

    generator = torch.Generator().manual_seed(args.seed + 1)
    window = torch.randint(0, config.vocab_size, (batch, seq + 1), generator=generator)
    inputs, targets = window[:, :-1].to(device), window[:, 1:].to(device)

    def loss_and_grads(model):
        """The loss of the batch and every parameter's gradient (one float64
        vector), without an optimizer step."""
        model.zero_grad(set_to_none=True)
        with autocast():
            loss = model.loss(inputs, targets)
        loss.backward()
        grads = torch.cat([p.grad.double().flatten() for p in model.parameters()
                           if p.grad is not None])
        model.zero_grad(set_to_none=True)
        return float(loss), grads

    def agreement(ours_result, peer_result):
        (loss_a, grads_a), (loss_b, grads_b) = ours_result, peer_result
        diff = abs(loss_a - loss_b)
        grad_error = float(torch.linalg.norm(grads_a - grads_b) / torch.linalg.norm(grads_a))
        return {"loss_ours": loss_a, "loss_peer": loss_b, "abs_diff": diff,
                "grad_rel_error": grad_error,
                "agree": diff <= tolerance["loss"] and grad_error <= tolerance["grad"]}

    def step_of(model, optimizer):
        def step():
            with autocast():
                loss = model.loss(inputs, targets)
            loss.backward()
            optimizer.step()
            optimizer.zero_grad(set_to_none=True)
        return step

    def failed(key, e):
        record[key] = f"{type(e).__name__}: {str(e).splitlines()[0] if str(e) else ''}"
        print(f"{name} {key}: {record[key]}", flush=True)
        if args.verbose:
            traceback.print_exc()

    def measure(key, model, optimizer, warmup=None):
        started = time.time()
        try:
            record[key] = time_ms(step_of(model, optimizer),
                                  args.warmup if warmup is None else warmup, args.iters)
            print(f"{name} {key} {record[key]:.3f} ms  [{time.time() - started:.0f} s]",
                  flush=True)
        except Exception as e:  # a backend unavailable here: record, go on
            failed(key.replace("_ms", "_error"), e)
        finally:
            optimizer.zero_grad(set_to_none=True)
            for peer in ("ours_nodepth", "sdpa_cudnn", "sdpa_flash", "flex"):
                if "ours_ms" in record and f"{peer}_ms" in record:
                    record[f"ours_over_{peer}"] = record["ours_ms"] / record[f"{peer}_ms"]
            save()

    model, optimizer = build(config, ours)
    record["parameters"] = sum(p.numel() for p in model.parameters())

    # -- loss and gradients on the same weights and batch, before any
    # optimizer step (the loss of a fresh model is ~ln(vocab) whatever the
    # attention does; the gradients are what a wrong mask would change)
    ours_result = loss_and_grads(model)
    flex = None
    if "flex" in args.peers:
        try:
            started = time.time()
            flex = (m.dense_flex_attention(config.max_depth_len) if smoke
                    else m.FlexMoDA(seq, config.max_depth_len, device))
            if not smoke:
                flex.block_masks(sorted({config.depth_len(l)
                                         for l in range(config.n_layers)}))
            record["flex_block_masks_s"] = round(time.time() - started, 2)
            model.attention = flex
            started = time.time()
            flex_result = loss_and_grads(model)
            record["flex_first_step_s"] = round(time.time() - started, 2)   # compiles
            check = agreement(ours_result, flex_result)
            check["loss_flex"] = check.pop("loss_peer")
            record["loss_check"] = {**check, "tolerance": tolerance}
            print(f"{name} loss ours {check['loss_ours']:.6f} flex {check['loss_flex']:.6f} "
                  f"|diff| {check['abs_diff']:.2e}, gradients' relative difference "
                  f"{check['grad_rel_error']:.2e} ({'agree' if check['agree'] else 'DISAGREE'})",
                  flush=True)
        except Exception as e:
            failed("flex_error", e)
            flex = None
        model.attention = ours

    save()
    nodepth, nodepth_optimizer = build(config.with_(depth="none"), ours)
    sdpa = {}
    nodepth_result = loss_and_grads(nodepth)
    record["nodepth_loss_check"] = {"loss_ours_nodepth": nodepth_result[0],
                                    "tolerance": tolerance}
    for kind in ("cudnn", "flash"):
        if f"sdpa_{kind}" not in args.peers:
            continue
        # q, k, v as [B, H, T, D] views of the model's [B, T, H, D]; where the
        # backend refuses those strides (forward or backward), as copies.
        for contiguous in (False, True):
            try:
                attention = m.sdpa_attention("math" if smoke else kind, contiguous=contiguous)
                nodepth.attention = attention
                check = agreement(nodepth_result, loss_and_grads(nodepth))
                sdpa[kind] = attention
                record["nodepth_loss_check"][f"sdpa_{kind}"] = {
                    "loss": check["loss_peer"], "abs_diff": check["abs_diff"],
                    "grad_rel_error": check["grad_rel_error"], "agree": check["agree"]}
                record[f"sdpa_{kind}_layout"] = "contiguous copies" if contiguous else "views"
                record.pop(f"sdpa_{kind}_error", None)
                print(f"{name} no depth: loss ours {check['loss_ours']:.6f} sdpa_{kind} "
                      f"{check['loss_peer']:.6f}, gradients' relative difference "
                      f"{check['grad_rel_error']:.2e}", flush=True)
                break
            except Exception as e:
                failed(f"sdpa_{kind}_error", e)
        nodepth.attention = ours
    save()

    # -- timings
    measure("ours_ms", model, optimizer)
    measure("ours_nodepth_ms", nodepth, nodepth_optimizer)
    for kind, attention in sdpa.items():
        nodepth.attention = attention
        measure(f"sdpa_{kind}_ms", nodepth, nodepth_optimizer)
    nodepth.attention = ours
    if flex is not None:
        model.attention = flex
        started = time.time()
        measure("flex_ms", model, optimizer, warmup=max(args.warmup, 3))
        record["flex_wall_s"] = round(time.time() - started, 1)
        model.attention = ours
    for peer in ("ours_nodepth", "sdpa_cudnn", "sdpa_flash", "flex"):
        if f"ours_over_{peer}" in record:
            print(f"{name} ours/{peer} {record[f'ours_over_{peer}']:.3f}", flush=True)
    if device.type == "cuda":
        record["peak_memory_gib"] = round(torch.cuda.max_memory_allocated(device) / 2**30, 2)
        torch.cuda.reset_peak_memory_stats(device)
    save()
    del model, optimizer, nodepth, nodepth_optimizer, flex
    if device.type == "cuda":
        torch.cuda.empty_cache()
    return record


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--models", default=",".join(MODELS),
                        help=f"comma-separated subset of {','.join(MODELS)}")
    parser.add_argument("--peers", default="flex,sdpa_cudnn,sdpa_flash",
                        help="which peers to run besides ours and ours_nodepth")
    parser.add_argument("--iters", type=int, default=20)
    parser.add_argument("--warmup", type=int, default=3)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--smoke", action="store_true",
                        help="CPU, tiny model, float64 reference attention (checks the "
                             "script and the loss agreement, not speed)")
    parser.add_argument("--json", type=Path, default=None,
                        help="default bench/results/model-training.json (--smoke: none)")
    parser.add_argument("--verbose", action="store_true")
    args = parser.parse_args(argv)
    args.peers = [p for p in args.peers.split(",") if p]

    import torch
    from moda.results import write_report

    if args.smoke:
        device, models, dtype_name = torch.device("cpu"), SMOKE, "f64"
        names = list(SMOKE)
    else:
        if not torch.cuda.is_available():
            raise SystemExit("model_training: needs a CUDA GPU (or --smoke)")
        device, models, dtype_name = torch.device("cuda"), MODELS, "bf16"
        names = [n for n in args.models.split(",") if n]
        unknown = [n for n in names if n not in MODELS]
        if unknown:
            raise SystemExit(f"unknown models {unknown}: {list(MODELS)}")
        # FlexMoDA compiles once per model and grad mode; should it
        # recompile more, leave room rather than fall back to eager.
        import torch._dynamo
        for limit in ("recompile_limit", "cache_size_limit"):
            try:
                setattr(torch._dynamo.config, limit, 64)
            except Exception:
                pass
    device_name = torch.cuda.get_device_name() if device.type == "cuda" else "cpu"
    json_path = args.json or (None if args.smoke
                              else ROOT / "bench" / "results" / "model-training.json")
    cases = []

    def save():
        if json_path is not None:
            write_report(json_path, "model-training", cases, device_name,
                         torch=torch.__version__, iters=args.iters, warmup=args.warmup,
                         timing="median of CUDA-event times of one training step "
                                "(forward, loss, backward, fused AdamW step; gradients "
                                "set to None), after warm-up; all figures in one process",
                         dtype=dtype_name)

    for name in names:
        config, batch, seq = models[name]
        cases.append({})
        bench_model(name, config, batch, seq, args, device, dtype_name, cases[-1], save)
        save()
    if json_path is not None:
        print(f"results: {json_path}")
    bad = [c["model"] for c in cases if c.get("loss_check", {}).get("agree") is False]
    if bad:
        print(f"model_training: ours and Flex disagree on the loss of {bad}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
