"""moda.DepthStream: the depth stream of a model in one preallocated buffer.

    stream = moda.DepthStream(B, T, capacity=2 * n_layers, heads_kv=Hk, head_dim=D,
                              dtype=torch.bfloat16, device="cuda")
    for layer in layers:
        q, k, v = layer.qkv(x)
        depth_k, depth_v = stream.entries()          # [B, T, L, Hk, D], a view
        x = x + layer.proj(moda.attention(q, k, v, depth_k, depth_v))
        stream.append(k, v)                          # written into slot L in place

Key and value buffers [B, T, capacity, Hk, D] are allocated once; append
copies the new entry into its slot; entries() returns a view of the filled
(visible) slots, oldest first: no re-stacking of the stream at every layer
(MODA.md section 4).

Autograd. A buffer that later appends write in place cannot simply be read
through ordinary views: the attention of layer l saves its depth view for
the backward pass, and the write of layer l+1 would bump the version
counter that view shares with the buffer (PyTorch then refuses to run the
backward). The stream therefore keeps the gradient routing itself:

- every append is an autograd node (_Append) whose output is a zero-size
  "token"; the next append and every entries() call take the current token
  as input, so in the backward pass all readers of an entry run before the
  node of the append that wrote it;
- entries() is an autograd node (_Entries) returning the buffer view; its
  backward adds the view's gradient into a gradient buffer laid out like
  the stream (float32 for bf16/f16 streams, else the stream's dtype);
- the backward of append j takes its slot(s) of that gradient buffer (the
  sum over every layer that read entry j) and returns them as the gradients
  of the k and v that were appended (cast to their dtypes), then zeroes the
  slot.

The nodes hold the stream's bookkeeping (_StreamState), not the
DepthStream, which holds the latest token: no reference cycle runs through
the graph, so a dropped stream is freed by reference counting.

Writes go through an alias of the buffer with its own version counter
(`.data`), so the views handed out keep their version; this is sound
because a slot that a live view covers is never overwritten while autograd
may still need it: without a window, every slot is written once; with a
window, the shift that makes room (below) writes into a fresh buffer while
the stream is recording autograd history, and reuses the buffer in place
only when it is not (no_grad, or nothing appended requires grad).

Window (MODA.md section 7, bounded depth; paper section 6.2): with
window=W a reader sees the min(n, W) most recent of the n entries appended
so far. While n <= capacity that is the view of slots [n - W, n) (nothing
moves). When the buffer is full, the next append first moves the W - 1 most
recent entries to slots [0, W - 1) (one copy of W - 1 slots, every
capacity - W + 1 appends; capacity = 2 W keeps it below one slot per
append) and writes the new entry after them. entries() thus always
presents the visible entries oldest first, exactly the order of a
re-stacked stream; MODA.md's ring (slot n mod S, no reordering) gives the
same softmax, since the softmax does not depend on the order of its
entries, but this layout keeps entries() one strided view whose order
matches the reference. Without a window, appending past capacity raises.

DepthStream runs in eager mode (it keeps Python state and writes in place);
moda.attention itself also runs under torch.compile and torch.export.
"""

from typing import Dict, List, Optional, Tuple

import torch

from .runtime import ModaError


class _Generation:
    """One pair of key/value buffers (a stream has a new one after a window
    shift while it records autograd history), the gradient accumulators of its slots, and which append each slot holds."""

    def __init__(self, shape, dtype, device):
        self.k = torch.empty(shape, dtype=dtype, device=device)
        self.v = torch.empty(shape, dtype=dtype, device=device)
        # Reads (the views entries() returns) and writes go through two
        # aliases with separate version counters (see the module docstring).
        self.k_read, self.v_read = self.k.data, self.v.data
        self.k_write, self.v_write = self.k.data, self.v.data
        self.owners: List[Optional[int]] = [None] * shape[2]
        self.grad_k: Optional[torch.Tensor] = None
        self.grad_v: Optional[torch.Tensor] = None

    def accumulate(self, lo, hi, d_k, d_v):
        if self.grad_k is None:
            # Half-precision streams accumulate in float32; float32 and
            # float64 streams in their own type.
            dtype = (torch.float32 if self.k.dtype in (torch.bfloat16, torch.float16)
                     else self.k.dtype)
            self.grad_k = torch.zeros(self.k.shape, dtype=dtype, device=self.k.device)
            self.grad_v = torch.zeros(self.v.shape, dtype=dtype, device=self.v.device)
        if d_k is not None:
            self.grad_k[:, :, lo:hi] += d_k
        if d_v is not None:
            self.grad_v[:, :, lo:hi] += d_v


