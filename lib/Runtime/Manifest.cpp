//===- Manifest.cpp - read and check a kernel manifest --------------------===//

#include "Manifest.h"

#include "Json.h"

#include <algorithm>
#include <cerrno>
#include <climits>
#include <cstdarg>
#include <cstdio>
#include <cstdlib>
#include <cstring>

#include <optional>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

namespace moda::runtime {

const char *symbolName(int symbol) {
  static const char *const names[MODA_NUM_SYMBOLS] = {"B", "T", "S", "L",
                                                       "N"};
  return symbol >= 0 && symbol < MODA_NUM_SYMBOLS ? names[symbol] : "?";
}

const char *dtypeName(int dtype) {
  switch (dtype) {
  case MODA_BF16:
    return "bf16";
  case MODA_F16:
    return "f16";
  case MODA_F32:
    return "f32";
  case MODA_I32:
    return "i32";
  default:
    return "unknown";
  }
}

int Manifest::findTensor(const std::string &name) const {
  for (size_t i = 0; i < tensors.size(); ++i)
    if (tensors[i].name == name)
      return static_cast<int>(i);
  return -1;
}

Error readFile(const std::string &path, size_t maxBytes, const char *what,
               std::string &contents) {
  contents.clear();
  // O_NONBLOCK: opening a FIFO must not wait for a writer; fstat then
  // refuses it like any other file that is not regular.
  int descriptor = open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NONBLOCK);
  if (descriptor < 0)
    return makeError(MODA_ERROR_IO, "cannot open '%s': %s", path.c_str(),
                     std::strerror(errno));
  struct FileCloser {
    int descriptor;
    ~FileCloser() { close(descriptor); }
  } closer{descriptor};
  struct stat status;
  if (fstat(descriptor, &status) != 0)
    return makeError(MODA_ERROR_IO, "cannot read '%s': %s", path.c_str(),
                     std::strerror(errno));
  if (!S_ISREG(status.st_mode))
    return makeError(MODA_ERROR_IO, "cannot read '%s': not a regular file",
                     path.c_str());
  auto tooLarge = [&] {
    return makeError(MODA_ERROR_IO,
                     "cannot read '%s': larger than %zu bytes, the most a %s "
                     "may have",
                     path.c_str(), maxBytes, what);
  };
  if (static_cast<unsigned long long>(status.st_size) > maxBytes)
    return tooLarge();
  // The size may change between fstat and the reads (a file being
  // written): the reads stop as soon as they pass the limit.
  contents.resize(static_cast<size_t>(status.st_size));
  size_t length = 0;
  char buffer[1 << 16];
  while (true) {
    ssize_t count = read(descriptor, buffer, sizeof buffer);
    if (count < 0 && errno == EINTR)
      continue;
    if (count < 0)
      return makeError(MODA_ERROR_IO, "cannot read '%s': %s", path.c_str(),
                       std::strerror(errno));
    if (count == 0)
      break;
    if (static_cast<size_t>(count) > maxBytes - length)
      return tooLarge();
    if (length + static_cast<size_t>(count) > contents.size())
      contents.resize(length + static_cast<size_t>(count));
    std::memcpy(&contents[length], buffer, static_cast<size_t>(count));
    length += static_cast<size_t>(count);
  }
  contents.resize(length);
  return Error();
}

Error resolveArtifactPath(const Manifest &manifest, const std::string &file,
                          std::string &resolved) {
  char buffer[PATH_MAX];
  if (!realpath(manifest.directory.c_str(), buffer))
    return makeError(MODA_ERROR_IO, "cannot resolve the manifest's folder "
                                    "'%s': %s",
                     manifest.directory.c_str(), std::strerror(errno));
  std::string folder = buffer;
  std::string path = manifest.directory + "/" + file;
  if (!realpath(path.c_str(), buffer))
    return makeError(MODA_ERROR_IO, "cannot open '%s': %s", path.c_str(),
                     std::strerror(errno));
  resolved = buffer;
  std::string prefix = folder.back() == '/' ? folder : folder + "/";
  if (resolved.compare(0, prefix.size(), prefix) != 0)
    return makeError(MODA_ERROR_MANIFEST,
                     "'%s' resolves to '%s', outside the manifest's folder "
                     "'%s'",
                     path.c_str(), resolved.c_str(), folder.c_str());
  return Error();
}

namespace {

/// Records a manifest error unless one is already recorded: parsing goes on
/// after a failure (each step checks error.failed()), and the first message
/// is the one that explains the problem.
void failOnce(Error &error, const char *format, ...)
    __attribute__((format(printf, 2, 3)));

void failOnce(Error &error, const char *format, ...) {
  if (error.failed())
    return;
  char message[512];
  va_list arguments;
  va_start(arguments, format);
  std::vsnprintf(message, sizeof message, format, arguments);
  va_end(arguments);
  error = Error{MODA_ERROR_MANIFEST, message};
}

int parseSymbol(const std::string &text) {
  for (int symbol = 0; symbol < MODA_NUM_SYMBOLS; ++symbol)
    if (text == symbolName(symbol))
      return symbol;
  return -1;
}

bool parseDtype(const std::string &text, moda_dtype &dtype) {
  for (moda_dtype candidate : {MODA_BF16, MODA_F16, MODA_F32, MODA_I32}) {
    if (text == dtypeName(candidate)) {
      dtype = candidate;
      return true;
    }
  }
  return false;
}

/// The JSON types a manifest field can be required to have.
enum class JsonKind { Bool, Number, String, Array, Object };

bool hasKind(const Json &value, JsonKind kind) {
  switch (kind) {
  case JsonKind::Bool:
    return value.is_boolean();
  case JsonKind::Number:
    return value.is_number();
  case JsonKind::String:
    return value.is_string();
  case JsonKind::Array:
    return value.is_array();
  case JsonKind::Object:
    return value.is_object();
  }
  return false;
}

/// "a boolean", "an array", ...: the names nlohmann's type_name() gives.
const char *describeKind(JsonKind kind) {
  switch (kind) {
  case JsonKind::Bool:
    return "a boolean";
  case JsonKind::Number:
    return "a number";
  case JsonKind::String:
    return "a string";
  case JsonKind::Array:
    return "an array";
  case JsonKind::Object:
    return "an object";
  }
  return "unknown";
}

/// The member `key` of `object` (a JSON object), or nullptr.
const Json *findMember(const Json &object, const char *key) {
  auto found = object.find(key);
  return found == object.end() ? nullptr : &*found;
}

/// Reads typed fields of one JSON object; the first failure sticks and names
/// the field by its path (e.g. "config.num_warps").
class FieldReader {
public:
  FieldReader(const Json &object, std::string path, Error &error)
      : object(object), path(std::move(path)), error(error) {}

