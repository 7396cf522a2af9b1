"""moda.variant, moda.cache, moda.bundle and moda.locate without PyTorch or
a GPU: variant names, cache keys, bundle lookup, compile-on-miss (with a
stand-in compiler, and with the real moda-compile when it is built), the
error when no kernel can be found."""

import json
import os
import stat
import subprocess
import sys
import textwrap
import threading
from pathlib import Path

import pytest

from conftest import BUILD, ROOT
from moda import KernelNotFound, KernelStore, ModaError, Target, Variant
from moda import bundle, cache, locate

REAL_COMPILER = BUILD / "bin" / "moda-compile"
H200 = Target("NVIDIA H200", "sm_90a")


def test_variant_names_are_readable_and_distinct():
    base = Variant.make("bf16", 8, 2, 64)
    assert base.name == "per_position_bf16_hq8_hk2_d64_causal"
    names = {
        base.name,
        Variant.make("bfloat16", 8, 2, 64, causal=False).name,
        Variant.make("f16", 8, 2, 64).name,
        Variant.make("bf16", 8, 4, 64).name,
        Variant.make("bf16", 8, 2, 128).name,
        Variant.make("bf16", 8, 2, 64, visibility="chunk", chunk_size=64).name,
        Variant.make("bf16", 8, 2, 64, visibility="chunk", chunk_size=32).name,
        Variant.make("bf16", 8, 2, 64, visibility="depth_only").name,
        Variant.make("bf16", 8, 2, 64, scale=0.1).name,
        Variant.make("bf16", 8, 2, 64, scale=0.2).name,
        Variant.make("bf16", 8, 2, 64, strided=True).name,
    }
    assert len(names) == 11
    assert Variant.make("bf16", 8, 2, 64, strided=True).name.endswith("_causal_views")
    assert Variant.make("torch.float16", 4, 4, 32).dtype == "f16"
    assert Variant.make("bf16", 8, 2, 64, visibility="chunk", chunk_size=64).name.endswith("_c64")


def test_scale_is_rounded_to_f32_so_equal_scales_share_a_kernel():
    a = Variant.make("bf16", 8, 2, 64, scale=0.1)
    b = Variant.make("bf16", 8, 2, 64, scale=0.1 + 1e-12)   # same f32
    assert a == b and a.name == b.name
    assert a.scale != 0.1 and abs(a.scale - 0.1) < 1e-8
    assert "scale = 1.000000015e-01 : f32" in a.training_module()
    assert "scale" not in Variant.make("bf16", 8, 2, 64).training_module()
    assert Variant.make("bf16", 8, 2, 64).effective_scale == 0.125


@pytest.mark.parametrize("kwargs,status", [
    (dict(dtype="f64", num_query_heads=8, num_kv_heads=2, head_dim=64), "MODA_ERROR_DTYPE"),
    (dict(dtype="bf16", num_query_heads=6, num_kv_heads=4, head_dim=64), "MODA_ERROR_SHAPE"),
    (dict(dtype="bf16", num_query_heads=8, num_kv_heads=2, head_dim=64,
          visibility="chunk"), "MODA_ERROR_INVALID_ARGUMENT"),
    (dict(dtype="bf16", num_query_heads=8, num_kv_heads=2, head_dim=64,
          chunk_size=64), "MODA_ERROR_INVALID_ARGUMENT"),
    (dict(dtype="bf16", num_query_heads=8, num_kv_heads=2, head_dim=64,
          visibility="sliding"), "MODA_ERROR_INVALID_ARGUMENT"),
    (dict(dtype="bf16", num_query_heads=8, num_kv_heads=2, head_dim=64,
          scale=-1.0), "MODA_ERROR_INVALID_ARGUMENT"),
])
def test_bad_variants_are_refused(kwargs, status):
    with pytest.raises(ModaError) as error:
        Variant.make(kwargs.pop("dtype"), kwargs.pop("num_query_heads"),
                     kwargs.pop("num_kv_heads"), kwargs.pop("head_dim"), **kwargs)
    assert error.value.status == status


