//===- Json.cpp - manifests' JSON: nlohmann/json plus two rules -----------===//

#include "Json.h"

#include <algorithm>
#include <utility>
#include <vector>

namespace moda::runtime {

namespace {

/// Builds the document as nlohmann's own DOM builder does (each container
/// is placed in its parent when it opens, so pointers to the open ones stay
/// valid: a parent changes only once its open child has closed), refusing
/// repeated keys and deep nesting on the way.
class StrictDocumentBuilder final : public nlohmann::json_sax<Json> {
public:
  StrictDocumentBuilder(const std::string &text, Json &root)
      : text(text), root(root) {}

  std::string error;

  bool null() override { return add(Json(nullptr)); }
  bool boolean(bool value) override { return add(Json(value)); }
  bool number_integer(number_integer_t value) override {
    return add(Json(value));
  }
  bool number_unsigned(number_unsigned_t value) override {
    return add(Json(value));
  }
  bool number_float(number_float_t value, const string_t &) override {
    return add(Json(value));
  }
  bool string(string_t &value) override { return add(Json(std::move(value))); }
  bool binary(binary_t &) override {
    // Only the binary formats (CBOR, ...) produce these, never JSON text.
    return fail("binary value in JSON text");
  }

  bool start_object(std::size_t) override {
    return open(Json(Json::value_t::object));
  }
  bool key(string_t &key) override {
    if (containers.back()->contains(key))
      return fail("duplicate key \"" + key + "\" in " + where());
    pendingKey = key;
    return true;
  }
  bool end_object() override { return close(); }

  bool start_array(std::size_t) override {
    return open(Json(Json::value_t::array));
  }
  bool end_array() override { return close(); }

  bool parse_error(std::size_t position, const std::string &,
                   const nlohmann::detail::exception &exception) override {
    // "[json.exception.parse_error.101] parse error at line 1, column 12:
    // syntax error ..." -> "line 1, column 12: syntax error ...". The few
    // errors without a position ("number overflow parsing '1e400'") get
    // one from `position`, the number of bytes read.
    std::string message = exception.what();
    size_t at = message.find("line ");
    if (at != std::string::npos) {
      error = message.substr(at);
      return false;
    }
    at = message.find("] ");
    std::string what = at == std::string::npos ? message : message.substr(at + 2);
    size_t end = std::min(position, text.size());
    size_t lineStart = text.rfind('\n', end == 0 ? 0 : end - 1);
    lineStart = lineStart == std::string::npos || end == 0 ? 0 : lineStart + 1;
    size_t line = 1 + static_cast<size_t>(
                          std::count(text.begin(), text.begin() + end, '\n'));
    error = "line " + std::to_string(line) + ", column " +
            std::to_string(end - lineStart) + ": " + what;
    return false;
  }

private:
  const std::string &text;
  Json &root;
  std::vector<Json *> containers; // the open objects and arrays, outermost first
  std::vector<std::string> paths; // the path of each, "" for the root
  std::string pendingKey;         // the key of the next member of an object

  bool fail(std::string message) {
    error = std::move(message);
    return false;
  }

  /// The path of the open container, for messages.
  std::string where() const {
    return paths.back().empty() ? "the top-level value" : paths.back();
  }

  /// Puts `value` where the parser is: the root, the next element of the
  /// open array, or the member of the last key of the open object.
  Json *place(Json value) {
    if (containers.empty()) {
      root = std::move(value);
      return &root;
    }
    Json &parent = *containers.back();
    if (parent.is_array()) {
      parent.push_back(std::move(value));
      return &parent.back();
    }
    Json &member = parent[pendingKey];
    member = std::move(value);
    return &member;
  }

  bool add(Json value) {
    place(std::move(value));
    return true;
  }

  bool open(Json container) {
    if (containers.size() >= kMaxJsonNesting)
      return fail("nesting deeper than " + std::to_string(kMaxJsonNesting) +
                  " levels in " + where());
    std::string path;
    if (!containers.empty()) {
      const Json &parent = *containers.back();
      const std::string &base = paths.back();
      path = parent.is_array()
                 ? base + "[" + std::to_string(parent.size()) + "]"
                 : (base.empty() ? pendingKey : base + "." + pendingKey);
    }
    containers.push_back(place(std::move(container)));
    paths.push_back(std::move(path));
    return true;
  }

  bool close() {
    containers.pop_back();
    paths.pop_back();
    return true;
  }
};

} // namespace

bool parseJson(const std::string &text, Json &result, std::string &error) {
  result = Json();
  StrictDocumentBuilder builder(text, result);
  if (Json::sax_parse(text, &builder, Json::input_format_t::json,
                      /*strict=*/true, /*ignore_comments=*/false))
    return true;
  error = builder.error;
  result = Json();
  return false;
}

bool getInt64(const Json &value, int64_t &result) {
  if (value.is_number_unsigned()) {
    uint64_t unsignedValue = value.get<uint64_t>();
    if (unsignedValue > static_cast<uint64_t>(INT64_MAX))
      return false;
    result = static_cast<int64_t>(unsignedValue);
    return true;
  }
  if (value.is_number_integer()) {
    result = value.get<int64_t>();
    return true;
  }
  return false;
}

} // namespace moda::runtime
