"""moda.DepthStream feeding moda.attention on the GPU: the loss's gradients
of every layer's q, k, v (the appended k, v reach the stream) against float64
re-stacking with the reference attention (test_depth_stream.py's
comparison), MODA.md section 6's tolerances."""

import pytest
import torch

import moda

from moda_torch_helpers import TOLERANCE
from test_depth_stream import compare


# float16 (tolerance 1e-3, kernel errors about 2.5e-4) leaves room for the
# roundings of the gradient sums; float32 checks the fma kernels at 1e-5.
@pytest.mark.parametrize("n_layers,capacity,window,dtype", [
    (4, 4, None, torch.float16), (5, 8, None, torch.float16), (9, 6, 3, torch.float16),
    (7, 3, 3, torch.float16), (6, 4, 2, torch.float32)])
def test_stream_with_the_operator_on_gpu(n_layers, capacity, window, dtype):
    compare(n_layers, capacity, window, attention=moda.attention, dtype=dtype,
            device="cuda", tolerance=TOLERANCE[dtype], shapes=(2, 133, 8, 2, 64))
