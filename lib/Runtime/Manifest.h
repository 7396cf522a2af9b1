//===- Manifest.h - the kernel manifest of docs/artifacts.md --------------===//
//
// Reading a manifest checks everything a launch later relies on: required
// fields and their types, the tensor set of the variant, each tensor's layout
// against the head counts, the parameter list and the grid formula. A launch
// then only compares the caller's tensors with this description.
//
//===----------------------------------------------------------------------===//

#ifndef MODA_LIB_RUNTIME_MANIFEST_H
#define MODA_LIB_RUNTIME_MANIFEST_H

#include "Error.h"

#include <array>
#include <cstdint>
#include <string>
#include <vector>

namespace moda::runtime {

/// A dimension of a manifest shape: a static extent or a size symbol plus
/// `addend` (cu_seqlens holds B + 1 offsets).
struct Dimension {
  int symbol = -1; // a moda_symbol, or -1 when static
  int64_t extent = 0;
  const char *label = ""; // its name in the layout: "B", "Hq", "D", ...
  int64_t addend = 0;

  bool isSymbolic() const { return symbol >= 0; }
};

struct TensorSpec {
  std::string name;
  moda_role role = MODA_ROLE_INPUT;
  moda_dtype dtype = MODA_F32;
  std::vector<Dimension> shape;
  /// The kernels take it as a view: its strides (all but the innermost,
  /// which must be 1) are kernel parameters.
  bool strided = false;
};

struct KernelParameter {
  enum class Kind { Buffer, Size, Stride } kind = Kind::Buffer;
  int tensorIndex = -1; // Buffer, Stride: index into Manifest::tensors
  int symbol = -1;      // Size: a moda_symbol
  int dim = -1;         // Stride: the dimension
};

/// One grid dimension: `constant`, or
/// ceil(size[symbol] [* size[times]] * multiplier / divisor).
struct GridDimension {
  int symbol = -1; // -1: constant
  int times = -1;  // a second size symbol multiplied in, or -1
  int64_t constant = 0;
  int64_t multiplier = 1;
  int64_t divisor = 1;
};

/// One kernel of an operator's launch sequence.
struct Launch {
  std::string entry;
  std::array<GridDimension, 3> grid;
  std::array<unsigned, 3> block{{0, 0, 0}};
  unsigned dynamicSharedMemory = 0;
  /// The gradients the kernel writes (a backward's launches; "writes").
  std::vector<std::string> writes;
};

struct Manifest {
  /// The manifest's folder: "ptx" and "cubin" are paths inside it.
  std::string directory;
  std::string entry;
  std::string ptxFile;
  std::string cubinFile; // empty when absent
  std::string target;
  /// "attention" or "attention_grad" (docs/artifacts.md).
  std::string op = "attention";
  bool isGrad() const { return op == "attention_grad"; }
  /// The tensors hold packed sequences ("packed": true): no batch
  /// dimension, N tokens, the offsets in tensor cu_seqlens, and T (the
  /// longest sequence's length) given by the caller.
  bool packed = false;
  /// A paged KV cache ("page_size" and "pages_per_entry", 0 when absent):
  /// k and v are a pool of N pages of page_size keys, tensor block_table
  /// gives each batch entry's pages_per_entry pages, and S (the keys each
  /// entry has cached, at most pages_per_entry * page_size) is given by
  /// the caller.
  int64_t pageSize = 0, pagesPerEntry = 0;
  bool paged() const { return pageSize > 0; }
  /// "tile" (the tile programs, what moda compiles; manifests name no
  /// lowering) or "kernel" (the block builders, which moda compiled until
  /// they were removed: their artifacts still load, and their backward's dkv
  /// and d_depth grids differ).
  std::string lowering = "tile";
  moda_dtype elementType = MODA_F32;
  bool causal = false;
  moda_visibility visibility = MODA_VISIBILITY_PER_POSITION;
  int64_t chunkSize = 0;
  double scale = 0.0;
  int64_t numQueryHeads = 0, numKvHeads = 0, headDim = 0;
  int64_t blockM = 0, blockN = 0, blockDepth = 0, numWarps = 0, numStages = 0;
  /// Blocks sharing a block of query rows' keys ("kv_splits", 1 when
  /// absent): above 1 the forward runs a split and a merge kernel over the
  /// scratch partial_out and partial_lse.
  int64_t kvSplits = 1;
  bool splitsKeys() const { return kvSplits > 1; }
  std::string mma;
  std::vector<TensorSpec> tensors;
  /// The value the manifest fixes for each moda_symbol, -1 when dynamic.
  std::array<int64_t, MODA_NUM_SYMBOLS> fixedSizes{{-1, -1, -1, -1, -1}};
  std::vector<KernelParameter> parameters;
  std::array<GridDimension, 3> grid;
  std::array<unsigned, 3> block{{0, 0, 0}};
  unsigned dynamicSharedMemory = 0;
  /// The kernels a call runs, in order. For attention without split-KV,
  /// one: the fields above (entry, grid, block, dynamic_shared_memory);
  /// otherwise the manifest's "launches" (and the fields above are the
  /// first's).
  std::vector<Launch> launches;

  /// Index of the tensor named `name`, or -1.
  int findTensor(const std::string &name) const;
};

/// "B", "T", "S", "L", "N".
const char *symbolName(int symbol);
/// "bf16", "f16", "f32", "i32", or "unknown".
const char *dtypeName(int dtype);

/// Parses manifest text. `directory` is recorded for the artifact paths.
Error parseManifest(const std::string &text, const std::string &directory,
                    Manifest &manifest);

/// Reads and parses the manifest file at `path`.
Error readManifest(const std::string &path, Manifest &manifest);

/// The file a manifest's "ptx" or "cubin" names: `file` relative to the
/// manifest's folder, with every symbolic link resolved. A path that
/// resolves outside that folder is MODA_ERROR_MANIFEST; one that does not
/// exist, MODA_ERROR_IO.
Error resolveArtifactPath(const Manifest &manifest, const std::string &file,
                          std::string &resolved);

/// The most bytes the runtime reads from a manifest (a real one has a few
/// KiB) and from a PTX or cubin file (a few MiB): a bigger file is refused
/// before it is read, so that a wrong path cannot exhaust memory.
constexpr size_t kMaxManifestBytes = size_t(1) << 20;
constexpr size_t kMaxModuleBytes = size_t(256) << 20;

/// Reads the whole regular file at `path` (binary). Anything else (a
/// device such as /dev/zero, a FIFO, a directory) and a file of more than
/// `maxBytes` bytes are MODA_ERROR_IO; `what` ("manifest", "PTX", "cubin")
/// names the kind of file in that message.
Error readFile(const std::string &path, size_t maxBytes, const char *what,
               std::string &contents);

} // namespace moda::runtime

#endif // MODA_LIB_RUNTIME_MANIFEST_H