  bool has(const char *key) const { return findMember(object, key) != nullptr; }

  const Json *require(const char *key, JsonKind kind) {
    if (error.failed())
      return nullptr;
    const Json *value = findMember(object, key);
    if (!value) {
      failOnce(error, "missing required field \"%s\"", fieldPath(key).c_str());
      return nullptr;
    }
    if (!hasKind(*value, kind)) {
      failOnce(error, "field \"%s\" must be %s, not %s", fieldPath(key).c_str(),
               describeKind(kind), value->type_name());
      return nullptr;
    }
    return value;
  }

  void string(const char *key, std::string &out) {
    if (const Json *value = require(key, JsonKind::String))
      out = value->get_ref<const std::string &>();
  }

  void boolean(const char *key, bool &out) {
    if (const Json *value = require(key, JsonKind::Bool))
      out = value->get<bool>();
  }

  void integer(const char *key, int64_t &out, int64_t minimum,
               int64_t maximum = INT64_MAX) {
    if (const Json *value = require(key, JsonKind::Number))
      checkInteger(*value, fieldPath(key), out, minimum, maximum);
  }

  void number(const char *key, double &out) {
    if (const Json *value = require(key, JsonKind::Number))
      out = value->get<double>();
  }

  bool checkInteger(const Json &value, const std::string &where,
                    int64_t &out, int64_t minimum,
                    int64_t maximum = INT64_MAX) {
    if (error.failed())
      return false;
    int64_t integer;
    if (!getInt64(value, integer)) {
      failOnce(error, "field \"%s\" must be an integer", where.c_str());
      return false;
    }
    if (integer < minimum) {
      failOnce(error, "field \"%s\" must be >= %lld, not %lld", where.c_str(),
               static_cast<long long>(minimum),
               static_cast<long long>(integer));
      return false;
    }
    if (integer > maximum) {
      failOnce(error, "field \"%s\" must be <= %lld, not %lld", where.c_str(),
               static_cast<long long>(maximum),
               static_cast<long long>(integer));
      return false;
    }
    out = integer;
    return true;
  }

  std::string fieldPath(const std::string &key) const {
    return path.empty() ? key : path + "." + key;
  }

private:
  const Json &object;
  std::string path;
  Error &error;
};

class ManifestParser {
public:
  ManifestParser(Manifest &manifest, Error &error)
      : manifest(manifest), error(error) {}

  void parse(const Json &root) {
    if (!root.is_object()) {
      error = makeError(MODA_ERROR_MANIFEST, "the manifest must be a JSON "
                                             "object");
      return;
    }
    FieldReader fields(root, "", error);
    parseHeader(fields);
    parseVariant(fields);
    if (const Json *config = fields.require("config", JsonKind::Object))
      parseConfig(*config);
    if (const Json *sizes = fields.require("sizes", JsonKind::Object))
      parseSizes(*sizes);
    if (const Json *tensors = fields.require("tensors", JsonKind::Array))
      parseTensors(*tensors);
    if (!error.failed())
      checkTensorSet();
    if (const Json *params = fields.require("params", JsonKind::Array))
      parseParameters(*params);
    if (!manifest.isGrad() && !manifest.splitsKeys()) {
      // One kernel: its grid and block are top-level fields.
      Launch launch;
      launch.entry = manifest.entry;
      parseLaunchShape(fields, "", launch);
      manifest.launches.push_back(launch);
    } else if (const Json *launches =
                   fields.require("launches", JsonKind::Array)) {
      parseLaunches(*launches);
    }
    if (error.failed() || manifest.launches.empty())
      return;
    for (size_t i = 0; i < manifest.launches.size() && !error.failed(); ++i)
      checkGrid(manifest.launches[i],
                manifest.launches.size() > 1 ? formatString("launches[%zu].", i)
                                             : "");
    const Launch &first = manifest.launches.front();
    manifest.grid = first.grid;
    manifest.block = first.block;
    manifest.dynamicSharedMemory = first.dynamicSharedMemory;
  }

private:
  Manifest &manifest;
  Error &error;


  void parseHeader(FieldReader &fields) {
    std::string format, op;
    fields.string("format", format);
    if (!error.failed() && format != "moda-kernel/1")
      failOnce(error, "unsupported manifest format \"%s\" (this runtime reads "
           "\"moda-kernel/1\")",
           format.c_str());
    fields.string("op", op);
    if (!error.failed() && op != "attention" && op != "attention_grad")
      failOnce(error, "unsupported op \"%s\" (this runtime launches "
                      "\"attention\" and \"attention_grad\")",
           op.c_str());
    manifest.op = op;
    // Only manifests of the removed block builders ("kernel") and of the
    // tile programs before the builders' removal ("tile") name a lowering.
    if (fields.has("lowering")) {
      fields.string("lowering", manifest.lowering);
      if (!error.failed() && manifest.lowering != "kernel" &&
          manifest.lowering != "tile")
        failOnce(error, "unknown lowering \"%s\" (expected kernel or tile)",
                 manifest.lowering.c_str());
    }
    fields.string("kernel", manifest.entry);
    if (!error.failed() && manifest.entry.empty())
      failOnce(error, "field \"kernel\" must not be empty");
    fields.string("ptx", manifest.ptxFile);
    checkArtifactName("ptx", manifest.ptxFile);
    if (fields.has("cubin")) { // optional: absent when ptxas was not found
      fields.string("cubin", manifest.cubinFile);
      checkArtifactName("cubin", manifest.cubinFile);
    }
    fields.string("target", manifest.target);
  }

  /// The artifacts live next to the manifest (moda-compile writes bare
  /// file names): an absolute path or a ".." would let a manifest make the
  /// runtime read any file. (Symbolic links are resolved at load time, by
  /// resolveArtifactPath.)
  void checkArtifactName(const char *field, const std::string &file) {
    if (error.failed())
      return;
    bool escapes = file.empty() || file[0] == '/' ||
                   file.find('\0') != std::string::npos;
    for (size_t start = 0; !escapes && start <= file.size();) {
      size_t end = std::min(file.find('/', start), file.size());
      escapes = file.compare(start, end - start, "..") == 0;
      start = end + 1;
    }
    if (escapes)
      failOnce(error, "field \"%s\" must name a file inside the manifest's "
                      "folder (a relative path without \"..\"), not \"%s\"",
               field, file.c_str());
  }

