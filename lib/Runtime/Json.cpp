//===- Json.cpp - a small, strict JSON parser -----------------------------===//

#include "Json.h"

#include "Error.h"

#include <cerrno>
#include <cmath>
#include <cstdlib>
#include <cstring>

namespace moda::runtime {

const JsonValue *JsonValue::find(const std::string &key) const {
  for (size_t i = 0; i < keys.size(); ++i)
    if (keys[i] == key)
      return &members[i];
  return nullptr;
}

const char *jsonKindName(JsonValue::Kind kind) {
  switch (kind) {
  case JsonValue::Kind::Null:
    return "null";
  case JsonValue::Kind::Bool:
    return "boolean";
  case JsonValue::Kind::Number:
    return "number";
  case JsonValue::Kind::String:
    return "string";
  case JsonValue::Kind::Array:
    return "array";
  case JsonValue::Kind::Object:
    return "object";
  }
  return "unknown";
}

namespace {

/// Deep enough for any manifest, shallow enough never to exhaust the stack.
constexpr int kMaxNesting = 64;

class Parser {
public:
  explicit Parser(const std::string &text) : text(text) {}

  bool parseDocument(JsonValue &result) {
    skipWhitespace();
    if (!parseValue(result, 0))
      return false;
    skipWhitespace();
    if (position != text.size())
      return fail("unexpected text after the JSON value");
    return true;
  }

  std::string error;

private:
  const std::string &text;
  size_t position = 0;

  bool atEnd() const { return position >= text.size(); }
  char peek() const { return atEnd() ? '\0' : text[position]; }

  bool fail(const std::string &what) {
    size_t line = 1, column = 1;
    for (size_t i = 0; i < position && i < text.size(); ++i) {
      if (text[i] == '\n') {
        ++line;
        column = 1;
      } else {
        ++column;
      }
    }
    error = formatString("line %zu, column %zu: %s", line, column, what.c_str());
    return false;
  }

  void skipWhitespace() {
    while (!atEnd() && (peek() == ' ' || peek() == '\t' || peek() == '\n' ||
                        peek() == '\r'))
      ++position;
  }

  bool expectLiteral(const char *literal) {
    size_t length = std::strlen(literal);
    if (text.compare(position, length, literal) != 0)
      return fail("invalid literal (expected a JSON value)");
    position += length;
    return true;
  }

  bool parseValue(JsonValue &value, int depth) {
    if (depth > kMaxNesting)
      return fail("nesting deeper than 64 levels");
    value = JsonValue();
    switch (peek()) {
    case '{':
      return parseObject(value, depth);
    case '[':
      return parseArray(value, depth);
    case '"':
      value.kind = JsonValue::Kind::String;
      return parseString(value.string);
    case 't':
      value.kind = JsonValue::Kind::Bool;
      value.boolean = true;
      return expectLiteral("true");
    case 'f':
      value.kind = JsonValue::Kind::Bool;
      return expectLiteral("false");
    case 'n':
      return expectLiteral("null");
    case '\0':
      if (atEnd())
        return fail("unexpected end of input (expected a JSON value)");
      return fail("unexpected character (expected a JSON value)");
    default:
      if (peek() == '-' || (peek() >= '0' && peek() <= '9'))
        return parseNumber(value);
      return fail(formatString("unexpected character '%c' (expected a JSON "
                               "value)",
                               peek()));
    }
  }

  bool parseObject(JsonValue &value, int depth) {
    value.kind = JsonValue::Kind::Object;
    ++position; // '{'
    skipWhitespace();
    if (peek() == '}') {
      ++position;
      return true;
    }
    while (true) {
      skipWhitespace();
      if (peek() != '"')
        return fail("expected a string key in object");
      std::string key;
      if (!parseString(key))
        return false;
      if (value.find(key))
        return fail("duplicate key \"" + key + "\"");
      skipWhitespace();
      if (peek() != ':')
        return fail("expected ':' after object key");
      ++position;
      skipWhitespace();
      JsonValue member;
      if (!parseValue(member, depth + 1))
        return false;
      value.keys.push_back(std::move(key));
      value.members.push_back(std::move(member));
      skipWhitespace();
      if (peek() == ',') {
        ++position;
        continue;
      }
      if (peek() == '}') {
        ++position;
        return true;
      }
      return fail("expected ',' or '}' in object");
    }
  }

  bool parseArray(JsonValue &value, int depth) {
    value.kind = JsonValue::Kind::Array;
    ++position; // '['
    skipWhitespace();
    if (peek() == ']') {
      ++position;
      return true;
    }
    while (true) {
      skipWhitespace();
      JsonValue element;
      if (!parseValue(element, depth + 1))
        return false;
      value.elements.push_back(std::move(element));
      skipWhitespace();
      if (peek() == ',') {
        ++position;
        continue;
      }
      if (peek() == ']') {
        ++position;
        return true;
      }
      return fail("expected ',' or ']' in array");
    }
  }

