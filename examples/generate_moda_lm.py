#!/usr/bin/env python3
"""Generates text with the MoDA language model (examples/moda_lm) through a
KV cache, and checks every generated step's logits against a full forward.

    python3 examples/train_brown_lm.py --runs moda_ffn_kv --save checkpoints   # optional
    MODA_BUNDLE_DIR=build/model-bundle python3 examples/generate_moda_lm.py \\
        --checkpoint checkpoints/moda_ffn_kv.pt --prompt "the jury said" --tokens 40

(bench/model-variants.json bundles the Table 6 model's kernels for one
sequence; another --batch needs its decoding variant, or a compiler.)

Without --checkpoint the model is randomly initialized (the paper's Table 6
shape, or --layers etc.): the text is noise, the check is the same.

Decoding: the prompt runs once through model(tokens, cache) (the prefill:
every layer writes its keys and values into a moda.KVCache), then each new
token runs alone: its layers append their k, v to the cache and attend, in
one softmax, to every cached token and to the token's own depth entries
from the layers below (moda.attention_with_kv_cache: the decoding kernels,
split-KV on the GPU). Greedy by default; --temperature > 0 samples.

The check: one full forward (no cache) of the prompt and the generated
tokens gives, at every position, the logits that the cached steps gave
there, up to rounding: the relative error (Frobenius norm) of the cached
logits against the full forward's must stay within --tolerance (default:
2e-2 in bf16, whose activations round differently along the two paths;
1e-4 in f32; 1e-10 in f64). Exits 1 otherwise.

Prints the text (with --data, the Brown vocabulary of
examples/moda_lm/brown.py; else token ids), tokens per second of the
decoding steps and the check.
"""

import argparse
import json
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "examples"))
sys.path.insert(0, str(ROOT / "python"))

from moda_lm import brown  # noqa: E402
from moda_lm.config import BROWN24, ModelConfig, add_size_options, sizes_of  # noqa: E402

DTYPES = ("bf16", "f32", "f64")
DEFAULT_TOLERANCE = {"bf16": 2e-2, "f32": 1e-4, "f64": 1e-10}


def load_model(args, device):
    """The model of --checkpoint (its configuration and dtype), else a
    random one of the command line's shape."""
    import torch
    from moda_lm import model as m

    attention = m.reference_attention() if args.attention == "reference" else m.moda_attention()
    if args.checkpoint is not None:
        saved = torch.load(args.checkpoint, map_location="cpu", weights_only=True)
        config = ModelConfig(**json.loads(saved["config"]))
        dtype = args.dtype or saved["dtype"]
    else:
        vocab_size = len(args.vocabulary) if args.vocabulary else BROWN24.vocab_size
        config = BROWN24.with_(vocab_size=vocab_size, depth=args.depth, window=args.window,
                               **sizes_of(args))
        dtype = args.dtype or "bf16"
        saved = None
    torch_dtype = {"bf16": torch.bfloat16, "f32": torch.float32, "f64": torch.float64}[dtype]
    torch.manual_seed(args.seed)
    # Parameters in float32 (bf16: attention and the depth stream in bf16,
    # as in training) or float64.
    model = m.MoDALM(config, attention=attention, attention_dtype=torch_dtype)
    if dtype == "f64":
        model = model.double()
    if saved is not None:
        model.load_state_dict(saved["state_dict"])
    return model.to(device).eval(), dtype


def prompt_ids(args, vocab_size, generator):
    if args.prompt is not None:
        if args.vocabulary is None:
            raise SystemExit("--prompt needs --data (the vocabulary); or give --prompt-ids")
        return args.vocabulary.encode(brown.tokenize(args.prompt))
    if args.prompt_ids:
        return [int(i) for i in args.prompt_ids.split(",")]
    import torch
    return torch.randint(0, vocab_size, (args.prompt_length,), generator=generator).tolist()


