"""The MoDA language model (examples/moda_lm/model.py) on the CPU with the
float64 reference attention (needs PyTorch: run by bench/run_gpu_suite.sh;
test_moda_lm_config.py checks the torch-free parts). Shapes and parameter
counts, the depth stream's bookkeeping, the Flex formulation (depth
concatenated to the keys under the mask) against moda.reference, the
model with its depth re-stacked by hand against the DepthStream model, and
smoke runs of examples/train_brown_lm.py and bench/model_training.py."""

import json
import sys
from pathlib import Path

import pytest

torch = pytest.importorskip("torch")

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "examples"))
sys.path.insert(0, str(ROOT / "bench"))

from moda.reference import relative_error  # noqa: E402
from moda_lm import model as m  # noqa: E402
from moda_lm.config import ModelConfig  # noqa: E402

from moda_torch_helpers import reference_attention  # noqa: E402

TINY = ModelConfig(vocab_size=40, n_layers=4, d_model=32, heads_q=4, heads_kv=2, head_dim=8,
                   ffn_hidden=48)


def tiny_model(attention=None, **changes):
    torch.manual_seed(0)
    config = TINY.with_(**changes)
    model = m.MoDALM(config, attention=attention or m.reference_attention(),
                     attention_dtype=torch.float64)
    return model.double()


@pytest.mark.parametrize("depth,window,norm,shifts", [
    ("none", None, "pre", None), ("attn", None, "post", 0), ("attn_ffn", None, "post", 0),
    ("attn_ffn", 3, "pre", 0),        # 6 appends fit a stream of 2 * 3
    ("attn_ffn", 2, "post", 1)])      # the 5th of 6 appends moves the newest entry to slot 0
def test_shapes_parameters_and_stream(depth, window, norm, shifts):
    model = tiny_model(depth=depth, window=window, norm=norm)
    config = model.config
    assert sum(p.numel() for p in model.parameters()) == config.parameters()
    tokens = torch.randint(0, config.vocab_size, (2, 11))
    logits = model(tokens)
    assert logits.shape == (2, 11, config.vocab_size) and logits.dtype == torch.float64
    stream = model.last_depth
    if depth == "none":
        assert stream is None
    else:
        appended = (config.n_layers - 1) * config.entries_per_layer
        assert stream["appended"] == appended
        assert stream["capacity"] == config.stream_capacity
        assert stream["visible"] == (min(window, appended) if window else appended)
        assert stream["window"] == window
        assert stream["shifts"] == shifts
    loss = model.loss(tokens, tokens)
    loss.backward()
    assert torch.isfinite(loss)
    # Every parameter is trained (the last layer has no FFN KV projection:
    # nothing would read its entries).
    assert all(p.grad is not None and torch.isfinite(p.grad).all() for p in model.parameters())


def random_qkv(batch, seq, heads_q, heads_kv, dim, depth):
    q = torch.randn(batch, seq, heads_q, dim, dtype=torch.float64)
    k = torch.randn(batch, seq, heads_kv, dim, dtype=torch.float64)
    v = torch.randn(batch, seq, heads_kv, dim, dtype=torch.float64)
    dk = torch.randn(batch, seq, depth, heads_kv, dim, dtype=torch.float64) if depth else None
    dv = torch.randn(batch, seq, depth, heads_kv, dim, dtype=torch.float64) if depth else None
    return q, k, v, dk, dv


def test_concat_depth_layout():
    q, k, v, dk, dv = random_qkv(2, 5, 4, 2, 3, depth=2)
    keys = m.concat_depth(k, dk, max_depth=3)
    assert keys.shape == (2, 5 * 4, 2, 3)
    assert torch.equal(keys[:, :5], k)
    for t in range(5):
        for l in range(2):
            assert torch.equal(keys[:, 5 + l * 5 + t], dk[:, t, l])
    assert not keys[:, 15:].any()                                    # padding slot
    assert torch.equal(m.concat_depth(k, None, 0), k)


@pytest.mark.parametrize("seq,depth,max_depth", [(9, 0, 0), (9, 0, 2), (13, 3, 3),
                                                 (13, 2, 5), (1, 1, 1)])
def test_dense_flex_formulation_is_moda(seq, depth, max_depth):
    """The Flex formulation (concatenated keys, flex_visible mask, one
    softmax) against moda.reference's per-position MoDA, float64."""
    torch.manual_seed(seq * 10 + depth)
    inputs = random_qkv(2, seq, 6, 2, 16, depth)
    flex = m.dense_flex_attention(max_depth)(*inputs)
    ref = reference_attention(*inputs, causal=True)
    assert relative_error(flex, ref) < 1e-12