  void parseVariant(FieldReader &fields) {
    std::string elementType, visibility;
    fields.string("element_type", elementType);
    if (!error.failed() && (!parseDtype(elementType, manifest.elementType) ||
                            manifest.elementType == MODA_I32))
      failOnce(error, "unknown element_type \"%s\" (expected bf16, f16 or f32)",
           elementType.c_str());
    fields.boolean("causal", manifest.causal);
    if (fields.has("packed")) // absent: not packed
      fields.boolean("packed", manifest.packed);
    // A paged KV cache (both absent: not paged). A page holds at most 2^20
    // keys, a batch entry at most 2^24 pages.
    if (fields.has("page_size") || fields.has("pages_per_entry")) {
      fields.integer("page_size", manifest.pageSize, 1, int64_t(1) << 20);
      fields.integer("pages_per_entry", manifest.pagesPerEntry, 1,
                     int64_t(1) << 24);
      if (!error.failed() && manifest.packed)
        failOnce(error, "a manifest cannot be both packed and paged "
                        "(page_size): packed sequences and a paged KV cache "
                        "are not supported together");
      if (!error.failed() && manifest.isGrad())
        failOnce(error, "an attention_grad manifest cannot be paged "
                        "(page_size): a paged KV cache serves the forward "
                        "only");
    }
    fields.string("visibility", visibility);
    if (!error.failed()) {
      if (visibility == "per_position")
        manifest.visibility = MODA_VISIBILITY_PER_POSITION;
      else if (visibility == "chunk")
        manifest.visibility = MODA_VISIBILITY_CHUNK;
      else if (visibility == "depth_only")
        manifest.visibility = MODA_VISIBILITY_DEPTH_ONLY;
      else
        failOnce(error, "unknown visibility \"%s\" (expected per_position, chunk or "
             "depth_only)",
             visibility.c_str());
    }
    // The causal mask is over sequence keys (docs/semantics.md); the
    // compiler's verifier rejects it without them, so such a manifest was
    // not written by moda-compile.
    if (!error.failed() && manifest.causal &&
        manifest.visibility == MODA_VISIBILITY_DEPTH_ONLY)
      failOnce(error, "causal needs sequence keys; a depth_only manifest "
                      "cannot be causal");
    fields.integer("chunk_size", manifest.chunkSize, 0);
    if (!error.failed() && manifest.visibility == MODA_VISIBILITY_CHUNK &&
        manifest.chunkSize < 1)
      failOnce(error, "chunk visibility needs chunk_size >= 1");
    fields.number("scale", manifest.scale);
    // The verifier's rule (MODA_MAX_SCALE): a scale outside it was not
    // written by moda-compile, and would make the logits inf or NaN.
    if (!error.failed() &&
        !(manifest.scale > 0 && manifest.scale <= MODA_MAX_SCALE))
      failOnce(error, "field \"scale\" must be in (0, %g], not %g",
               MODA_MAX_SCALE, manifest.scale);
    fields.integer("num_query_heads", manifest.numQueryHeads, 1);
    fields.integer("num_kv_heads", manifest.numKvHeads, 1);
    fields.integer("head_dim", manifest.headDim, 1);
    if (!error.failed() && manifest.numQueryHeads % manifest.numKvHeads != 0)
      failOnce(error, "num_query_heads (%lld) must be a multiple of num_kv_heads (%lld)",
           static_cast<long long>(manifest.numQueryHeads),
           static_cast<long long>(manifest.numKvHeads));
  }

  void parseConfig(const Json &config) {
    FieldReader fields(config, "config", error);
    fields.integer("block_m", manifest.blockM, 1);
    fields.integer("block_n", manifest.blockN, 1);
    fields.integer("block_depth", manifest.blockDepth, 0);
    // A block has at most 1024 threads.
    fields.integer("num_warps", manifest.numWarps, 1, 1024 / 32);
    fields.integer("num_stages", manifest.numStages, 1);
    fields.string("mma", manifest.mma);
    if (fields.has("kv_splits"))
      fields.integer("kv_splits", manifest.kvSplits, 1, 256);
    if (!error.failed() && manifest.isGrad() && manifest.splitsKeys())
      failOnce(error, "config.kv_splits is %lld but a backward does not "
                      "split keys (1)",
               static_cast<long long>(manifest.kvSplits));
  }

  void parseSizes(const Json &sizes) {
    FieldReader fields(sizes, "sizes", error);
    for (const auto &member : sizes.items())
      if (parseSymbol(member.key()) < 0 ||
          parseSymbol(member.key()) >= numSymbols())
        return failOnce(error, "unknown size symbol \"%s\" in sizes (expected B, T, S, "
                    "L%s)",
                    member.key().c_str(), numSymbols() > MODA_SYMBOL_N ? ", N" : "");
    for (int symbol = 0; symbol < numSymbols(); ++symbol) {
      const Json *value = findMember(sizes, symbolName(symbol));
      if (!value)
        return failOnce(error, "missing required field \"sizes.%s\"", symbolName(symbol));
      if (!value->is_null())
        fields.checkInteger(*value, fields.fieldPath(symbolName(symbol)),
                            manifest.fixedSizes[symbol], 0);
    }
  }

  /// The size symbols of the manifest's kernels: B, T, S, L and, packed
  /// or paged, N.
  int numSymbols() const {
    return manifest.packed || manifest.paged() ? MODA_NUM_SYMBOLS
                                               : MODA_SYMBOL_N;
  }

  /// The family of a tensor the ABI knows: what its layout follows.
  enum class Family {
    Query,
    Key,
    Depth,
    RowStatistics,
    Offsets,
    BlockTable,
    PartialQuery,
    PartialStatistics
  };
  std::optional<Family> familyOf(const std::string &name) const {
    bool grad = manifest.isGrad();
    if (!grad && manifest.splitsKeys() && name == "partial_out")
      return Family::PartialQuery;
    if (!grad && manifest.splitsKeys() && name == "partial_lse")
      return Family::PartialStatistics;
    if (name == "q" || name == "out" ||
        (grad && (name == "d_out" || name == "dq")))
      return Family::Query;
    if (name == "k" || name == "v" || (grad && (name == "dk" || name == "dv")))
      return Family::Key;
    if (name == "depth_k" || name == "depth_v" ||
        (grad && (name == "d_depth_k" || name == "d_depth_v")))
      return Family::Depth;
    if (name == "lse" || (grad && name == "delta"))
      return Family::RowStatistics;
    if (manifest.packed && name == "cu_seqlens")
      return Family::Offsets;
    if (!grad && manifest.paged() && name == "block_table")
      return Family::BlockTable;
    return std::nullopt;
  }