def generate(model, prompt, new_tokens, batch, temperature, generator, autocast):
    """Decodes `new_tokens` tokens after `prompt` for `batch` copies of it;
    returns the tokens [batch, prompt + new], the logits each cached step
    gave [batch, prompt + new - 1, vocab], and the seconds of the decoding
    steps (after the prefill)."""
    import torch
    device = next(model.parameters()).device
    tokens = torch.tensor([prompt] * batch, device=device)
    cache = model.new_cache(batch, capacity=len(prompt) + new_tokens, device=device)
    sync = torch.cuda.synchronize if device.type == "cuda" else (lambda: None)
    steps, seconds = [], 0.0
    with torch.no_grad(), autocast():
        step_input = tokens
        for index in range(new_tokens):
            sync()
            start = time.perf_counter()
            logits = model(step_input, cache).float()
            if index:
                sync()
                seconds += time.perf_counter() - start
            steps.append(logits)
            last = logits[:, -1]
            if temperature > 0:
                probabilities = torch.softmax(last / temperature, dim=-1)
                chosen = torch.multinomial(probabilities.cpu(), 1, generator=generator)
                chosen = chosen.to(device)
            else:
                chosen = last.argmax(dim=-1, keepdim=True)
            tokens = torch.cat([tokens, chosen], dim=1)
            step_input = chosen
    return tokens, torch.cat(steps, dim=1), seconds


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--checkpoint", type=Path, default=None,
                        help="a model saved by train_brown_lm.py --save (default: random)")
    parser.add_argument("--data", type=Path, default=brown.DEFAULT_OUT,
                        help="prepared Brown data (its vocab.txt); optional")
    parser.add_argument("--prompt", default=None, help="words (needs the vocabulary)")
    parser.add_argument("--prompt-ids", default=None, help="comma-separated token ids")
    parser.add_argument("--prompt-length", type=int, default=12,
                        help="random prompt length without --prompt/--prompt-ids")
    parser.add_argument("--tokens", type=int, default=40, help="tokens to generate")
    parser.add_argument("--batch", type=int, default=1, help="copies decoded at once")
    parser.add_argument("--temperature", type=float, default=0.0, help="0: greedy")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--attention", choices=("moda", "reference"), default="moda")
    parser.add_argument("--dtype", choices=DTYPES, default=None,
                        help="default: the checkpoint's, else bf16")
    parser.add_argument("--device", default=None, help="default cuda if available, else cpu")
    parser.add_argument("--tolerance", type=float, default=None)
    add_size_options(parser)       # the random model's (the paper's Table 6 scale)
    parser.add_argument("--depth", choices=("none", "attn", "attn_ffn"), default=BROWN24.depth)
    parser.add_argument("--window", type=int, default=None)
    args = parser.parse_args(argv)
    if args.tokens < 1:
        raise SystemExit("--tokens must be at least 1")

    import contextlib
    import torch
    from moda.reference import relative_error

    vocab_file = args.data / "vocab.txt"
    args.vocabulary = brown.Vocabulary.read(vocab_file) if vocab_file.is_file() else None
    device = torch.device(args.device or ("cuda" if torch.cuda.is_available() else "cpu"))
    model, dtype = load_model(args, device)
    if args.vocabulary is not None and len(args.vocabulary) != model.config.vocab_size:
        args.vocabulary = None      # a model of another vocabulary: print ids
    generator = torch.Generator().manual_seed(args.seed)
    prompt = prompt_ids(args, model.config.vocab_size, generator)
    if not prompt:
        raise SystemExit("the prompt is empty")
    autocast = ((lambda: torch.autocast(device.type, dtype=torch.bfloat16))
                if dtype == "bf16" else contextlib.nullcontext)

    tokens, cached_logits, seconds = generate(model, prompt, args.tokens, args.batch,
                                              args.temperature, generator, autocast)
    with torch.no_grad(), autocast():
        full_logits = model(tokens[:, :-1]).float()
    error = relative_error(cached_logits, full_logits.double())
    tolerance = args.tolerance if args.tolerance is not None else DEFAULT_TOLERANCE[dtype]

    generated = tokens[0, len(prompt):].tolist()
    if args.vocabulary is not None:
        print(f"prompt: {args.vocabulary.decode(prompt)}")
        print(f"text:   {args.vocabulary.decode(generated)}")
    else:
        print(f"prompt ids: {prompt}")
        print(f"generated ids: {generated}")
    steps = args.tokens - 1
    rate = f"{args.batch * steps / seconds:,.0f} tokens/s" if steps and seconds > 0 else "n/a"
    print(f"{model.config.n_layers} layers, {dtype}, batch {args.batch}, {args.attention} "
          f"attention on {device}: {args.tokens} tokens, decoding {rate}")
    verdict = "within" if error <= tolerance else "BEYOND"
    print(f"cached logits vs a full forward: relative error {error:.3e} ({verdict} "
          f"tolerance {tolerance:g})")
    return 0 if error <= tolerance else 1


if __name__ == "__main__":
    sys.exit(main())