def test_flex_mask_gradients_match_reference():
    inputs = [None if t is None else t.requires_grad_(True)
              for t in random_qkv(1, 7, 4, 2, 8, depth=3)]
    d_out = torch.randn(1, 7, 4, 8, dtype=torch.float64)
    grads = []
    for attention in (m.dense_flex_attention(4), m.reference_attention()):
        for t in inputs:
            t.grad = None
        (attention(*inputs) * d_out).sum().backward()
        grads.append([t.grad.clone() for t in inputs])
    for a, b in zip(*grads):
        assert relative_error(a, b) < 1e-12


class RestackingStream:
    """The depth stream re-stacked with torch.stack at every read: the
    naive model the DepthStream replaces (same interface)."""

    def __init__(self, window=None):
        self.keys, self.values, self.window = [], [], window

    def __len__(self):
        n = len(self.keys)
        return min(n, self.window) if self.window else n

    def append(self, k, v):
        self.keys.append(k)
        self.values.append(v.to(k.dtype))

    def entries(self):
        lo = len(self.keys) - len(self)
        return torch.stack(self.keys[lo:], dim=2), torch.stack(self.values[lo:], dim=2)


@pytest.mark.parametrize("depth,window", [("attn", None), ("attn_ffn", None), ("attn_ffn", 3)])
def test_depth_stream_model_matches_restacking(depth, window, monkeypatch):
    model = tiny_model(depth=depth, window=window)
    tokens = torch.randint(0, 40, (2, 9))
    loss = model.loss(tokens, tokens)
    loss.backward()
    grads = {n: p.grad.clone() for n, p in model.named_parameters()}
    model.zero_grad(set_to_none=True)
    monkeypatch.setattr(model, "new_stream", lambda *_: RestackingStream(window))
    loss_ref = model.loss(tokens, tokens)
    loss_ref.backward()
    assert abs(float(loss) - float(loss_ref)) < 1e-12
    for name, p in model.named_parameters():
        assert relative_error(grads[name], p.grad) < 1e-10, name
    # Depth changes the model (the stream is read).
    no_depth = tiny_model(depth="none")
    assert abs(float(no_depth.loss(tokens, tokens)) - float(loss)) > 1e-8


def test_model_with_flex_formulation_matches_reference():
    model = tiny_model(depth="attn_ffn")
    tokens = torch.randint(0, 40, (2, 10))
    ours = float(model.loss(tokens, tokens))
    model.attention = m.dense_flex_attention(model.config.max_depth_len)
    assert abs(float(model.loss(tokens, tokens)) - ours) < 1e-12


