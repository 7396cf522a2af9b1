"""The tuner's compiler-side pieces (no GPU): the IR it writes, the space it
gets from the compiler, the database keys and merge."""

import json
import subprocess

from conftest import BUILD
from moda import tune
from moda.ir import attention_module

SHAPE = {"dtype": "bf16", "B": 1, "Hk": 2, "Hq": 8, "D": 64, "T": 200, "L": 7,
         "causal": True}


def print_space(tmp_path, text):
    source = tmp_path / "kernel.mlir"
    source.write_text(text)
    out = subprocess.run([str(BUILD / "bin" / "moda-compile"), str(source),
                          "--print-config-space"], check=True, capture_output=True,
                         text=True).stdout
    return json.loads(out)


def test_space_comes_from_the_compiler(tmp_path):
    [info] = print_space(tmp_path, attention_module(SHAPE, static=True))
    assert (info["group_size"], info["head_dim"], info["depth"]) == (4, 64, 7)
    assert info["heuristic"] in info["space"]
    assert all(c["block_m"] % 4 == 0 for c in info["space"])
    assert {c["mma"] for c in info["space"]} == {"fma", "mma_sync", "wgmma"}
    assert all(c["num_stages"] in (2, 3) for c in info["space"] if c["mma"] != "fma")
    assert all(c["block_m"] == 16 * c["num_warps"] for c in info["space"]
               if c["mma"] == "wgmma")
    assert {c["mma"] for c in tune.tuned_space(info["space"])} == {"wgmma"}
    names = [tune.config_name(c) for c in info["space"]]
    assert len(names) == len(set(names)) > 10


def test_pinned_configuration_is_kept(tmp_path):
    config = {"block_m": 32, "block_n": 32, "block_depth": 16, "num_warps": 1,
              "num_stages": 1, "mma": "fma"}
    text = attention_module(SHAPE, config=config)
    assert "tensor<?x?x8x64xbf16>" in text  # sizes stay dynamic
    source = tmp_path / "pinned.mlir"
    source.write_text(text)
    out = subprocess.run([str(BUILD / "bin" / "moda-opt"), str(source),
                          "-moda-select-kernel-config"], check=True,
                         capture_output=True, text=True).stdout
    assert "block_m = 32, block_n = 32, block_depth = 16, num_warps = 1" in out
    assert "moda.config_source" not in out  # already configured: left alone


def test_database_key_buckets_the_length():
    key = tune.database_key(SHAPE, "NVIDIA H100 80GB HBM3", "9.0")
    assert key["seq_bucket"] == 256 and key["group_size"] == 4
    assert tune.seq_bucket(4096) == 4096 and tune.seq_bucket(4097) == 8192


def test_database_merge_replaces_same_key(tmp_path):
    db = tmp_path / "db.json"
    key = tune.database_key(SHAPE, "dev", "9.0")
    other = dict(key, depth=9)
    tune.write_database(db, [{"key": key, "config": {"block_m": 64}},
                             {"key": other, "config": {"block_m": 128}}])
    tune.write_database(db, [{"key": key, "config": {"block_m": 32}}])
    entries = json.loads(db.read_text())["entries"]
    assert json.loads(db.read_text())["format"] == "moda-tuning/1"
    by_depth = {e["key"]["depth"]: e["config"]["block_m"] for e in entries}
    assert by_depth == {7: 32, 9: 128}
