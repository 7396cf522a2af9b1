"""A MoDA kernel variant: what one pair of compiled kernels (forward and
backward) is specialized on.

moda-compile specializes a kernel on the element type, the head counts Hq
and Hk, the head size D, causal, the depth visibility (with its chunk size),
the softmax scale, whether its operands are views (`strided`: the tile
programs' kernels that read each operand through strides, docs/artifacts.md)
and whether they hold packed sequences (`packed`: token-major tensors and
int32 offsets cu_seqlens, MODA.md section 7; such kernels take dense
tensors only); the sizes B, T, S, L (and N, the tokens) stay dynamic (one
kernel serves every batch, sequence length and depth), so they are not part
of a variant.

A decoding variant (`decode_batch` B and `decode_queries` T set: T new
tokens of B sequences against a KV cache, MODA.md section 7) is a forward
alone with B and T static and S, L dynamic: the configuration pass then
gives it the decode tiles and, when its B * Hk blocks leave the GPU's
multiprocessors idle, split-KV (docs/architecture.md, stage 3), which needs
B and T at compile time. Such a kernel serves every step of a generation.
A paged decoding variant (`page_size` and `pages_per_entry` set) reads its
keys and values from a paged KV cache (a pool of pages and a block table of
`pages_per_entry` pages per sequence, MODA.md section 7), for any T.
"""

import json
import math
import struct
from dataclasses import asdict, dataclass
from typing import Any, Dict, Optional

from .runtime import ELEMENT_TYPES, VISIBILITIES, ModaError, ModaValueError

# Accepted spellings of the element types (torch names included, so that a
# variants file can say "bfloat16").
DTYPE_ALIASES = {
    "bf16": "bf16", "bfloat16": "bf16", "torch.bfloat16": "bf16",
    "f16": "f16", "fp16": "f16", "float16": "f16", "half": "f16", "torch.float16": "f16",
    "f32": "f32", "fp32": "f32", "float32": "f32", "float": "f32", "torch.float32": "f32",
}


# A paged cache's pages hold whole key tiles of the smallest the
# configuration space has (moda-select-kernel-config picks tiles that divide
# the page size).
PAGE_SIZE_MULTIPLE = 32


def chunk_size_of(visibility: str, chunk_size) -> int:
    """The chunk size a kernel takes: positive with chunk visibility, 0
    otherwise; raises ModaValueError (a ModaError) on any other
    combination."""
    if visibility == "chunk":
        if chunk_size is None or int(chunk_size) <= 0:
            raise ModaValueError("MODA_ERROR_INVALID_ARGUMENT",
                                 "chunk visibility needs a positive chunk_size")
        return int(chunk_size)
    if chunk_size not in (None, 0):
        raise ModaValueError("MODA_ERROR_INVALID_ARGUMENT",
                             f"chunk_size is only for chunk visibility, not {visibility}")
    return 0


def to_f32(value: float) -> float:
    """`value` rounded to the nearest f32 (the type of the IR's scale)."""
    return struct.unpack("<f", struct.pack("<f", float(value)))[0]


def f32_bits(value: float) -> str:
    return struct.pack(">f", float(value)).hex()