def prepared_data(tmp_path, tokens=5000, vocab=40):
    """A prepared-data folder (brown.py's layout) of random token ids."""
    from moda_lm import brown
    out = tmp_path / "data"
    out.mkdir()
    g = torch.Generator().manual_seed(0)
    for name, n in (("train", tokens), ("val", tokens // 5)):
        brown.write_ids(out / f"{name}.bin", torch.randint(0, vocab, (n,), generator=g).tolist())
    brown.Vocabulary(["<unk>", "<eos>"] + [f"w{i}" for i in range(vocab - 2)]).write(
        out / "vocab.txt")
    (out / "meta.json").write_text(json.dumps({
        "settings": {"package": "test", "tokenizer": "test"}, "vocab_size": vocab,
        "tokens": {"train": tokens, "val": tokens // 5}, "unk_fraction": {"val": 0.0}}))
    return out


def test_train_brown_lm_smoke(tmp_path):
    import train_brown_lm
    data = prepared_data(tmp_path)
    out = tmp_path / "brown-lm.json"
    train_brown_lm.main(["--data", str(data), "--device", "cpu", "--attention", "reference",
                         "--dtype", "f64", "--layers", "3", "--d-model", "32", "--heads-q", "4",
                         "--heads-kv", "2", "--head-dim", "8", "--ffn-hidden", "32",
                         "--steps", "4", "--batch", "2", "--seq", "16", "--eval-every", "2",
                         "--eval-sequences", "3", "--warmup", "1", "--lr", "3e-3",
                         "--window", "2", "--json", str(out)])
    report = json.loads(out.read_text())
    assert list(report["runs"]) == ["baseline", "moda", "moda_ffn_kv", "moda_window"]
    for name, run in report["runs"].items():
        assert [e["step"] for e in run["evals"]] == [0, 2, 4], name
        assert run["steps"] == 4 and run["stopped"] == "steps"
        assert all(e["val_loss"] > 0 for e in run["evals"])
        assert run["tokens_per_s"] > 0
    assert report["runs"]["moda_window"]["depth_stream"] == {"capacity": 4, "window": 2,
                                                             "visible": 2, "appended": 4}
    assert report["runs"]["moda_window"]["config"]["window"] == 2
    # Same seed, same batches: every run starts from the same first loss
    # up to what depth adds (a fresh model: close to ln(vocab)).
    first = [run["evals"][0]["val_loss"] for run in report["runs"].values()]
    assert max(first) - min(first) < 0.5


def test_model_training_smoke(tmp_path):
    import model_training
    out = tmp_path / "model-training.json"
    assert model_training.main(["--smoke", "--iters", "1", "--warmup", "0",
                                "--json", str(out)]) == 0
    case = json.loads(out.read_text())["cases"][0]
    check = case["loss_check"]
    assert check["agree"] and check["abs_diff"] < 1e-9 and check["grad_rel_error"] < 1e-12
    assert case["ours_ms"] > 0 and case["ours_nodepth_ms"] > 0 and case["flex_ms"] > 0
    assert case["L_per_layer"] == [0, 2, 4]


@pytest.mark.parametrize("depth,window,norm", [
    ("none", None, "pre"), ("attn", None, "post"), ("attn_ffn", None, "pre"),
    ("attn_ffn", 2, "post")])         # a window that moves within a step's stream
def test_decoding_with_a_cache_matches_the_full_forward(depth, window, norm):
    """model(tokens, cache) step by step (a 7-token prompt, four single
    tokens, a step of three) gives the logits the full forward gives those
    positions, float64 (the reference attention takes the cached keys)."""
    model = tiny_model(depth=depth, window=window, norm=norm)
    tokens = torch.randint(0, model.config.vocab_size, (2, 14))
    with torch.no_grad():
        full = model(tokens)
        cache = model.new_cache(2, capacity=16, device="cpu")
        start = 0
        for step in (7, 1, 1, 1, 1, 3):
            logits = model(tokens[:, start:start + step], cache)
            assert len(cache) == start + step
            assert relative_error(logits, full[:, start:start + step]) < 1e-10
            start += step


@pytest.mark.parametrize("extra", [[], ["--window", "2", "--temperature", "0.8"]])
def test_generate_moda_lm_smoke(tmp_path, capsys, extra):
    """examples/generate_moda_lm.py decodes through the cache and its check
    (the cached steps' logits against a full forward) passes, float64."""
    sys.path.insert(0, str(ROOT / "examples"))
    import generate_moda_lm
    data = prepared_data(tmp_path)
    assert generate_moda_lm.main(
        ["--data", str(data), "--device", "cpu", "--attention", "reference", "--dtype", "f64",
         "--layers", "3", "--d-model", "32", "--heads-q", "4", "--heads-kv", "2",
         "--head-dim", "8", "--ffn-hidden", "32", "--prompt", "w1 w2 w3 w4 w5",
         "--tokens", "6", "--batch", "2"] + extra) == 0
    out = capsys.readouterr().out
    assert "prompt: w1 w2 w3 w4 w5" in out and "within tolerance 1e-10" in out
    assert len(out.split("text:")[1].splitlines()[0].split()) == 6


def test_generate_moda_lm_saved_checkpoint(tmp_path, capsys):
    """A model saved by train_brown_lm.py --save is what generate_moda_lm.py
    --checkpoint decodes with: same configuration and weights."""
    import generate_moda_lm
    import train_brown_lm
    data = prepared_data(tmp_path)
    train_brown_lm.main(["--data", str(data), "--device", "cpu", "--attention", "reference",
                         "--dtype", "f64", "--runs", "moda_ffn_kv", "--layers", "2",
                         "--d-model", "32", "--heads-q", "4", "--heads-kv", "2",
                         "--head-dim", "8", "--ffn-hidden", "32", "--steps", "2", "--batch",
                         "2", "--seq", "16", "--eval-every", "2", "--eval-sequences", "2",
                         "--warmup", "1", "--json", str(tmp_path / "lm.json"),
                         "--save", str(tmp_path / "saved")])
    saved = torch.load(tmp_path / "saved" / "moda_ffn_kv.pt", weights_only=True)
    assert json.loads(saved["config"])["n_layers"] == 2 and saved["dtype"] == "f64"
    assert generate_moda_lm.main(
        ["--data", str(data), "--checkpoint", str(tmp_path / "saved" / "moda_ffn_kv.pt"),
         "--device", "cpu", "--attention", "reference", "--prompt-ids", "3,4,5",
         "--tokens", "4"]) == 0
    assert "2 layers, f64" in capsys.readouterr().out