  /// The framework layout of each tensor the ABI knows (docs/artifacts.md):
  /// [B, T, ...], or, for packed sequences, the N tokens back to back
  /// without a batch dimension and the B + 1 offsets of the B sequences.
  bool expectedLayout(const std::string &name, std::vector<Dimension> &layout) {
    std::optional<Family> family = familyOf(name);
    if (!family)
      return false;
    Dimension B{MODA_SYMBOL_B, 0, "B"}, T{MODA_SYMBOL_T, 0, "T"},
        S{MODA_SYMBOL_S, 0, "S"}, L{MODA_SYMBOL_L, 0, "L"},
        N{MODA_SYMBOL_N, 0, "N"}, offsets{MODA_SYMBOL_B, 0, "B+1", 1};
    Dimension Hq{-1, manifest.numQueryHeads, "Hq"},
        Hk{-1, manifest.numKvHeads, "Hk"}, D{-1, manifest.headDim, "D"},
        splits{-1, manifest.kvSplits, "kv_splits"},
        pageSize{-1, manifest.pageSize, "page_size"},
        pagesPerEntry{-1, manifest.pagesPerEntry, "pages_per_entry"};
    bool packed = manifest.packed;
    switch (*family) {
    case Family::Query:
      layout = packed ? std::vector<Dimension>{N, Hq, D}
                      : std::vector<Dimension>{B, T, Hq, D};
      break;
    case Family::Key: // paged: a pool of N pages
      layout = packed             ? std::vector<Dimension>{N, Hk, D}
               : manifest.paged() ? std::vector<Dimension>{N, pageSize, Hk, D}
                                  : std::vector<Dimension>{B, S, Hk, D};
      break;
    case Family::Depth:
      layout = packed ? std::vector<Dimension>{N, L, Hk, D}
                      : std::vector<Dimension>{B, T, L, Hk, D};
      break;
    case Family::RowStatistics:
      layout = packed ? std::vector<Dimension>{Hq, N}
                      : std::vector<Dimension>{B, Hq, T};
      break;
    case Family::Offsets:
      layout = {offsets};
      break;
    case Family::BlockTable:
      layout = {B, pagesPerEntry};
      break;
    case Family::PartialQuery: // a share's out per split (not packed)
      layout = {splits, B, T, Hq, D};
      break;
    case Family::PartialStatistics:
      layout = {splits, B, Hq, T};
      break;
    }
    return true;
  }

  /// A static extent where the layout has a size symbol fixes that symbol;
  /// it is recorded as the symbol so that every later stage sees one form.
  void fixSymbol(int symbol, int64_t extent, const std::string &where) {
    int64_t &fixed = manifest.fixedSizes[symbol];
    if (fixed >= 0 && fixed != extent)
      return failOnce(error, "%s is %lld but sizes.%s is %lld", where.c_str(),
                  static_cast<long long>(extent), symbolName(symbol),
                  static_cast<long long>(fixed));
    fixed = extent;
  }

  void parseShape(const Json &shape, const std::vector<Dimension> &layout,
                  TensorSpec &tensor, const std::string &path) {
    if (shape.size() != layout.size())
      return failOnce(error, "%s.shape has rank %zu; tensor %s has rank %zu",
                  path.c_str(), shape.size(), tensor.name.c_str(),
                  layout.size());
    for (size_t i = 0; i < layout.size() && !error.failed(); ++i) {
      const Json &entry = shape[i];
      const Dimension &expected = layout[i];
      std::string where = formatString("%s.shape[%zu]", path.c_str(), i);
      int64_t extent = 0;
      if (entry.is_string()) {
        const std::string &name = entry.get_ref<const std::string &>();
        // A symbol, or a symbol plus a constant ("B+1").
        size_t plus = name.find('+');
        int symbol = parseSymbol(name.substr(0, plus));
        if (symbol < 0 || symbol >= numSymbols())
          return failOnce(error, "%s: unknown size symbol \"%s\"", where.c_str(),
                      name.c_str());
        if (symbol != expected.symbol ||
            name != expected.label)
          return failOnce(error, "%s is \"%s\" but the layout of %s needs %s here",
                      where.c_str(), name.c_str(), tensor.name.c_str(),
                      expected.isSymbolic()
                          ? expected.label
                          : std::to_string(expected.extent).c_str());
      } else if (getInt64(entry, extent) && extent >= 0) {
        if (expected.isSymbolic() && extent < expected.addend)
          return failOnce(error, "%s is %lld but the layout of %s needs at "
                                 "least %lld (%s)",
                          where.c_str(), static_cast<long long>(extent),
                          tensor.name.c_str(),
                          static_cast<long long>(expected.addend),
                          expected.label);
        if (expected.isSymbolic())
          fixSymbol(expected.symbol, extent - expected.addend, where);
        else if (extent != expected.extent)
          return failOnce(error, "%s is %lld but the manifest's head counts and head_dim "
                      "give %lld",
                      where.c_str(), static_cast<long long>(extent),
                      static_cast<long long>(expected.extent));
      } else {
        return failOnce(error, "%s must be a non-negative integer or one of %s",
                    where.c_str(), manifest.packed ? "B+1, N, L" : "B, T, S, L");
      }
    }
    tensor.shape = layout;
  }