@dataclass(frozen=True)
class Variant:
    """The static part of a MoDA problem. `scale` is None for the default
    1/sqrt(D) (the IR then carries no scale attribute) or a float rounded to
    f32; `chunk_size` is 0 unless visibility is "chunk"; `strided` kernels
    take their operands as views (moda.operands); `packed` kernels take
    packed sequences (q [N, Hq, D], lse [Hq, N], cu_seqlens, and T =
    max_seqlen at launch), never as views. `decode_batch` and
    `decode_queries` (both 0, or both positive) make a decoding variant: a
    forward alone for B = decode_batch, T = decode_queries (module
    docstring); `page_size` and `pages_per_entry` (both 0, or both positive,
    decoding only) make it read a paged KV cache."""

    dtype: str
    num_query_heads: int
    num_kv_heads: int
    head_dim: int
    visibility: str = "per_position"
    causal: bool = True
    chunk_size: int = 0
    scale: Optional[float] = None
    strided: bool = False
    packed: bool = False
    decode_batch: int = 0
    decode_queries: int = 0
    page_size: int = 0
    pages_per_entry: int = 0

    @staticmethod
    def make(dtype, num_query_heads, num_kv_heads, head_dim, *,
             visibility="per_position", causal=True, chunk_size=None,
             scale=None, strided=False, packed=False, decode_batch=0,
             decode_queries=0, page_size=0, pages_per_entry=0) -> "Variant":
        """Checks and normalizes the fields (dtype spelling, scale rounded to
        f32, chunk_size 0 without chunk visibility); raises ModaError."""
        name = DTYPE_ALIASES.get(str(dtype))
        if name is None:
            raise ModaError("MODA_ERROR_DTYPE",
                            f"dtype {dtype!r}: moda takes bf16, f16 or f32")
        if visibility not in VISIBILITIES:
            raise ModaError("MODA_ERROR_INVALID_ARGUMENT",
                            f"visibility {visibility!r}: one of {VISIBILITIES}")
        hq, hk, d = int(num_query_heads), int(num_kv_heads), int(head_dim)
        if hq <= 0 or hk <= 0 or d <= 0 or hq % hk:
            raise ModaError("MODA_ERROR_SHAPE",
                            f"heads Hq={hq}, Hk={hk}, D={d}: Hq must be a positive "
                            "multiple of Hk and D positive")
        chunk = chunk_size_of(visibility, chunk_size)
        if scale is not None:
            scale = to_f32(scale)
            if not math.isfinite(scale) or scale <= 0:
                raise ModaError("MODA_ERROR_INVALID_ARGUMENT",
                                f"scale {scale!r} must be finite and positive")
        if packed and strided:
            raise ModaError("MODA_ERROR_INVALID_ARGUMENT",
                            "packed kernels take contiguous tensors: a variant is "
                            "packed or strided, not both")
        batch, queries = int(decode_batch), int(decode_queries)
        if batch < 0 or queries < 0 or (batch == 0) != (queries == 0):
            raise ModaError("MODA_ERROR_INVALID_ARGUMENT",
                            f"decode_batch {batch}, decode_queries {queries}: both 0 "
                            "(a training variant) or both positive (decoding)")
        if batch and (packed or visibility == "depth_only"):
            raise ModaError("MODA_ERROR_INVALID_ARGUMENT",
                            "a decoding variant reads a KV cache: padded sequences "
                            "with sequence keys, not packed or depth_only")
        page, width = int(page_size), int(pages_per_entry)
        if page < 0 or width < 0 or (page == 0) != (width == 0):
            raise ModaError("MODA_ERROR_INVALID_ARGUMENT",
                            f"page_size {page}, pages_per_entry {width}: both 0 (keys "
                            "in one buffer) or both positive (a paged KV cache)")
        if page and not batch:
            raise ModaError("MODA_ERROR_INVALID_ARGUMENT",
                            "a paged KV cache is read by decoding variants only: set "
                            "decode_batch and decode_queries")
        if page and (page % PAGE_SIZE_MULTIPLE or visibility != "per_position"):
            raise ModaError("MODA_ERROR_INVALID_ARGUMENT",
                            f"page_size {page}: a paged KV cache needs pages of a multiple "
                            f"of {PAGE_SIZE_MULTIPLE} keys and per_position visibility")
        return Variant(name, hq, hk, d, visibility, bool(causal), chunk, scale,
                       bool(strided), bool(packed), batch, queries, page, width)

    @property
    def is_decoding(self) -> bool:
        return self.decode_batch > 0

    @property
    def is_paged(self) -> bool:
        return self.page_size > 0

    @property
    def name(self) -> str:
        """A readable, unique file name: e.g.
        per_position_bf16_hq8_hk2_d64_causal, chunk_f16_hq4_hk4_d128_full_c64,
        ..._s3e000000 for an explicit scale (its f32 bits), ..._views for
        strided kernels, ..._packed for packed sequences, ..._decode_b4_t1
        for decoding B = 4 sequences a token at a time, ..._paged64x32 from
        a paged cache of 32 pages of 64 keys per sequence."""
        parts = [self.visibility, self.dtype, f"hq{self.num_query_heads}",
                 f"hk{self.num_kv_heads}", f"d{self.head_dim}",
                 "causal" if self.causal else "full"]
        if self.visibility == "chunk":
            parts.append(f"c{self.chunk_size}")
        if self.scale is not None:
            parts.append("s" + f32_bits(self.scale))
        if self.strided:
            parts.append("views")
        if self.packed:
            parts.append("packed")
        if self.is_decoding:
            parts.append(f"decode_b{self.decode_batch}_t{self.decode_queries}")
        if self.is_paged:
            parts.append(f"paged{self.page_size}x{self.pages_per_entry}")
        return "_".join(parts)

    @property
    def effective_scale(self) -> float:
        return self.scale if self.scale is not None else self.head_dim ** -0.5

    def ir_shape(self) -> Dict[str, Any]:
        """The dict moda.ir's module writers take."""
        return {"dtype": self.dtype, "Hq": self.num_query_heads,
                "Hk": self.num_kv_heads, "D": self.head_dim,
                "causal": self.causal, "visibility": self.visibility,
                "chunk": self.chunk_size, "scale": self.scale}

    def module(self, target: str = "sm_90a") -> str:
        """The IR moda-compile turns into this variant's kernels: its
        training module, or a decoding variant's forward alone."""
        if not self.is_decoding:
            return self.training_module(target)
        from .ir import attention_module
        return attention_module(self.ir_shape(), target=target, strided=self.strided,
                                decode=(self.decode_batch, self.decode_queries),
                                paged=((self.page_size, self.pages_per_entry)
                                       if self.is_paged else None))

    def training_module(self, target: str = "sm_90a") -> str:
        """The IR moda-compile turns into this variant's forward
        (moda_attention_0) and backward (moda_attention_grad_0) kernels, with
        every size dynamic (packed: over packed sequences)."""
        from .ir import training_module
        return training_module(self.ir_shape(), target=target,
                               strided=self.strided, packed=self.packed)

    def to_json(self) -> Dict[str, Any]:
        """The fields; a variant without a paged cache leaves its page
        fields out (so that its cache key is the one it had before they
        existed)."""
        fields = asdict(self)
        if not self.is_paged:
            del fields["page_size"], fields["pages_per_entry"]
        return fields

    @staticmethod
    def from_json(entry: Dict[str, Any]) -> "Variant":
        """From a dict with the field names of Variant; also accepts the
        short names of moda.ir (Hq, Hk, D, chunk)."""
        aliases = {"Hq": "num_query_heads", "Hk": "num_kv_heads", "D": "head_dim",
                   "chunk": "chunk_size"}
        fields = {aliases.get(k, k): v for k, v in entry.items()}
        known = {"dtype", "num_query_heads", "num_kv_heads", "head_dim",
                 "visibility", "causal", "chunk_size", "scale", "strided", "packed",
                 "decode_batch", "decode_queries", "page_size", "pages_per_entry"}
        unknown = set(fields) - known
        if unknown:
            raise ModaError("MODA_ERROR_INVALID_ARGUMENT",
                            f"unknown variant fields {sorted(unknown)} in {entry}")
        missing = {"dtype", "num_query_heads", "num_kv_heads", "head_dim"} - set(fields)
        if missing:
            raise ModaError("MODA_ERROR_INVALID_ARGUMENT",
                            f"variant {entry} lacks {sorted(missing)}")
        return Variant.make(fields.pop("dtype"), fields.pop("num_query_heads"),
                            fields.pop("num_kv_heads"), fields.pop("head_dim"),
                            **fields)

    def key_text(self) -> str:
        """Canonical JSON of the variant (part of the cache key)."""
        return json.dumps(self.to_json(), sort_keys=True)


def chip_for_capability(major: int, minor: int) -> str:
    """The moda-compile --chip for a compute capability: the
    architecture-specific target ("a") where moda uses its features (sm_90a:
    wgmma), else sm_XY."""
    if (major, minor) == (9, 0):
        return "sm_90a"
    return f"sm_{major}{minor}"


assert set(DTYPE_ALIASES.values()) == set(ELEMENT_TYPES)