def test_strided_variant_compiles_kernels_that_take_views():
    # Its training module marks both operators strided (the tile programs
    # compile them); the dense variant's does not.
    module = Variant.make("bf16", 8, 2, 64, strided=True).training_module()
    assert module.count("strided") == 2
    assert "strided" not in Variant.make("bf16", 8, 2, 64).training_module()
    v = Variant.make("f16", 8, 2, 64, strided=True)
    assert Variant.from_json(json.loads(json.dumps(v.to_json()))) == v


def test_packed_variant_is_a_variant_of_its_own():
    """Packed sequences have their own kernels: the flag is in the name, the
    JSON and the cache key, and the training module takes cu_seqlens."""
    dense = Variant.make("bf16", 8, 2, 64)
    packed = Variant.make("bf16", 8, 2, 64, packed=True)
    assert packed != dense and packed.packed and not dense.packed
    assert packed.name == "per_position_bf16_hq8_hk2_d64_causal_packed"
    assert packed.to_json()["packed"] is True and dense.to_json()["packed"] is False
    assert Variant.from_json(json.loads(json.dumps(packed.to_json()))) == packed
    assert Variant.from_json({"dtype": "bf16", "Hq": 8, "Hk": 2, "D": 64,
                              "packed": True}) == packed
    # A variants file written before the flag existed reads as unpacked.
    assert Variant.from_json({"dtype": "bf16", "Hq": 8, "Hk": 2, "D": 64}) == dense
    assert packed.key_text() != dense.key_text()
    assert cache.cache_key(packed, H200, "c0ffee") != cache.cache_key(dense, H200, "c0ffee")
    module = packed.training_module()
    assert module.count("packed(%cu, %max") == 2 and "tensor<?x8x64xbf16>" in module
    assert "packed(" not in dense.training_module()
    chunk = Variant.make("bf16", 8, 2, 64, visibility="chunk", chunk_size=64, packed=True)
    assert chunk.name.endswith("_c64_packed")
    with pytest.raises(ModaError) as error:
        Variant.make("bf16", 8, 2, 64, strided=True, packed=True)
    assert error.value.status == "MODA_ERROR_INVALID_ARGUMENT"


def test_operator_variant_list_parses():
    """bench/torch-op-variants.json, the bundle the GPU tests read, is a
    valid variants file and holds packed variants (test_op_packed_gpu.py
    needs them; test_op_packed.py checks which)."""
    variants = bundle.read_variants(ROOT / "bench" / "torch-op-variants.json")
    assert any(v.packed for v in variants) and any(not v.packed for v in variants)
    assert len({v.name for v in variants}) == len(variants)


def test_variant_json_round_trip_and_short_names():
    v = Variant.make("f16", 16, 4, 128, visibility="chunk", chunk_size=64, causal=True,
                     scale=0.05)
    assert Variant.from_json(json.loads(json.dumps(v.to_json()))) == v
    short = {"dtype": "f16", "Hq": 16, "Hk": 4, "D": 128, "visibility": "chunk",
             "chunk": 64, "scale": 0.05}
    assert Variant.from_json(short) == v
    with pytest.raises(ModaError):
        Variant.from_json({"dtype": "f16", "Hq": 16, "Hk": 4, "D": 128, "colour": 1})


def test_cache_key_depends_on_everything_it_should():
    v = Variant.make("bf16", 8, 2, 64)
    key = cache.cache_key(v, H200, "c0ffee")
    assert key == cache.cache_key(Variant.make("bf16", 8, 2, 64), H200, "c0ffee")
    others = [
        cache.cache_key(Variant.make("bf16", 8, 2, 64, causal=False), H200, "c0ffee"),
        cache.cache_key(Variant.make("bf16", 8, 2, 64, scale=0.2), H200, "c0ffee"),
        cache.cache_key(Variant.make("bf16", 8, 2, 64, strided=True), H200, "c0ffee"),
        cache.cache_key(v, Target("NVIDIA H100 80GB HBM3", "sm_90a"), "c0ffee"),
        cache.cache_key(v, Target("NVIDIA H200", "sm_80"), "c0ffee"),
        cache.cache_key(v, H200, "beef"),
        cache.cache_key(v, H200, "c0ffee", tuning_fp="abc"),
    ]
    assert key not in others and len(set(others)) == len(others)