  void parseTensors(const Json &tensors) {
    for (size_t i = 0; i < tensors.size() && !error.failed(); ++i) {
      const Json &entry = tensors[i];
      std::string path = formatString("tensors[%zu]", i);
      if (!entry.is_object())
        return failOnce(error, "%s must be an object", path.c_str());
      FieldReader fields(entry, path, error);
      TensorSpec tensor;
      std::string dtype, role;
      fields.string("name", tensor.name);
      fields.string("dtype", dtype);
      fields.string("role", role);
      const Json *shape = fields.require("shape", JsonKind::Array);
      if (error.failed())
        return;
      std::vector<Dimension> layout;
      if (!expectedLayout(tensor.name, layout) &&
          tensor.name == "cu_seqlens")
        return failOnce(error, "%s: tensor \"cu_seqlens\" needs \"packed\": "
                               "true",
                        path.c_str());
      if (layout.empty() && tensor.name == "block_table" &&
          !manifest.isGrad())
        return failOnce(error, "%s: tensor \"block_table\" needs "
                               "\"page_size\" and \"pages_per_entry\"",
                        path.c_str());
      if (layout.empty())
        return failOnce(error,
                        manifest.isGrad()
                            ? "%s: unknown tensor name \"%s\" (expected q, k, "
                              "v, depth_k, depth_v, out, lse, d_out, dq, dk, "
                              "dv, d_depth_k, d_depth_v%s or delta)"
                            : "%s: unknown tensor name \"%s\" (expected q, k, "
                              "v, depth_k, depth_v, out, lse%s)",
                        path.c_str(), tensor.name.c_str(),
                        manifest.packed          ? ", cu_seqlens"
                        : manifest.paged() && manifest.splitsKeys()
                            ? ", block_table, partial_out, partial_lse"
                        : manifest.paged()      ? ", block_table"
                        : manifest.splitsKeys() ? ", partial_out, partial_lse"
                                                : "");
      if (manifest.findTensor(tensor.name) >= 0)
        return failOnce(error, "%s: tensor \"%s\" appears twice", path.c_str(),
                    tensor.name.c_str());
      if (!parseDtype(dtype, tensor.dtype))
        return failOnce(error, "%s: unknown dtype \"%s\" (expected bf16, f16, f32 or i32)",
                    path.c_str(), dtype.c_str());
      bool isF32 = tensor.name == "lse" || tensor.name == "delta" ||
                   tensor.name == "partial_out" || tensor.name == "partial_lse";
      bool isOffsets =
          tensor.name == "cu_seqlens" || tensor.name == "block_table";
      moda_dtype abiDtype = isOffsets ? MODA_I32
                            : isF32   ? MODA_F32
                                      : manifest.elementType;
      if (tensor.dtype != abiDtype)
        return failOnce(error, "%s: tensor %s has dtype %s but the ABI needs %s",
                    path.c_str(), tensor.name.c_str(), dtype.c_str(),
                    dtypeName(abiDtype));
      tensor.role = abiRole(tensor.name);
      const char *roleName = tensor.role == MODA_ROLE_OUTPUT    ? "output"
                             : tensor.role == MODA_ROLE_SCRATCH ? "scratch"
                                                                : "input";
      if (role != roleName)
        return failOnce(error, "%s: tensor %s has role \"%s\" but must be \"%s\"",
                    path.c_str(), tensor.name.c_str(), role.c_str(), roleName);
      parseShape(*shape, layout, tensor, path);
      if (fields.has("strided"))
        fields.boolean("strided", tensor.strided);
      if (!error.failed() && tensor.strided && (isF32 || isOffsets))
        return failOnce(error, "%s: tensor %s cannot be strided (the %s are "
                               "contiguous)",
                        path.c_str(), tensor.name.c_str(),
                        isOffsets ? "offsets and block tables"
                        : tensor.name.rfind("partial_", 0) == 0
                            ? "partial results"
                            : "row statistics");
      manifest.tensors.push_back(std::move(tensor));
    }
  }

  /// The role of each tensor of the op's ABI.
  moda_role abiRole(const std::string &name) const {
    if (!manifest.isGrad()) {
      if (name == "partial_out" || name == "partial_lse")
        return MODA_ROLE_SCRATCH;
      return name == "out" || name == "lse" ? MODA_ROLE_OUTPUT : MODA_ROLE_INPUT;
    }
    if (name == "delta")
      return MODA_ROLE_SCRATCH;
    if (name == "dq" || name == "dk" || name == "dv" || name == "d_depth_k" ||
        name == "d_depth_v")
      return MODA_ROLE_OUTPUT;
    return MODA_ROLE_INPUT;
  }

  /// The tensors present follow from the variant (docs/artifacts.md).
  void checkTensorSet() {
    if (manifest.packed && manifest.findTensor("cu_seqlens") < 0)
      return failOnce(error, "tensor \"cu_seqlens\" is missing from tensors "
                             "(the manifest says packed)");
    // A packed kernel's T is the call's max_seqlen, and so is its S with
    // sequence keys (without them S is 0).
    if (manifest.packed && manifest.fixedSizes[MODA_SYMBOL_T] >= 0)
      return failOnce(error, "sizes.T must be null in a packed manifest (the "
                             "call gives max_seqlen)");
    if (manifest.packed && manifest.fixedSizes[MODA_SYMBOL_S] >= 0 &&
        (manifest.findTensor("k") >= 0 || manifest.fixedSizes[MODA_SYMBOL_S] != 0))
      return failOnce(error, "sizes.S must be null in a packed manifest with "
                             "sequence keys, else 0 (the call gives max_seqlen)");
    if (manifest.paged() && manifest.findTensor("block_table") < 0)
      return failOnce(error, "tensor \"block_table\" is missing from tensors "
                             "(the manifest says page_size)");
    // A paged kernel's S is the call's: the keys each batch entry has
    // cached, which no tensor carries.
    if (manifest.paged() && manifest.fixedSizes[MODA_SYMBOL_S] >= 0)
      return failOnce(error, "sizes.S must be null in a paged manifest (the "
                             "call gives the cached keys)");
    if (manifest.isGrad())
      return checkGradTensorSet();
    auto has = [&](const char *name) { return manifest.findTensor(name) >= 0; };
    for (const char *name : {"q", "out", "lse"})
      if (!has(name))
        return failOnce(error, "tensor \"%s\" is missing from tensors", name);
    bool depthOnly = manifest.visibility == MODA_VISIBILITY_DEPTH_ONLY;
    for (const char *name : {"k", "v"}) {
      if (depthOnly && has(name))
        return failOnce(error, "tensor \"%s\" must be absent for depth_only visibility",
                    name);
      if (!depthOnly && !has(name))
        return failOnce(error, "tensor \"%s\" is missing from tensors", name);
    }
    if (has("depth_k") != has("depth_v"))
      return failOnce(error, "tensors depth_k and depth_v must be both present or both "
                  "absent");
    if (depthOnly && !has("depth_k"))
      return failOnce(error, "depth_only visibility needs depth_k and depth_v");
    if (manifest.paged() && manifest.visibility != MODA_VISIBILITY_PER_POSITION)
      return failOnce(error, "a paged KV cache (page_size) needs sequence "
                             "keys and per_position visibility");
    // A key tile must lie in one page (the compiler's rule).
    if (manifest.paged() && manifest.pageSize % manifest.blockN != 0)
      return failOnce(error, "config.block_n is %lld but must divide page_size "
                             "%lld (a key tile lies in one page)",
                      static_cast<long long>(manifest.blockN),
                      static_cast<long long>(manifest.pageSize));
    if (manifest.splitsKeys()) {
      if (depthOnly || manifest.packed)
        return failOnce(error, "config.kv_splits is %lld but split-KV needs "
                               "sequence keys and padded tensors",
                        static_cast<long long>(manifest.kvSplits));
      for (const char *name : {"partial_out", "partial_lse"})
        if (!has(name))
          return failOnce(error, "tensor \"%s\" is missing from tensors "
                                 "(config.kv_splits is %lld)",
                          name, static_cast<long long>(manifest.kvSplits));
    }
  }

