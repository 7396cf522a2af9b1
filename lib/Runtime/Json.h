//===- Json.h - manifests' JSON: nlohmann/json plus two rules -------------===//
//
// The runtime must not link LLVM, so it reads manifests with nlohmann/json
// (header-only; Debian's nlohmann-json3-dev). Its parser already accepts
// exactly RFC 8259 JSON: no comments, trailing commas or NaN, valid UTF-8
// only, nothing but whitespace after the value. parseJson builds the
// document through nlohmann's SAX interface to add two rules:
//
//   - an object may not repeat a key: nlohmann keeps the last one silently,
//     and a manifest naming two "ptx" files means two different kernels to
//     two different readers;
//   - nesting is at most kMaxJsonNesting deep, so that no input, however
//     deep, costs more than a manifest's worth of work.
//
//===----------------------------------------------------------------------===//

#ifndef MODA_LIB_RUNTIME_JSON_H
#define MODA_LIB_RUNTIME_JSON_H

#include <nlohmann/json.hpp>

#include <cstddef>
#include <string>

namespace moda::runtime {

using Json = nlohmann::json;

/// Deep enough for any manifest (they nest four levels).
constexpr size_t kMaxJsonNesting = 64;

/// Parses `text`; on failure returns false and sets `error` to
/// "line L, column C: what" (syntax), "duplicate key "k" in <where>" or
/// "nesting deeper than 64 levels in <where>", where <where> is the path of
/// the object or array ("tensors[2]", "config", "the top-level value").
bool parseJson(const std::string &text, Json &result, std::string &error);

/// `value` as an int64_t: false unless it is a JSON number written as an
/// integer (no fraction, no exponent) within int64_t's range.
bool getInt64(const Json &value, int64_t &result);

} // namespace moda::runtime

#endif // MODA_LIB_RUNTIME_JSON_H
