//===- Json.h - a small, strict JSON parser (RFC 8259) --------------------===//
//
// The runtime must not link LLVM, so it reads manifests with this parser. It
// accepts exactly RFC 8259 JSON: no comments, no trailing commas, no NaN, no
// duplicate object keys, and nothing but whitespace after the value. Errors
// carry a line and column; malformed input never crashes (nesting is bounded).
//
//===----------------------------------------------------------------------===//

#ifndef MODA_LIB_RUNTIME_JSON_H
#define MODA_LIB_RUNTIME_JSON_H

#include <cstdint>
#include <string>
#include <vector>

namespace moda::runtime {

class JsonValue {
public:
  enum class Kind { Null, Bool, Number, String, Array, Object };

  Kind kind = Kind::Null;
  bool boolean = false;
  double number = 0.0;
  /// True when the number was written without fraction or exponent and fits
  /// int64_t; `integer` then holds it exactly.
  bool isInteger = false;
  int64_t integer = 0;
  std::string string;
  std::vector<JsonValue> elements;   // Array
  std::vector<std::string> keys;     // Object, in source order
  std::vector<JsonValue> members;    // Object, members[i] belongs to keys[i]

  bool isNull() const { return kind == Kind::Null; }
  bool isBool() const { return kind == Kind::Bool; }
  bool isNumber() const { return kind == Kind::Number; }
  bool isString() const { return kind == Kind::String; }
  bool isArray() const { return kind == Kind::Array; }
  bool isObject() const { return kind == Kind::Object; }

  /// The member named `key` of an object, or nullptr.
  const JsonValue *find(const std::string &key) const;
};

/// "null", "boolean", "number", "string", "array" or "object".
const char *jsonKindName(JsonValue::Kind kind);

/// Parses `text`; on failure returns false and sets `error` to
/// "line L, column C: what".
bool parseJson(const std::string &text, JsonValue &result, std::string &error);

} // namespace moda::runtime

#endif // MODA_LIB_RUNTIME_JSON_H