def test_compiler_fingerprint_is_the_binary_hash_and_is_remembered(tmp_path):
    binary = tmp_path / "moda-compile"
    binary.write_bytes(b"version one")
    first = cache.compiler_fingerprint(binary, tmp_path / "c")
    assert first == cache.file_sha256(binary)   # not executable: no --version
    memo = json.loads((tmp_path / "c" / "fingerprints.json").read_text())
    assert first in memo.values()
    binary.write_bytes(b"version two!")   # a rebuild: other size and mtime
    os.utime(binary, ns=(1, 1))
    assert cache.compiler_fingerprint(binary, tmp_path / "c") != first


def test_tuning_database_changes_the_key(tmp_path, monkeypatch):
    monkeypatch.delenv("MODA_TUNING_DB", raising=False)
    assert cache.tuning_fingerprint() == "none"
    db = tmp_path / "db.json"
    db.write_text("{}")
    monkeypatch.setenv("MODA_TUNING_DB", str(db))
    assert cache.tuning_fingerprint() == cache.file_sha256(db)


def test_cache_dir_follows_the_environment(monkeypatch, tmp_path):
    monkeypatch.setenv("MODA_CACHE_DIR", str(tmp_path / "x"))
    assert cache.default_cache_dir() == tmp_path / "x"
    monkeypatch.delenv("MODA_CACHE_DIR")
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    assert cache.default_cache_dir() == tmp_path / "xdg" / "moda"
    monkeypatch.delenv("XDG_CACHE_HOME")
    assert cache.default_cache_dir() == Path.home() / ".cache" / "moda"


# -- a stand-in compiler: writes what moda-compile writes -------------------

FAKE_COMPILER = textwrap.dedent("""\
    #!{python}
    import sys, pathlib, time, os
    args = sys.argv[1:]
    source = pathlib.Path(args[0])
    out = pathlib.Path(args[args.index("-o") + 1])
    log = os.environ.get("FAKE_COMPILE_LOG")
    if log:
        with open(log, "a") as f:
            f.write(" ".join(args) + "\\n")
    text = source.read_text()
    if "d999" in str(out) or "x999x" in text:
        print("error: head size 999 is not supported", file=sys.stderr)
        sys.exit(1)
    time.sleep(float(os.environ.get("FAKE_COMPILE_SLEEP", "0")))
    for name in ("moda_attention_0", "moda_attention_grad_0"):
        (out / (name + ".ptx")).write_text("// ptx")
        (out / (name + ".cubin")).write_text("cubin")
        (out / (name + ".json")).write_text('{{"entry": "%s"}}' % name)
    """)


@pytest.fixture
def fake_compiler(tmp_path):
    path = tmp_path / "bin" / "moda-compile"
    path.parent.mkdir()
    path.write_text(FAKE_COMPILER.format(python=sys.executable))
    path.chmod(path.stat().st_mode | stat.S_IEXEC)
    return path


def test_compile_on_miss_then_hit(tmp_path, fake_compiler, monkeypatch):
    log = tmp_path / "log"
    monkeypatch.setenv("FAKE_COMPILE_LOG", str(log))
    store = KernelStore(cache_dir=tmp_path / "cache", compiler=fake_compiler, bundles=[])
    v = Variant.make("bf16", 8, 2, 64)
    entry = store.kernel_dir(v, H200)
    assert entry.parent == tmp_path / "cache" / "kernels"
    assert entry.name.startswith(v.name + "-sm_90a-")
    assert (entry / "moda_attention_0.json").is_file()
    assert (entry / "moda_attention_grad_0.json").is_file()
    record = json.loads((entry / "variant.json").read_text())
    assert Variant.from_json(record["variant"]) == v
    assert record["chip"] == "sm_90a" and record["gpu"] == "NVIDIA H200"
    assert "--chip=sm_90a" in log.read_text()
    # A hit: nothing is compiled again, by this store or a new one.
    assert store.kernel_dir(v, H200) == entry
    again = KernelStore(cache_dir=tmp_path / "cache", compiler=fake_compiler, bundles=[])
    assert again.kernel_dir(v, H200) == entry
    assert len(log.read_text().splitlines()) == 1
    # No temporary directories are left behind.
    assert [p.name for p in entry.parent.iterdir()] == [entry.name]
    # Another GPU, chip or compiler gets its own entry.
    assert store.kernel_dir(v, Target("NVIDIA H100", "sm_90a")) != entry
    assert len(log.read_text().splitlines()) == 2


