"""moda.DepthStream against a float64 re-stacking reference, on the CPU
with the float64 reference attention (needs PyTorch: run by bench/run_gpu_suite.sh).

A stack of layers reads stream.entries(), attends, and appends its k, v;
the same computation with the stream re-stacked by torch.stack at every
layer is the reference; the loss and the gradients of every q, k, v must
agree to rounding (1e-12 in float64). gpu/test_depth_stream_gpu.py runs the
same comparison with moda.attention on the GPU."""

import pytest

torch = pytest.importorskip("torch")

import moda  # noqa: E402
from moda.reference import relative_error  # noqa: E402

from moda_torch_helpers import TOLERANCE, fresh_seed, reference_attention  # noqa: E402

B, T, HQ, HK, D = 2, 37, 4, 2, 16


def run_layers(n_layers, attention, *, stream=None, window=None, dtype=torch.float64,
               device="cpu", shapes=(B, T, HQ, HK, D), inputs=None):
    """n_layers of MoDA: layer l attends over its own k, v and the depth
    stream, then appends its k, v. With `stream` the depth comes from
    stream.entries(); without, from re-stacking the list of appended k, v
    (the last `window` of them). Returns (loss, leaves)."""
    b, t, hq, hk, d = shapes
    if inputs is None:
        inputs = [tuple(torch.randn(*shape, dtype=dtype, device=device)
                        for shape in ((b, t, hq, d), (b, t, hk, d), (b, t, hk, d),
                                      (b, t, hq, d)))
                  for _ in range(n_layers)]
    leaves, keys, values = [], [], []
    loss = 0
    for q0, k0, v0, weight in inputs:
        q, k, v = (x.clone().requires_grad_(True) for x in (q0, k0, v0))
        leaves += [q, k, v]
        if stream is not None:
            depth_k, depth_v = stream.entries()
        else:
            visible = slice(max(0, len(keys) - window) if window else 0, len(keys))
            shape = (b, t, 0, hk, d)
            depth_k = torch.stack(keys[visible], dim=2) if keys[visible] else q.new_zeros(shape)
            depth_v = torch.stack(values[visible], dim=2) if values[visible] else q.new_zeros(shape)
        out = attention(q, k, v, depth_k, depth_v, causal=True)
        loss = loss + (out.double() * weight.double()).sum()
        # Appended entries are functions of the leaves (not the leaves
        # themselves), as in a model; exact in every dtype, so that the
        # reference sees the same values.
        k_app, v_app = k * 2, -v
        if stream is not None:
            stream.append(k_app, v_app)
        else:
            keys.append(k_app)
            values.append(v_app)
    return loss, leaves, inputs


def compare(n_layers, capacity, window, attention=reference_attention, dtype=torch.float64,
            device="cpu", tolerance=1e-12, shapes=(B, T, HQ, HK, D)):
    fresh_seed()
    b, t, hq, hk, d = shapes
    stream = moda.DepthStream(b, t, capacity, hk, d, dtype=dtype, device=device, window=window)
    loss, leaves, inputs = run_layers(n_layers, attention, stream=stream, dtype=dtype,
                                      device=device, shapes=shapes)
    loss.backward()
    ref_inputs = [tuple(x.double() for x in layer) for layer in inputs]
    ref_loss, ref_leaves, _ = run_layers(n_layers, reference_attention, window=window,
                                         dtype=torch.float64, device=device, shapes=shapes,
                                         inputs=ref_inputs)
    ref_loss.backward()
    if dtype == torch.float64:
        assert abs(float(loss) - float(ref_loss)) <= tolerance * max(1.0, abs(float(ref_loss)))
    errors = [relative_error(a.grad, e.grad) for a, e in zip(leaves, ref_leaves)]
    assert max(errors) <= tolerance, errors
    return stream, errors


# -- CPU, float64, the reference attention ------------------------------------

@pytest.mark.parametrize("n_layers,capacity,window", [
    (5, 5, None),     # exactly full
    (4, 9, None),     # capacity to spare: entries() is a strided view
    (7, 7, 3),        # window: the most recent 3, no shift needed
    (9, 4, 4),        # window = capacity: a shift (into a new buffer) every append
    (11, 6, 3),       # a shift every 4 appends
    (6, 2, 1),        # window of one
])
def test_stream_gradients_match_restacking(n_layers, capacity, window):
    stream, _ = compare(n_layers, capacity, window)
    assert stream.num_appended == n_layers
    assert len(stream) == (min(n_layers, window) if window else n_layers)


