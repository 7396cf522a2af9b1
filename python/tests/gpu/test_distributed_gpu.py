"""A model using moda.attention under DDP and FSDP2 (fully_shard), one
process (world size 1, NCCL, a file:// rendezvous): the training step's
output and every parameter gradient against a float64 twin of the model."""

import pytest
import torch
import torch.distributed as dist

import moda

from moda_models import TinyModa, compare_model, reference_copy
from moda_torch_helpers import TOLERANCE, fresh_seed

TOL = TOLERANCE[torch.float32]


@pytest.fixture(scope="module")
def process_group(tmp_path_factory):
    store = tmp_path_factory.mktemp("dist") / "store"
    torch.cuda.set_device(0)
    dist.init_process_group("nccl", init_method=f"file://{store}", rank=0, world_size=1)
    yield
    dist.destroy_process_group()


def test_ddp(process_group):
    from torch.nn.parallel import DistributedDataParallel
    fresh_seed()
    model = TinyModa(moda.attention, layers=2)
    twin = reference_copy(model)
    ddp = DistributedDataParallel(model, device_ids=[0])
    x = torch.randn(2, 81, 128, device="cuda")
    target = torch.randn(2, 81, 128, device="cuda")
    compare_model(model, twin, x, target, TOL, run=ddp)


def test_fsdp2(process_group):
    from torch.distributed.fsdp import fully_shard
    fresh_seed()
    model = TinyModa(moda.attention, layers=2)
    twin = reference_copy(model)
    for block in (*model.qkv, *model.out, *model.mlp):
        fully_shard(block)
    fully_shard(model)
    x = torch.randn(2, 81, 128, device="cuda")
    target = torch.randn(2, 81, 128, device="cuda")
    compare_model(model, twin, x, target, TOL)
    # An optimizer step on the sharded parameters runs.
    optimizer = torch.optim.SGD(model.parameters(), lr=1e-3)
    optimizer.step()
    model(x).sum().backward()