def test_a_rebuilt_compiler_misses_the_cache(tmp_path, fake_compiler):
    store = KernelStore(cache_dir=tmp_path / "cache", compiler=fake_compiler, bundles=[])
    v = Variant.make("f16", 4, 4, 64)
    first = store.kernel_dir(v, H200)
    fake_compiler.write_text(fake_compiler.read_text() + "# rebuilt\n")
    assert store.kernel_dir(v, H200) != first


def test_compile_failure_leaves_nothing_and_says_why(tmp_path, fake_compiler):
    store = KernelStore(cache_dir=tmp_path / "cache", compiler=fake_compiler, bundles=[])
    with pytest.raises(cache.CompileError) as error:
        store.kernel_dir(Variant.make("bf16", 8, 2, 999), H200)
    assert "head size 999" in str(error.value)
    assert list((tmp_path / "cache" / "kernels").iterdir()) == []


def test_concurrent_compiles_of_one_variant_agree(tmp_path, fake_compiler, monkeypatch):
    """Two stores (think: two processes) miss together; both end up with the
    same complete entry and no temporary directory survives."""
    monkeypatch.setenv("FAKE_COMPILE_SLEEP", "0.3")
    v = Variant.make("bf16", 16, 4, 64)
    results, errors = [], []

    def one():
        try:
            store = KernelStore(cache_dir=tmp_path / "cache", compiler=fake_compiler,
                                bundles=[])
            results.append(store.kernel_dir(v, H200))
        except Exception as e:  # noqa: BLE001
            errors.append(e)

    threads = [threading.Thread(target=one) for _ in range(3)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors
    assert len(set(results)) == 1 and cache.is_complete(results[0])
    assert [p.name for p in results[0].parent.iterdir()] == [results[0].name]


def test_concurrent_processes_share_the_cache(tmp_path, fake_compiler):
    script = textwrap.dedent(f"""\
        import sys
        sys.path.insert(0, {str(ROOT / 'python')!r})
        from moda import KernelStore, Target, Variant
        store = KernelStore(cache_dir={str(tmp_path / 'cache')!r},
                            compiler={str(fake_compiler)!r}, bundles=[])
        print(store.kernel_dir(Variant.make("bf16", 8, 8, 128), Target("G", "sm_90a")))
        """)
    env = dict(os.environ, FAKE_COMPILE_SLEEP="0.3")
    procs = [subprocess.Popen([sys.executable, "-c", script], stdout=subprocess.PIPE,
                              stderr=subprocess.PIPE, text=True, env=env) for _ in range(3)]
    outs = [p.communicate() for p in procs]
    assert all(p.returncode == 0 for p in procs), outs
    assert len({o.strip() for o, _ in outs}) == 1
    entry = Path(outs[0][0].strip())
    assert [p.name for p in entry.parent.iterdir()] == [entry.name]


def test_bundle_is_read_first_and_needs_no_compiler(tmp_path, fake_compiler):
    variants_file = tmp_path / "variants.json"
    variants = [{"dtype": "bf16", "Hq": 8, "Hk": 2, "D": 64},
                {"dtype": "float16", "num_query_heads": 4, "num_kv_heads": 4,
                 "head_dim": 128, "visibility": "chunk", "chunk_size": 64},
                {"dtype": "bf16", "Hq": 8, "Hk": 2, "D": 64}]   # a duplicate
    variants_file.write_text(json.dumps(variants))
    assert bundle.main(["--out", str(tmp_path / "b"), "--moda-compile", str(fake_compiler),
                        str(variants_file)]) == 0
    index = json.loads((tmp_path / "b" / "index.json").read_text())
    assert len(index["entries"]) == 2 and index["chip"] == "sm_90a"
    # PTX with a cubin beside it is dropped (--keep-ptx keeps it).
    entry = tmp_path / "b" / index["entries"][0]["dir"]
    assert not list(entry.glob("*.ptx")) and list(entry.glob("*.cubin"))
    # A store with the bundle and no compiler at all finds both variants.
    store = KernelStore(cache_dir=tmp_path / "cache", compiler=None,
                        bundles=[tmp_path / "b"], allow_compile=False)
    v = Variant.make("bf16", 8, 2, 64)
    assert store.kernel_dir(v, H200) == tmp_path / "b" / f"{v.name}-sm_90a"
    # Another chip is not in the bundle.
    with pytest.raises(KernelNotFound):
        store.kernel_dir(v, Target("NVIDIA A100", "sm_80"))
    # The bundle wins over the cache and the compiler.
    with_compiler = KernelStore(cache_dir=tmp_path / "cache", compiler=fake_compiler,
                                bundles=[tmp_path / "b"])
    assert with_compiler.kernel_dir(v, H200).parent == tmp_path / "b"
    assert not (tmp_path / "cache" / "kernels").exists()


def test_bundle_holds_packed_variants_apart(tmp_path, fake_compiler, monkeypatch):
    log = tmp_path / "log"
    monkeypatch.setenv("FAKE_COMPILE_LOG", str(log))
    variants_file = tmp_path / "variants.json"
    variants_file.write_text(json.dumps([
        {"dtype": "bf16", "Hq": 8, "Hk": 2, "D": 64},
        {"dtype": "bf16", "Hq": 8, "Hk": 2, "D": 64, "packed": True}]))
    assert bundle.main(["--out", str(tmp_path / "b"), "--moda-compile", str(fake_compiler),
                        str(variants_file)]) == 0
    index = json.loads((tmp_path / "b" / "index.json").read_text())
    assert sorted(e["dir"] for e in index["entries"]) == [
        "per_position_bf16_hq8_hk2_d64_causal-sm_90a",
        "per_position_bf16_hq8_hk2_d64_causal_packed-sm_90a"]
    assert [e["variant"]["packed"] for e in index["entries"]] == [False, True]
    assert len(log.read_text().splitlines()) == 2     # one compile each
    store = KernelStore(cache_dir=tmp_path / "cache", compiler=None,
                        bundles=[tmp_path / "b"], allow_compile=False)
    packed = Variant.make("bf16", 8, 2, 64, packed=True)
    assert store.kernel_dir(packed, H200).name.endswith("_packed-sm_90a")
    assert not store.kernel_dir(Variant.make("bf16", 8, 2, 64), H200).name.endswith(
        "_packed-sm_90a")


def test_bundle_dir_comes_from_the_environment(tmp_path, monkeypatch):
    monkeypatch.setenv("MODA_BUNDLE_DIR", os.pathsep.join([str(tmp_path / "a"),
                                                           str(tmp_path / "b")]))
    assert KernelStore().bundles == [tmp_path / "a", tmp_path / "b"]


def test_rerunning_a_bundle_keeps_what_is_there(tmp_path, fake_compiler, monkeypatch):
    log = tmp_path / "log"
    monkeypatch.setenv("FAKE_COMPILE_LOG", str(log))
    v = [Variant.make("bf16", 8, 2, 64)]
    bundle.build_bundle(tmp_path / "b", v, compiler=fake_compiler, log=lambda _: None)
    bundle.build_bundle(tmp_path / "b", v, compiler=fake_compiler, log=lambda _: None)
    assert len(log.read_text().splitlines()) == 1
    bundle.build_bundle(tmp_path / "b", v, compiler=fake_compiler, force=True,
                        log=lambda _: None)
    assert len(log.read_text().splitlines()) == 2


def test_no_compiler_and_no_bundle_is_a_clear_error(tmp_path, monkeypatch):
    monkeypatch.delenv("MODA_BUNDLE_DIR", raising=False)
    monkeypatch.delenv("MODA_COMPILE", raising=False)
    monkeypatch.setattr(cache, "find_compiler", lambda: None)
    store = KernelStore(cache_dir=tmp_path / "cache")
    with pytest.raises(KernelNotFound) as error:
        store.kernel_dir(Variant.make("bf16", 8, 2, 64), H200)
    message = str(error.value)
    assert error.value.status == "MODA_ERROR_NO_KERNEL"
    assert "per_position_bf16_hq8_hk2_d64_causal" in message and "sm_90a" in message
    assert "MODA_BUNDLE_DIR is unset" in message
    assert "moda-compile was not found" in message and "MODA_COMPILE" in message
    assert "python -m moda.bundle" in message


def test_compiler_search_order(tmp_path, monkeypatch, fake_compiler):
    monkeypatch.setenv("MODA_COMPILE", str(fake_compiler))
    assert locate.find_compiler() == fake_compiler
    monkeypatch.delenv("MODA_COMPILE")
    monkeypatch.setenv("PATH", str(fake_compiler.parent) + os.pathsep + os.environ["PATH"])
    assert locate.find_compiler() == fake_compiler
    monkeypatch.setenv("PATH", "/nonexistent")
    monkeypatch.setenv("MODA_BUILD_DIR", str(tmp_path / "nobuild"))
    found = locate.find_compiler()
    assert found is None or found == ROOT / "build" / "bin" / "moda-compile"


def test_runtime_library_search_order(tmp_path, monkeypatch):
    monkeypatch.setenv("MODA_RUNTIME_LIBRARY", str(tmp_path / "mine.so"))
    monkeypatch.setenv("MODA_RUNTIME_LIB", str(tmp_path / "old.so"))
    candidates = list(locate.runtime_library_candidates())
    assert candidates[:2] == [tmp_path / "mine.so", tmp_path / "old.so"]
    assert candidates[2] == locate.PACKAGE_DIR / "lib" / "libmoda_runtime.so"
    assert ROOT / "build" / "lib" / "libmoda_runtime.so" in candidates


@pytest.mark.skipif(not REAL_COMPILER.exists(), reason="moda-compile is not built")
def test_real_compiler_fills_the_cache(tmp_path):
    """Compile-on-miss with this checkout's moda-compile: both manifests
    appear, describe the variant, and a second store hits."""
    store = KernelStore(cache_dir=tmp_path / "cache", compiler=REAL_COMPILER, bundles=[])
    v = Variant.make("bf16", 8, 2, 64, visibility="chunk", chunk_size=64, scale=0.2)
    entry = store.kernel_dir(v, H200)
    forward = json.loads((entry / "moda_attention_0.json").read_text())
    backward = json.loads((entry / "moda_attention_grad_0.json").read_text())
    text = json.dumps(forward)
    assert "chunk" in text and "bf16" in text
    assert abs(forward["scale"] - 0.2) < 1e-7 and abs(backward["scale"] - 0.2) < 1e-7
    assert KernelStore(cache_dir=tmp_path / "cache", compiler=REAL_COMPILER,
                       bundles=[]).kernel_dir(v, H200) == entry


def test_decoding_variant_is_a_forward_of_static_batch_and_queries():
    """decode_batch and decode_queries make a variant of its own: a forward
    alone (one manifest), B and T static in its module, S and L dynamic."""
    training = Variant.make("bf16", 8, 2, 64)
    decoding = Variant.make("bf16", 8, 2, 64, decode_batch=3, decode_queries=1)
    assert decoding.is_decoding and not training.is_decoding
    assert decoding.name == "per_position_bf16_hq8_hk2_d64_causal_decode_b3_t1"
    assert Variant.from_json(json.loads(json.dumps(decoding.to_json()))) == decoding
    assert cache.cache_key(decoding, H200, "c0ffee") != cache.cache_key(training, H200,
                                                                         "c0ffee")
    assert cache.manifests(decoding) == (cache.FORWARD_MANIFEST,)
    assert cache.manifests(training) == (cache.FORWARD_MANIFEST, cache.BACKWARD_MANIFEST)
    module = decoding.module()
    assert "moda.attention_grad" not in module and "moda.attention " in module
    assert "%q: tensor<3x1x8x64xbf16>" in module and "%k: tensor<3x?x2x64xbf16>" in module
    assert "%dk: tensor<3x1x?x2x64xbf16>" in module and "tensor<3x8x1xf32>" in module
    assert training.module() == training.training_module()
    for bad in (dict(decode_batch=2), dict(decode_queries=1), dict(decode_batch=-1,
                                                                    decode_queries=1),
                dict(decode_batch=1, decode_queries=1, packed=True)):
        with pytest.raises(ModaError) as error:
            Variant.make("bf16", 8, 2, 64, **bad)
        assert error.value.status == "MODA_ERROR_INVALID_ARGUMENT"
    with pytest.raises(ModaError):
        Variant.make("bf16", 8, 2, 64, visibility="depth_only", causal=False,
                     decode_batch=1, decode_queries=1)


def test_paged_variant_reads_pools_and_a_block_table():
    """page_size and pages_per_entry make a decoding variant read a paged
    KV cache: its module takes k, v as pools of pages and the block table
    and S as arguments; a variant without pages keeps the JSON (and so the
    cache key) it had before page fields existed."""
    unpaged = Variant.make("bf16", 8, 2, 64, strided=True, decode_batch=3, decode_queries=1)
    paged = Variant.make("bf16", 8, 2, 64, strided=True, decode_batch=3, decode_queries=1,
                         page_size=64, pages_per_entry=32)
    assert paged.is_paged and not unpaged.is_paged
    assert paged.name == unpaged.name + "_paged64x32"
    assert "page_size" not in unpaged.to_json()
    assert Variant.from_json(json.loads(json.dumps(paged.to_json()))) == paged
    assert cache.cache_key(paged, H200, "c0ffee") != cache.cache_key(unpaged, H200, "c0ffee")
    assert cache.manifests(paged) == (cache.FORWARD_MANIFEST,)
    module = paged.module()
    assert "%k: tensor<?x64x2x64xbf16>" in module
    assert "%table: tensor<3x32xi32>, %S: index" in module
    assert "paged(%table, %S : tensor<3x32xi32>)" in module
    for bad in (dict(page_size=64), dict(page_size=-64, pages_per_entry=2),
                dict(page_size=48, pages_per_entry=2, decode_batch=1, decode_queries=1),
                dict(page_size=64, pages_per_entry=2)):
        with pytest.raises(ModaError) as error:
            Variant.make("bf16", 8, 2, 64, **bad)
        assert error.value.status == "MODA_ERROR_INVALID_ARGUMENT"


@pytest.mark.skipif(not REAL_COMPILER.exists(), reason="moda-compile is not built")
def test_real_paged_bundle_reads_a_block_table(tmp_path):
    """A paged decoding variant bundled with the real compiler: its
    manifest says page_size and pages_per_entry, k and v are pools of N
    pages, the block table is [B, W] int32, and S is the caller's; the
    runtime (when built) reads it."""
    variants_file = tmp_path / "v.json"
    variants_file.write_text(json.dumps([
        {"dtype": "bf16", "Hq": 8, "Hk": 2, "D": 64, "strided": True, "decode_batch": 2,
         "decode_queries": 1, "page_size": 64, "pages_per_entry": 8}]))
    result = subprocess.run([sys.executable, "-m", "moda.bundle", "--out", str(tmp_path / "b"),
                             "--moda-compile", str(REAL_COMPILER), str(variants_file)],
                            capture_output=True, text=True,
                            env=dict(os.environ, PYTHONPATH=str(ROOT / "python")))
    assert result.returncode == 0, result.stderr
    entry = (tmp_path / "b" /
             "per_position_bf16_hq8_hk2_d64_causal_views_decode_b2_t1_paged64x8-sm_90a")
    assert cache.is_complete(entry)
    manifest = json.loads((entry / cache.FORWARD_MANIFEST).read_text())
    assert (manifest["page_size"], manifest["pages_per_entry"]) == (64, 8)
    assert manifest["sizes"]["S"] is None
    tensors = {t["name"]: t for t in manifest["tensors"]}
    assert tensors["k"]["shape"] == ["N", 64, 2, 64]
    assert tensors["block_table"]["shape"] == ["B", 8]
    assert tensors["block_table"]["dtype"] == "i32"
    if locate.find_runtime_library() is None:
        pytest.skip("libmoda_runtime.so is not built")
    import moda
    kernel = moda.Kernel(str(entry / cache.FORWARD_MANIFEST), driver=False)
    assert kernel.paged and (kernel.page_size, kernel.pages_per_entry) == (64, 8)


@pytest.mark.skipif(not REAL_COMPILER.exists(), reason="moda-compile is not built")
def test_real_decoding_bundle_is_one_split_forward(tmp_path):
    """A decoding variant bundled with the real compiler: one manifest, the
    split-KV forward the configuration pass gives a growing cache of one
    sequence of two key/value heads (132 / 2 splits, two launches)."""
    variants_file = tmp_path / "v.json"
    variants_file.write_text(json.dumps([
        {"dtype": "bf16", "Hq": 8, "Hk": 2, "D": 64, "strided": True, "decode_batch": 1,
         "decode_queries": 1}]))
    result = subprocess.run([sys.executable, "-m", "moda.bundle", "--out", str(tmp_path / "b"),
                             "--moda-compile", str(REAL_COMPILER), str(variants_file)],
                            capture_output=True, text=True,
                            env=dict(os.environ, PYTHONPATH=str(ROOT / "python")))
    assert result.returncode == 0, result.stderr
    entry = tmp_path / "b" / "per_position_bf16_hq8_hk2_d64_causal_views_decode_b1_t1-sm_90a"
    assert cache.is_complete(entry)
    assert not (entry / cache.BACKWARD_MANIFEST).exists()
    manifest = json.loads((entry / cache.FORWARD_MANIFEST).read_text())
    assert manifest["config"]["kv_splits"] == 66
    assert len(manifest["launches"]) == 2


@pytest.mark.skipif(not REAL_COMPILER.exists(), reason="moda-compile is not built")
def test_real_bundle_manifests_load(tmp_path, monkeypatch):
    """python -m moda.bundle with the real compiler; the runtime (when built)
    reads the manifests and sees the variant."""
    variants_file = tmp_path / "v.json"
    variants_file.write_text(json.dumps([
        {"dtype": "f16", "Hq": 4, "Hk": 2, "D": 64, "visibility": "depth_only",
         "causal": False},
        {"dtype": "bf16", "Hq": 8, "Hk": 2, "D": 64}]))
    result = subprocess.run([sys.executable, "-m", "moda.bundle", "--out", str(tmp_path / "b"),
                             "--moda-compile", str(REAL_COMPILER), str(variants_file)],
                            capture_output=True, text=True,
                            env=dict(os.environ, PYTHONPATH=str(ROOT / "python")))
    assert result.returncode == 0, result.stderr
    assert "2 variants" in result.stdout
    entry = tmp_path / "b" / "depth_only_f16_hq4_hk2_d64_full-sm_90a"
    assert cache.is_complete(entry)
    if locate.find_runtime_library() is None:
        pytest.skip("libmoda_runtime.so is not built")
    import moda
    forward = moda.Kernel(str(entry / "moda_attention_0.json"), driver=False)
    backward = moda.Kernel(str(entry / "moda_attention_grad_0.json"), driver=False)
    assert (forward.op, backward.op) == ("attention", "attention_grad")
    assert forward.visibility == "depth_only" and forward.element_type == "f16"
    assert (forward.num_query_heads, forward.num_kv_heads, forward.head_dim) == (4, 2, 64)
    assert forward.fixed_sizes == {"S": 0}   # no sequence part
    per_position = tmp_path / "b" / "per_position_bf16_hq8_hk2_d64_causal-sm_90a"
    kernel = moda.Kernel(str(per_position / "moda_attention_0.json"), driver=False)
    assert kernel.fixed_sizes == {}   # every size dynamic: one kernel for all B, T, S, L
    assert kernel.causal and kernel.scale == pytest.approx(0.125)