class _Append(torch.autograd.Function):
    """Links append `index` into the graph: token_out depends on the previous
    token and on the appended k, v. Its backward returns, as the gradients of
    k and v, what every reader of the entry accumulated."""

    @staticmethod
    def forward(ctx, state, index, token, k, v):
        ctx.state, ctx.index = state, index
        ctx.dtypes = (k.dtype, v.dtype)
        ctx.has_token = token is not None
        return state.new_token()

    @staticmethod
    def backward(ctx, _d_token):
        d_k, d_v = ctx.state.take_grads(ctx.index)
        d_token = ctx.state.token_grad() if ctx.has_token else None
        if d_k is not None:
            d_k = d_k.to(ctx.dtypes[0])
            d_v = d_v.to(ctx.dtypes[1])
        return None, None, d_token, d_k, d_v


class _Entries(torch.autograd.Function):
    """Returns the view of slots [lo, hi) of a generation; its backward adds
    the view's gradient into the generation's gradient accumulators."""

    @staticmethod
    def forward(ctx, state, generation, lo, hi, token):
        ctx.state, ctx.generation, ctx.lo, ctx.hi = state, generation, lo, hi
        return generation.k_read[:, :, lo:hi], generation.v_read[:, :, lo:hi]

    @staticmethod
    def backward(ctx, d_k, d_v):
        ctx.generation.accumulate(ctx.lo, ctx.hi, d_k, d_v)
        return None, None, None, None, ctx.state.token_grad()


class _StreamState:
    """What the backward pass needs of a stream: where each appended entry
    lives (its generation(s) and slot(s)). The autograd nodes hold this, not
    the DepthStream, which holds the latest token: no reference cycle runs
    through the graph, so a stream and its buffers are freed like any
    tensor once the user and the graph drop them."""

    def __init__(self, dtype, device):
        self.dtype, self.device = dtype, device
        self.places: Dict[int, List[Tuple[_Generation, int]]] = {}

    def new_token(self) -> torch.Tensor:
        return torch.empty((0,), dtype=self.dtype, device=self.device)

    def token_grad(self) -> torch.Tensor:
        # A defined (zero-size) gradient, so that the engine runs the
        # previous append's backward whatever it does with undefined ones.
        return torch.zeros((0,), dtype=self.dtype, device=self.device)

    def take_grads(self, index: int):
        """The accumulated gradient of entry `index` (summed over its places),
        its slots zeroed; (None, None) if no reader contributed."""
        d_k = d_v = None
        for generation, slot in self.places.get(index, ()):
            if generation.grad_k is None:
                continue
            gk = generation.grad_k[:, :, slot]
            gv = generation.grad_v[:, :, slot]
            d_k = gk.clone() if d_k is None else d_k + gk
            d_v = gv.clone() if d_v is None else d_v + gv
            gk.zero_()
            gv.zero_()
        return d_k, d_v


