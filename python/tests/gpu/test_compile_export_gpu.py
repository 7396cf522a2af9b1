"""A model using moda.attention under torch.compile(fullgraph=True) (no
graph break), with dynamic sizes, and under torch.export; its output and
every parameter gradient against a float64 twin of the model (the float64
reference attention), MODA.md section 6's fp32 tolerance. The model runs
in float32 so that the comparison is of the whole step at 1e-5."""

import torch
import torch._dynamo

import moda
from moda.reference import relative_error

from moda_models import TinyModa, compare_model, reference_copy
from moda_torch_helpers import TOLERANCE, fresh_seed

TOL = TOLERANCE[torch.float32]


def make_model():
    torch._dynamo.reset()
    return TinyModa(moda.attention, d_model=128, heads_q=4, heads_kv=2, head_dim=64,
                    layers=3, dtype=torch.float32)


def test_compile_fullgraph_trains_like_float64():
    fresh_seed()
    model = make_model()
    twin = reference_copy(model)
    compiled = torch.compile(model, fullgraph=True)
    x = torch.randn(2, 77, 128, device="cuda")
    target = torch.randn(2, 77, 128, device="cuda")
    compare_model(model, twin, x, target, TOL, run=compiled)
    # A second step reuses the compiled graph and still agrees.
    x2 = torch.randn(2, 77, 128, device="cuda")
    compare_model(model, twin, x2, target, TOL, run=compiled)


def test_no_graph_break():
    model = make_model()
    x = torch.randn(1, 50, 128, device="cuda")
    explanation = torch._dynamo.explain(model)(x)
    assert explanation.graph_break_count == 0, explanation.break_reasons
    assert explanation.graph_count == 1


def test_compile_dynamic_sizes():
    """One compiled graph for several sequence lengths (B, T are dynamic in
    the kernels too)."""
    fresh_seed()
    model = make_model()
    twin = reference_copy(model)
    compiled = torch.compile(model, fullgraph=True, dynamic=True)
    for t in (45, 131):
        x = torch.randn(1, t, 128, device="cuda")
        target = torch.randn(1, t, 128, device="cuda")
        compare_model(model, twin, x, target, TOL, run=compiled)


def test_export():
    fresh_seed()
    model = make_model()
    x = torch.randn(2, 90, 128, device="cuda")
    exported = torch.export.export(model, (x,))
    targets = {str(node.target) for node in exported.graph.nodes if node.op == "call_function"}
    assert any("moda.attention_fwd" in t for t in targets), targets
    with torch.no_grad():
        eager = model(x)
        replay = exported.module()(x)
        reference = reference_copy(model)(x.double())
    assert relative_error(replay, reference) <= TOL
    assert relative_error(replay, eager) <= TOL
    # The exported program with dynamic T runs another length.
    seq = torch.export.Dim("seq", min=2, max=4096)
    dynamic = torch.export.export(model, (x,), dynamic_shapes=({1: seq},))
    x2 = torch.randn(2, 133, 128, device="cuda")
    with torch.no_grad():
        assert relative_error(dynamic.module()(x2), reference_copy(model)(x2.double())) <= TOL