def test_entries_is_a_view_of_the_buffer():
    stream = moda.DepthStream(B, T, 6, HK, D, dtype=torch.float64)
    for _ in range(3):
        stream.append(torch.randn(B, T, HK, D, dtype=torch.float64),
                      torch.randn(B, T, HK, D, dtype=torch.float64))
    depth_k, depth_v = stream.entries()
    assert depth_k.shape == (B, T, 3, HK, D)
    assert depth_k.data_ptr() == stream.k_buffer.data_ptr()
    assert depth_k.stride() == stream.k_buffer.stride()   # strided: capacity 6 > 3
    assert not depth_k.is_contiguous()


def test_window_presents_the_most_recent_entries_oldest_first():
    stream = moda.DepthStream(1, 2, 5, 1, 4, dtype=torch.float64, window=3)
    appended = []
    for n in range(12):
        k = torch.full((1, 2, 1, 4), float(n), dtype=torch.float64)
        stream.append(k, -k)
        appended.append(n)
        depth_k, depth_v = stream.entries()
        expected = appended[-3:]
        assert depth_k[0, 0, :, 0, 0].tolist() == expected
        assert depth_v[0, 0, :, 0, 0].tolist() == [-x for x in expected]
    # capacity 5, window 3: a shift (copy of 2 entries) every 3 appends once full.
    assert stream.shifts == 3


def test_full_stream_without_window_refuses_more():
    stream = moda.DepthStream(1, 3, 2, 1, 4, dtype=torch.float64)
    x = torch.zeros(1, 3, 1, 4, dtype=torch.float64)
    stream.append(x, x)
    stream.append(x, x)
    with pytest.raises(moda.ModaError):
        stream.append(x, x)
    with pytest.raises(moda.ModaError):
        stream.append(torch.zeros(1, 3, 2, 4, dtype=torch.float64), x)


def test_gradient_twice_with_retain_graph():
    fresh_seed()
    stream = moda.DepthStream(B, T, 4, HK, D, dtype=torch.float64)
    loss, leaves, _ = run_layers(4, reference_attention, stream=stream)
    loss.backward(retain_graph=True)
    first = [t.grad.clone() for t in leaves]
    loss.backward()
    for a, t in zip(first, leaves):
        assert torch.allclose(2 * a, t.grad, rtol=1e-12, atol=1e-12)


def test_no_grad_stream_shifts_in_place():
    stream = moda.DepthStream(1, 2, 4, 1, 4, dtype=torch.float64, window=3)
    buffer = stream.k_buffer
    with torch.no_grad():
        for n in range(10):
            x = torch.full((1, 2, 1, 4), float(n), dtype=torch.float64)
            stream.append(x, x)
    assert stream.k_buffer is buffer      # no new buffer without autograd
    assert stream.entries()[0][0, 0, :, 0, 0].tolist() == [7.0, 8.0, 9.0]


def test_float32_stream_on_cpu():
    """A float32 stream (the reference attention upcasts) against float64
    re-stacking of the same values: MODA.md's fp32 tolerance."""
    compare(5, 8, 3, dtype=torch.float32, tolerance=TOLERANCE[torch.float32])


@pytest.mark.parametrize("backward", [True, False])
def test_a_dropped_stream_is_freed_without_the_garbage_collector(backward):
    """No reference cycle runs through the autograd graph: once the step's
    tensors go, the stream's buffers go (reference counting alone)."""
    import gc
    import weakref

    def step():
        stream = moda.DepthStream(B, T, 3, HK, D, dtype=torch.float64, window=2)
        loss, _, _ = run_layers(5, reference_attention, stream=stream)
        if backward:
            loss.backward()
        return weakref.ref(stream), weakref.ref(stream.k_buffer), stream.shifts

    gc.disable()
    try:
        stream_ref, buffer_ref, shifts = step()
        assert shifts > 0
        assert stream_ref() is None
        assert buffer_ref() is None
    finally:
        gc.enable()