  /// The backward's tensors: the forward's inputs, out, lse, d_out, one
  /// gradient per input and the scratch delta.
  void checkGradTensorSet() {
    auto has = [&](const char *name) { return manifest.findTensor(name) >= 0; };
    for (const char *name : {"q", "out", "lse", "d_out", "dq", "delta"})
      if (!has(name))
        return failOnce(error, "tensor \"%s\" is missing from tensors", name);
    bool depthOnly = manifest.visibility == MODA_VISIBILITY_DEPTH_ONLY;
    for (const char *name : {"k", "v", "dk", "dv"}) {
      if (depthOnly && has(name))
        return failOnce(error, "tensor \"%s\" must be absent for depth_only visibility",
                    name);
      if (!depthOnly && !has(name))
        return failOnce(error, "tensor \"%s\" is missing from tensors", name);
    }
    bool depth = has("depth_k");
    for (const char *name : {"depth_v", "d_depth_k", "d_depth_v"})
      if (has(name) != depth)
        return failOnce(error, "tensors depth_k, depth_v, d_depth_k and "
                               "d_depth_v must be all present or all absent");
    if (depthOnly && !depth)
      return failOnce(error, "depth_only visibility needs depth_k and depth_v");
  }

  /// The ABI order: the buffers present in this order, then B, T, S, L (and,
  /// packed, N).
  std::vector<KernelParameter> abiParameters() const {
    std::vector<KernelParameter> order;
    static const char *const forward[] = {
        "q",          "k",           "v",          "depth_k",
        "depth_v",    "out",         "lse",        "cu_seqlens",
        "block_table", "partial_out", "partial_lse"};
    static const char *const backward[] = {
        "q",  "k",  "v",  "depth_k",   "depth_v",   "out",        "lse", "d_out",
        "dq", "dk", "dv", "d_depth_k", "d_depth_v", "cu_seqlens", "delta"};
    std::vector<const char *> names;
    if (manifest.isGrad())
      names.assign(std::begin(backward), std::end(backward));
    else
      names.assign(std::begin(forward), std::end(forward));
    for (const char *name : names) {
      int index = manifest.findTensor(name);
      if (index >= 0)
        order.push_back({KernelParameter::Kind::Buffer, index, -1});
    }
    for (int symbol = 0; symbol < numSymbols(); ++symbol)
      order.push_back({KernelParameter::Kind::Size, -1, symbol});
    // A view's strides, tensor by tensor in buffer order, outermost first.
    size_t buffers = order.size() - numSymbols();
    for (size_t i = 0; i < buffers; ++i) {
      int index = order[i].tensorIndex;
      const TensorSpec &tensor = manifest.tensors[index];
      if (tensor.strided)
        for (size_t dim = 0; dim + 1 < tensor.shape.size(); ++dim)
          order.push_back({KernelParameter::Kind::Stride, index, -1,
                           static_cast<int>(dim)});
    }
    return order;
  }

  static std::string describe(const Manifest &manifest,
                              const KernelParameter &parameter) {
    switch (parameter.kind) {
    case KernelParameter::Kind::Buffer:
      return "buffer \"" + manifest.tensors[parameter.tensorIndex].name + "\"";
    case KernelParameter::Kind::Stride:
      return "stride " + std::to_string(parameter.dim) + " of \"" +
             manifest.tensors[parameter.tensorIndex].name + "\"";
    case KernelParameter::Kind::Size:
      break;
    }
    return std::string("size \"") + symbolName(parameter.symbol) + "\"";
  }

  void parseParameters(const Json &params) {
    for (size_t i = 0; i < params.size() && !error.failed(); ++i) {
      const Json &entry = params[i];
      std::string path = formatString("params[%zu]", i);
      if (!entry.is_object())
        return failOnce(error, "%s must be an object", path.c_str());
      FieldReader fields(entry, path, error);
      std::string kind, reference;
      fields.string("kind", kind);
      KernelParameter parameter;
      if (kind == "buffer") {
        fields.string("tensor", reference);
        parameter.tensorIndex = manifest.findTensor(reference);
        if (!error.failed() && parameter.tensorIndex < 0)
          return failOnce(error, "%s names tensor \"%s\", which is not in tensors",
                      path.c_str(), reference.c_str());
      } else if (kind == "size") {
        parameter.kind = KernelParameter::Kind::Size;
        fields.string("symbol", reference);
        parameter.symbol = parseSymbol(reference);
        if (!error.failed() && parameter.symbol < 0)
          return failOnce(error, "%s: unknown size symbol \"%s\"", path.c_str(),
                      reference.c_str());
      } else if (kind == "stride") {
        parameter.kind = KernelParameter::Kind::Stride;
        fields.string("tensor", reference);
        int64_t dim = -1;
        fields.integer("dim", dim, 0, 8);
        parameter.dim = static_cast<int>(dim);
        parameter.tensorIndex = manifest.findTensor(reference);
        if (!error.failed() && parameter.tensorIndex < 0)
          return failOnce(error, "%s names tensor \"%s\", which is not in tensors",
                      path.c_str(), reference.c_str());
      } else if (!error.failed()) {
        return failOnce(error, "%s: unknown kind \"%s\" (expected buffer, size or stride)",
                    path.c_str(), kind.c_str());
      }
      manifest.parameters.push_back(parameter);
    }
    if (error.failed())
      return;
    std::vector<KernelParameter> expected = abiParameters();
    for (size_t i = 0; i < expected.size(); ++i) {
      std::string wanted = describe(manifest, expected[i]);
      if (i >= manifest.parameters.size())
        return failOnce(error, "params ends after %zu entries; the ABI (docs/artifacts.md) "
                    "needs %s next",
                    i, wanted.c_str());
      std::string actual = describe(manifest, manifest.parameters[i]);
      if (actual != wanted)
        return failOnce(error, "params[%zu] is %s but the ABI (docs/artifacts.md) needs "
                    "%s",
                    i, actual.c_str(), wanted.c_str());
    }
    if (manifest.parameters.size() > expected.size())
      failOnce(error, "params has %zu entries; the ABI (docs/artifacts.md) has %zu",
           manifest.parameters.size(), expected.size());
  }