  bool parseHexQuad(uint32_t &codeUnit) {
    codeUnit = 0;
    for (int i = 0; i < 4; ++i, ++position) {
      char c = peek();
      codeUnit <<= 4;
      if (c >= '0' && c <= '9')
        codeUnit |= uint32_t(c - '0');
      else if (c >= 'a' && c <= 'f')
        codeUnit |= uint32_t(c - 'a' + 10);
      else if (c >= 'A' && c <= 'F')
        codeUnit |= uint32_t(c - 'A' + 10);
      else
        return fail("expected four hex digits after \\u");
    }
    return true;
  }

  static void appendUtf8(std::string &out, uint32_t codePoint) {
    if (codePoint < 0x80) {
      out += char(codePoint);
    } else if (codePoint < 0x800) {
      out += char(0xC0 | (codePoint >> 6));
      out += char(0x80 | (codePoint & 0x3F));
    } else if (codePoint < 0x10000) {
      out += char(0xE0 | (codePoint >> 12));
      out += char(0x80 | ((codePoint >> 6) & 0x3F));
      out += char(0x80 | (codePoint & 0x3F));
    } else {
      out += char(0xF0 | (codePoint >> 18));
      out += char(0x80 | ((codePoint >> 12) & 0x3F));
      out += char(0x80 | ((codePoint >> 6) & 0x3F));
      out += char(0x80 | (codePoint & 0x3F));
    }
  }

  bool parseEscape(std::string &out) {
    char c = peek();
    ++position;
    switch (c) {
    case '"':
    case '\\':
    case '/':
      out += c;
      return true;
    case 'b':
      out += '\b';
      return true;
    case 'f':
      out += '\f';
      return true;
    case 'n':
      out += '\n';
      return true;
    case 'r':
      out += '\r';
      return true;
    case 't':
      out += '\t';
      return true;
    case 'u':
      break;
    default:
      --position;
      return fail("invalid escape sequence in string");
    }
    uint32_t codeUnit;
    if (!parseHexQuad(codeUnit))
      return false;
    if (codeUnit >= 0xDC00 && codeUnit <= 0xDFFF)
      return fail("unpaired low surrogate in \\u escape");
    if (codeUnit >= 0xD800 && codeUnit <= 0xDBFF) {
      if (text.compare(position, 2, "\\u") != 0)
        return fail("unpaired high surrogate in \\u escape");
      position += 2;
      uint32_t low;
      if (!parseHexQuad(low))
        return false;
      if (low < 0xDC00 || low > 0xDFFF)
        return fail("high surrogate not followed by a low surrogate");
      codeUnit = 0x10000 + ((codeUnit - 0xD800) << 10) + (low - 0xDC00);
    }
    appendUtf8(out, codeUnit);
    return true;
  }

  bool parseString(std::string &out) {
    ++position; // opening quote
    while (true) {
      if (atEnd())
        return fail("unterminated string");
      char c = text[position];
      if (c == '"') {
        ++position;
        return true;
      }
      if (static_cast<unsigned char>(c) < 0x20)
        return fail("control character in string (must be escaped)");
      ++position;
      if (c != '\\') {
        out += c;
        continue;
      }
      if (!parseEscape(out))
        return false;
    }
  }

  bool isDigit(char c) const { return c >= '0' && c <= '9'; }

  bool parseNumber(JsonValue &value) {
    size_t start = position;
    bool integral = true;
    if (peek() == '-')
      ++position;
    if (peek() == '0') {
      ++position;
      if (isDigit(peek()))
        return fail("leading zeros are not allowed in numbers");
    } else if (isDigit(peek())) {
      while (isDigit(peek()))
        ++position;
    } else {
      return fail("expected a digit in number");
    }
    if (peek() == '.') {
      integral = false;
      ++position;
      if (!isDigit(peek()))
        return fail("expected a digit after the decimal point");
      while (isDigit(peek()))
        ++position;
    }
    if (peek() == 'e' || peek() == 'E') {
      integral = false;
      ++position;
      if (peek() == '+' || peek() == '-')
        ++position;
      if (!isDigit(peek()))
        return fail("expected a digit in the exponent");
      while (isDigit(peek()))
        ++position;
    }
    std::string literal = text.substr(start, position - start);
    value.kind = JsonValue::Kind::Number;
    errno = 0;
    value.number = std::strtod(literal.c_str(), nullptr);
    if (!std::isfinite(value.number))
      return fail("number out of range");
    if (integral) {
      errno = 0;
      long long parsed = std::strtoll(literal.c_str(), nullptr, 10);
      if (errno != ERANGE) {
        value.isInteger = true;
        value.integer = parsed;
      }
    }
    return true;
  }
};

} // namespace

bool parseJson(const std::string &text, JsonValue &result, std::string &error) {
  Parser parser(text);
  if (!parser.parseDocument(result)) {
    error = parser.error;
    return false;
  }
  return true;
}

} // namespace moda::runtime