class DepthStream:
    """Key and value buffers [batch, seq, capacity, heads_kv, head_dim],
    allocated once. append(k, v) writes the next entry ([batch, seq,
    heads_kv, head_dim] each) in place; entries() returns (depth_k, depth_v),
    views [batch, seq, L, heads_kv, head_dim] of the visible entries, oldest
    first (strided when L < capacity). window=None: every entry is visible
    and at most `capacity` can be appended; window=W (<= capacity): the W
    most recent entries are visible and appends never run out of room.
    Gradients reach every appended k and v (see the module docstring)."""

    def __init__(self, batch: int, seq: int, capacity: int, heads_kv: int, head_dim: int,
                 dtype: torch.dtype = torch.bfloat16, device=None,
                 window: Optional[int] = None):
        if capacity <= 0:
            raise ModaError("MODA_ERROR_INVALID_ARGUMENT", "capacity must be positive")
        if window is not None and not 0 < window <= capacity:
            raise ModaError("MODA_ERROR_INVALID_ARGUMENT",
                            f"window {window} must be in [1, capacity = {capacity}]")
        self.batch, self.seq, self.capacity = batch, seq, capacity
        self.heads_kv, self.head_dim = heads_kv, head_dim
        self.dtype = dtype
        self.device = torch.device(device) if device is not None else torch.device("cpu")
        self.window = window
        self._shape = (batch, seq, capacity, heads_kv, head_dim)
        self._generation = _Generation(self._shape, dtype, self.device)
        # "cuda" becomes "cuda:<current device>": what tensors report.
        self.device = self._generation.k.device
        self._stored = 0      # slots [0, _stored) of the current generation hold entries
        self._count = 0       # entries appended so far
        self._token: Optional[torch.Tensor] = None
        # Where each appended entry lives: (generation, slot) pairs (more
        # than one after a window shift into a new generation).
        self._state = _StreamState(dtype, self.device)
        self.shifts = 0       # window shifts so far (copies of window - 1 slots)

    # -- the public interface ---------------------------------------------

    @property
    def k_buffer(self) -> torch.Tensor:
        """The current key buffer [B, T, capacity, Hk, D] (read only)."""
        return self._generation.k_read

    @property
    def v_buffer(self) -> torch.Tensor:
        return self._generation.v_read

    @property
    def num_appended(self) -> int:
        return self._count

    def __len__(self) -> int:
        """The number of visible entries, L of the next entries()."""
        hi = self._stored
        return hi - self._visible_lo(hi)

    def append(self, k: torch.Tensor, v: torch.Tensor) -> None:
        """Writes (k, v), each [batch, seq, heads_kv, head_dim], as the newest
        entry (cast to the stream's dtype)."""
        want = (self.batch, self.seq, self.heads_kv, self.head_dim)
        if tuple(k.shape) != want or tuple(v.shape) != want:
            raise ModaError("MODA_ERROR_SHAPE",
                            f"append takes k, v of shape {list(want)}; got "
                            f"{list(k.shape)}, {list(v.shape)}")
        if k.device != self.device or v.device != self.device:
            raise ModaError("MODA_ERROR_INVALID_ARGUMENT",
                            f"append: k, v on {k.device}, {v.device}; the stream is on "
                            f"{self.device}")
        tracking = torch.is_grad_enabled() and (
            k.requires_grad or v.requires_grad
            or (self._token is not None and self._token.requires_grad))
        if self._stored == self.capacity:
            if self.window is None:
                raise ModaError("MODA_ERROR_INVALID_ARGUMENT",
                                f"the depth stream is full ({self.capacity} entries); "
                                "make it larger or give it a window")
            self._shift(fresh=tracking or self._token is not None)
        generation, slot = self._generation, self._stored
        with torch.no_grad():
            generation.k_write[:, :, slot].copy_(k)
            generation.v_write[:, :, slot].copy_(v)
        index = self._count
        generation.owners[slot] = index
        self._state.places[index] = [(generation, slot)]
        self._stored += 1
        self._count += 1
        if tracking:
            self._token = _Append.apply(self._state, index, self._token, k, v)

    def entries(self) -> Tuple[torch.Tensor, torch.Tensor]:
        """(depth_k, depth_v): views [batch, seq, L, heads_kv, head_dim] of the
        L visible entries, oldest first. With autograd on, their gradients
        reach the appended k and v."""
        hi = self._stored
        lo = self._visible_lo(hi)
        generation = self._generation
        if (self._token is not None and self._token.requires_grad
                and torch.is_grad_enabled()):
            return _Entries.apply(self._state, generation, lo, hi, self._token)
        return generation.k_read[:, :, lo:hi], generation.v_read[:, :, lo:hi]

    # -- internals --------------------------------------------------------

    def _visible_lo(self, hi: int) -> int:
        return max(0, hi - self.window) if self.window is not None else 0

    def _shift(self, fresh: bool) -> None:
        """Makes room in a full buffer: the window - 1 most recent entries
        move to slots [0, window - 1), into a new generation when `fresh`
        (autograd may still read the old one), else in place."""
        old = self._generation
        keep = self.window - 1
        new = _Generation(self._shape, self.dtype, self.device) if fresh else old
        start = self.capacity - keep
        with torch.no_grad():
            if keep > 0:
                src_k = old.k_write[:, :, start:]
                src_v = old.v_write[:, :, start:]
                if new is old and keep > start:   # overlapping ranges
                    src_k, src_v = src_k.clone(), src_v.clone()
                new.k_write[:, :, :keep].copy_(src_k)
                new.v_write[:, :, :keep].copy_(src_v)
        moved = old.owners[start:]
        new.owners = moved + [None] * (self.capacity - keep)
        for slot, index in enumerate(moved):
            if index is None:
                continue
            if fresh:
                self._state.places[index].append((new, slot))
            else:
                self._state.places[index] = [(new, slot)]
        self._generation = new
        self._stored = keep
        self.shifts += 1