  /// grid, block and dynamic_shared_memory of one kernel; `prefix` is the
  /// path of the object holding them ("" at the top level).
  void parseLaunchShape(FieldReader &fields, const std::string &prefix,
                        Launch &launch) {
    if (const Json *grid = fields.require("grid", JsonKind::Array))
      parseGrid(*grid, prefix, launch.grid);
    if (const Json *block = fields.require("block", JsonKind::Array))
      parseBlock(*block, prefix, launch.block);
    int64_t sharedMemory = 0;
    fields.integer("dynamic_shared_memory", sharedMemory, 0);
    if (!error.failed() && sharedMemory > UINT32_MAX)
      failOnce(error, "%sdynamic_shared_memory %lld is too large",
               prefix.c_str(), static_cast<long long>(sharedMemory));
    launch.dynamicSharedMemory = static_cast<unsigned>(sharedMemory);
  }

  /// The gradients launch `path` writes ("writes": output tensors of the
  /// manifest; the kernel's usual ones when absent).
  void parseWrites(FieldReader &fields, const std::string &path,
                   Launch &launch) {
    if (!fields.has("writes"))
      return;
    const Json *writes = fields.require("writes", JsonKind::Array);
    for (size_t i = 0; writes && i < writes->size(); ++i) {
      const Json &name = (*writes)[i];
      int tensor = name.is_string()
                       ? manifest.findTensor(name.get_ref<const std::string &>())
                       : -1;
      if (tensor < 0 || manifest.tensors[tensor].role != MODA_ROLE_OUTPUT)
        return failOnce(error, "%s.writes[%zu] must name an output tensor",
                        path.c_str(), i);
      launch.writes.push_back(manifest.tensors[tensor].name);
    }
  }

  /// The kernels, in launch order: a split-KV forward's split and merge
  /// kernels; the backward's dq, then dkv with a sequence part, then
  /// d_depth with a depth part unless the dq kernel writes the depth
  /// gradients itself (its "writes" names d_depth_k and d_depth_v).
  void parseLaunches(const Json &launches) {
    std::vector<Launch> parsed;
    for (size_t i = 0; i < launches.size() && !error.failed(); ++i) {
      const Json &entry = launches[i];
      std::string path = formatString("launches[%zu]", i);
      if (!entry.is_object())
        return failOnce(error, "%s must be an object", path.c_str());
      FieldReader fields(entry, path, error);
      Launch launch;
      fields.string("kernel", launch.entry);
      parseLaunchShape(fields, path + ".", launch);
      parseWrites(fields, path, launch);
      parsed.push_back(launch);
    }
    if (error.failed())
      return;
    auto writes = [&](const Launch &launch, const char *tensor) {
      return std::find(launch.writes.begin(), launch.writes.end(), tensor) !=
             launch.writes.end();
    };
    bool dqWritesDepth = !parsed.empty() && writes(parsed[0], "d_depth_k") &&
                         writes(parsed[0], "d_depth_v");
    std::vector<std::string> expected;
    if (!manifest.isGrad()) { // split-KV: the shares, then their merge
      expected = {manifest.entry, manifest.entry + "_merge"};
    } else {
      expected = {manifest.entry + "_dq"};
      if (manifest.findTensor("k") >= 0)
        expected.push_back(manifest.entry + "_dkv");
      if (manifest.findTensor("depth_k") >= 0 && !dqWritesDepth)
        expected.push_back(manifest.entry + "_d_depth");
    }
    if (parsed.size() != expected.size())
      return failOnce(error, "launches has %zu entries; this variant runs %zu "
                             "kernels",
                      parsed.size(), expected.size());
    for (size_t i = 0; i < expected.size(); ++i)
      if (parsed[i].entry != expected[i])
        return failOnce(error, "launches[%zu].kernel is \"%s\" but the launch "
                               "order needs \"%s\"",
                        i, parsed[i].entry.c_str(), expected[i].c_str());
    manifest.launches = std::move(parsed);
  }

  void parseGrid(const Json &grid, const std::string &prefix,
                 std::array<GridDimension, 3> &out) {
    if (grid.size() != 3)
      return failOnce(error, "%sgrid must have 3 entries, not %zu",
                      prefix.c_str(), grid.size());
    for (size_t i = 0; i < 3 && !error.failed(); ++i) {
      const Json &entry = grid[i];
      std::string path = formatString("%sgrid[%zu]", prefix.c_str(), i);
      if (!entry.is_object())
        return failOnce(error, "%s must be an object", path.c_str());
      FieldReader fields(entry, path, error);
      GridDimension &dimension = out[i];
      if (fields.has("constant")) {
        fields.integer("constant", dimension.constant, 1);
        continue;
      }
      std::string symbol;
      fields.string("symbol", symbol);
      fields.integer("multiplier", dimension.multiplier, 1);
      fields.integer("divisor", dimension.divisor, 1);
      dimension.symbol = parseSymbol(symbol);
      if (!error.failed() && dimension.symbol < 0)
        return failOnce(error, "%s: unknown size symbol \"%s\"", path.c_str(),
                        symbol.c_str());
      if (fields.has("times")) { // optional: a second symbol multiplied in
        std::string times;
        fields.string("times", times);
        dimension.times = parseSymbol(times);
        if (!error.failed() && dimension.times < 0)
          failOnce(error, "%s: unknown size symbol \"%s\" in times",
                   path.c_str(), times.c_str());
      }
    }
  }

  /// How docs/artifacts.md writes a grid dimension: "2", "B",
  /// "ceil(T * 4 / 128)", "ceil(T * L * 1 / 64)".
  static std::string render(const GridDimension &dimension) {
    if (dimension.symbol < 0)
      return formatString("%lld", static_cast<long long>(dimension.constant));
    std::string symbols = symbolName(dimension.symbol);
    if (dimension.times >= 0)
      symbols += std::string(" * ") + symbolName(dimension.times);
    if (dimension.times < 0 && dimension.multiplier == 1 &&
        dimension.divisor == 1)
      return symbols;
    return formatString("ceil(%s * %lld / %lld)", symbols.c_str(),
                        static_cast<long long>(dimension.multiplier),
                        static_cast<long long>(dimension.divisor));
  }

  static bool sameFormula(const GridDimension &a, const GridDimension &b) {
    return a.symbol == b.symbol && a.times == b.times &&
           a.constant == b.constant && a.multiplier == b.multiplier &&
           a.divisor == b.divisor;
  }

