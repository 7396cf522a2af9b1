"""bench/torch-op-variants.json bundles every kernel variant the GPU
decoding test runs (python/tests/kv_cache_cases.py): the GPU machine has no
compiler, so a variant missing there fails the GPU run. No PyTorch needed."""

import json

from conftest import ROOT
from kv_cache_cases import variants_run
from moda import Variant


def test_the_torch_bundle_lists_every_decoding_test_variant():
    listed = {Variant.from_json(v) for v in
              json.loads((ROOT / "bench" / "torch-op-variants.json").read_text())}
    missing = sorted(v.name for v in variants_run() - listed)
    assert not missing, f"add to bench/torch-op-variants.json: {missing}"