  /// Threads sharing one sequence key or depth entry in the backward's dkv
  /// and d_depth kernels of the removed block builders ("lowering":
  /// "kernel"), each holding D / lanes columns: 4 for D >= 128, 2 for D >=
  /// 64, else 1, halved until D is a multiple of lanes 16-byte vectors and
  /// the block of lanes groups.
  int64_t gradLanes() const {
    int64_t vectorWidth = manifest.elementType == MODA_F32 ? 4 : 8;
    int64_t threads = manifest.numWarps * 32;
    int64_t lanes = manifest.headDim >= 128 ? 4 : manifest.headDim >= 64 ? 2 : 1;
    while (lanes > 1 && (manifest.headDim % (lanes * vectorWidth) != 0 ||
                         threads % lanes != 0))
      lanes /= 2;
    return lanes;
  }

  /// The grid the compiler gives `launch`, with the name docs/artifacts.md
  /// gives each dimension:
  ///   forward, dq:  (ceil(T * G / block_m), Hk, B)
  ///   split-KV's split kernel: (ceil(T * G / block_m), Hk * kv_splits, B),
  ///   its merge the forward's
  ///   dkv:          (ceil(S / slots), Hk, B)
  ///   d_depth:      (ceil(T * L / slots), Hk, B)
  /// with G = Hq / Hk and slots = block_m (the tile programs' key-side
  /// blocks own block_m keys or entries; num_warps * 32 / lanes for a
  /// manifest of the removed block builders, "lowering": "kernel"). The compiler
  /// writes these formulas once (getForwardGrid, getGradGrid in
  /// lib/Conversion/ModaToKernel) into the kernels' #moda.kernel_abi, which
  /// both its launchers and the manifest writer read. This restatement is
  /// deliberate: the runtime links no MLIR and must not trust a manifest
  /// (hand-edited, stale, fuzzed), so it re-derives the one grid a kernel of
  /// this configuration covers its work with and refuses any other, rather
  /// than launching whatever grid the file names. Changing a grid means
  /// changing it in both places: the runtime refuses a compiled manifest
  /// whose grid disagrees.
  void expectedGrid(const Launch &launch, std::array<GridDimension, 3> &grid,
                    std::array<const char *, 3> &meaning) const {
    GridDimension x;
    int64_t slots = manifest.lowering == "tile"
                        ? manifest.blockM
                        : manifest.numWarps * 32 / gradLanes();
    if (launch.entry == manifest.entry + "_dkv") {
      x.symbol = MODA_SYMBOL_S;
      x.divisor = slots;
      meaning[0] = "ceil(S / slots)";
    } else if (launch.entry == manifest.entry + "_d_depth") {
      x.symbol = MODA_SYMBOL_T;
      x.times = MODA_SYMBOL_L;
      x.divisor = slots;
      meaning[0] = "ceil(T * L / slots)";
    } else { // the forward and the backward's dq kernel
      x.symbol = MODA_SYMBOL_T;
      x.multiplier = manifest.numQueryHeads / manifest.numKvHeads;
      x.divisor = manifest.blockM;
      meaning[0] = "ceil(T * G / block_m)";
    }
    GridDimension heads;
    heads.constant = manifest.numKvHeads;
    meaning[1] = "num_kv_heads";
    if (!manifest.isGrad() && manifest.splitsKeys() &&
        launch.entry == manifest.entry) {
      heads.constant *= manifest.kvSplits;
      meaning[1] = "num_kv_heads * kv_splits";
    }
    GridDimension batch;
    batch.symbol = MODA_SYMBOL_B;
    meaning[2] = "B";
    grid = {x, heads, batch};
  }

  /// A grid that differs from the compiler's would launch too few blocks
  /// (part of the batch, of the heads, of the rows) or too many.
  void checkGrid(const Launch &launch, const std::string &prefix) {
    std::array<GridDimension, 3> expected;
    std::array<const char *, 3> meaning;
    expectedGrid(launch, expected, meaning);
    for (size_t i = 0; i < 3; ++i) {
      if (sameFormula(launch.grid[i], expected[i]))
        continue;
      std::string wanted = render(expected[i]);
      return failOnce(error, "%sgrid[%zu] is %s but the kernel's grid needs "
                             "%s%s%s",
                      prefix.c_str(), i, render(launch.grid[i]).c_str(),
                      meaning[i], wanted == meaning[i] ? "" : " = ",
                      wanted == meaning[i] ? "" : wanted.c_str());
    }
  }

  void parseBlock(const Json &block, const std::string &prefix,
                  std::array<unsigned, 3> &out) {
    if (block.size() != 3)
      return failOnce(error, "%sblock must have 3 entries, not %zu",
                      prefix.c_str(), block.size());
    FieldReader fields(block, "", error);
    int64_t threads = 1;
    for (size_t i = 0; i < 3 && !error.failed(); ++i) {
      int64_t extent = 0;
      if (!fields.checkInteger(block[i],
                               formatString("%sblock[%zu]", prefix.c_str(), i),
                               extent, 1))
        return;
      if (extent > 1024)
        return failOnce(error, "%sblock[%zu] is %lld; a block has at most 1024 threads",
                        prefix.c_str(), i, static_cast<long long>(extent));
      out[i] = static_cast<unsigned>(extent);
      threads *= extent;
    }
    if (threads > 1024)
      return failOnce(error, "%sblock has %lld threads; at most 1024 are allowed",
                      prefix.c_str(), static_cast<long long>(threads));
    // num_warps <= 32 (parseConfig): the product cannot overflow.
    if (out[0] != manifest.numWarps * 32 || out[1] != 1 || out[2] != 1)
      failOnce(error, "%sblock is [%u, %u, %u] but config.num_warps = %lld needs [%lld, 1, "
           "1]",
           prefix.c_str(), out[0], out[1], out[2],
           static_cast<long long>(manifest.numWarps),
           static_cast<long long>(manifest.numWarps * 32));
  }
};

} // namespace

Error parseManifest(const std::string &text, const std::string &directory,
                    Manifest &manifest) {
  manifest = Manifest();
  manifest.directory = directory;
  Json root;
  std::string jsonError;
  if (!parseJson(text, root, jsonError))
    return makeError(MODA_ERROR_MANIFEST, "invalid JSON: %s", jsonError.c_str());
  Error error;
  ManifestParser(manifest, error).parse(root);
  return error;
}

Error readManifest(const std::string &path, Manifest &manifest) {
  std::string text;
  Error error = readFile(path, kMaxManifestBytes, "manifest", text);
  if (error.failed())
    return error;
  size_t slash = path.find_last_of('/');
  std::string directory = slash == std::string::npos ? "." : path.substr(0, slash);
  if (directory.empty())
    directory = "/";
  error = parseManifest(text, directory, manifest);
  if (error.failed())
    error.message = "manifest '" + path + "': " + error.message;
  return error;
}

} // namespace moda::runtime
