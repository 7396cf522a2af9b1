//===- JsonTest.cpp - the runtime's strict JSON parser --------------------===//

#include "Json.h"
#include "TestManifests.h"

#include <gtest/gtest.h>

using namespace moda::runtime;

namespace {

/// The parser's error for `text`, or "" if it parsed.
std::string errorOf(const std::string &text) {
  JsonValue value;
  std::string error;
  return parseJson(text, value, error) ? "" : error;
}

TEST(Json, ParsesTheExampleManifest) {
  JsonValue root;
  std::string error;
  ASSERT_TRUE(parseJson(moda::test::exampleManifest(), root, error)) << error;
  ASSERT_TRUE(root.isObject());
  EXPECT_EQ(root.find("kernel")->string, "moda_attention_0");
  EXPECT_TRUE(root.find("causal")->boolean);
  const JsonValue *scale = root.find("scale");
  EXPECT_DOUBLE_EQ(scale->number, 0.125);
  EXPECT_FALSE(scale->isInteger);
  EXPECT_TRUE(root.find("head_dim")->isInteger);
  EXPECT_EQ(root.find("head_dim")->integer, 64);
  const JsonValue *tensors = root.find("tensors");
  ASSERT_TRUE(tensors->isArray());
  EXPECT_EQ(tensors->elements.size(), 7u);
  EXPECT_EQ(tensors->elements[6].find("shape")->elements[1].integer, 8);
  EXPECT_TRUE(root.find("sizes")->find("T")->isNull());
  EXPECT_EQ(root.find("absent"), nullptr);
  EXPECT_EQ(root.keys.front(), "format"); // source order is kept
}

TEST(Json, ScalarsAndEscapes) {
  JsonValue value;
  std::string error;
  ASSERT_TRUE(parseJson(R"(["a\"b\\\/\n\t", "\u00e9\ud83d\ude00", -0, 1e2, -12.5e-1, 9223372036854775807, 99999999999999999999])",
                        value, error))
      << error;
  ASSERT_EQ(value.elements.size(), 7u);
  EXPECT_EQ(value.elements[0].string, "a\"b\\/\n\t");
  EXPECT_EQ(value.elements[1].string, "\xC3\xA9\xF0\x9F\x98\x80");
  EXPECT_TRUE(value.elements[2].isInteger);
  EXPECT_EQ(value.elements[2].integer, 0);
  EXPECT_FALSE(value.elements[3].isInteger); // written with an exponent
  EXPECT_DOUBLE_EQ(value.elements[3].number, 100.0);
  EXPECT_DOUBLE_EQ(value.elements[4].number, -1.25);
  EXPECT_EQ(value.elements[5].integer, INT64_MAX);
  EXPECT_FALSE(value.elements[6].isInteger); // beyond int64_t, still a number
  EXPECT_DOUBLE_EQ(value.elements[6].number, 1e20);
  ASSERT_TRUE(parseJson(" \t\r\n{ } \n", value, error)) << error;
  EXPECT_TRUE(value.isObject());
}

TEST(Json, MalformedInputsAreErrorsWithPositions) {
  EXPECT_EQ(errorOf(""), "line 1, column 1: unexpected end of input (expected a JSON value)");
  EXPECT_EQ(errorOf("[1,\n 2,]"), "line 2, column 4: unexpected character ']' (expected a JSON value)");
  EXPECT_NE(errorOf("{\"a\": 1,}").find("expected a string key"), std::string::npos);
  EXPECT_NE(errorOf("{\"a\" 1}").find("expected ':'"), std::string::npos);
  EXPECT_NE(errorOf("{\"a\": 1 \"b\": 2}").find("expected ',' or '}'"), std::string::npos);
  EXPECT_NE(errorOf("[1 2]").find("expected ',' or ']'"), std::string::npos);
  EXPECT_NE(errorOf("\"abc").find("unterminated string"), std::string::npos);
  EXPECT_NE(errorOf("\"a\\qb\"").find("invalid escape"), std::string::npos);
  EXPECT_NE(errorOf("\"\\u12G4\"").find("four hex digits"), std::string::npos);
  EXPECT_NE(errorOf("\"\\ud800\"").find("unpaired high surrogate"), std::string::npos);
  EXPECT_NE(errorOf("\"\\udc00\"").find("unpaired low surrogate"), std::string::npos);
  EXPECT_NE(errorOf("\"a\nb\"").find("control character"), std::string::npos);
  EXPECT_NE(errorOf("012").find("leading zeros"), std::string::npos);
  EXPECT_NE(errorOf("-").find("expected a digit"), std::string::npos);
  EXPECT_NE(errorOf("1.").find("after the decimal point"), std::string::npos);
  EXPECT_NE(errorOf("1e+").find("exponent"), std::string::npos);
  EXPECT_NE(errorOf("1e400").find("out of range"), std::string::npos);
  EXPECT_NE(errorOf("+1").find("unexpected character '+'"), std::string::npos);
  EXPECT_NE(errorOf("NaN").find("unexpected character 'N'"), std::string::npos);
  EXPECT_NE(errorOf("tru").find("invalid literal"), std::string::npos);
  EXPECT_NE(errorOf("nulls").find("unexpected text after"), std::string::npos);
  EXPECT_NE(errorOf("{} {}").find("unexpected text after"), std::string::npos);
  EXPECT_NE(errorOf("// c\n{}").find("unexpected character '/'"), std::string::npos);
  EXPECT_NE(errorOf("{\"a\": 1, \"a\": 2}").find("duplicate key \"a\""), std::string::npos);
  EXPECT_NE(errorOf(std::string("[1,\0 2]", 7)).find("unexpected character"), std::string::npos);
}

TEST(Json, DeepNestingIsAnErrorNotAStackOverflow) {
  std::string deep(100000, '[');
  EXPECT_NE(errorOf(deep).find("nesting deeper than 64"), std::string::npos);
  std::string ok = std::string(60, '[') + std::string(60, ']');
  EXPECT_EQ(errorOf(ok), "");
}

TEST(Json, EveryTruncationOfTheManifestIsAnError) {
  std::string text = moda::test::exampleManifest();
  size_t lastNonSpace = text.find_last_not_of(" \n");
  for (size_t length = 0; length <= lastNonSpace; ++length)
    ASSERT_NE(errorOf(text.substr(0, length)), "") << "prefix of " << length;
  EXPECT_EQ(errorOf(text), "");
}

TEST(Json, CorruptedBytesNeverCrash) {
  std::string text = moda::test::exampleManifest();
  const char replacements[] = {'"', '{', '}', '[', ']', ',', ':', '\\', 'x',
                               '0', '\0', '\x80'};
  int errors = 0;
  for (size_t at = 0; at < text.size(); at += 7) {
    for (char replacement : replacements) {
      std::string corrupted = text;
      corrupted[at] = replacement;
      errors += errorOf(corrupted).empty() ? 0 : 1;
    }
  }
  EXPECT_GT(errors, 0); // and, above all, no crash
}

} // namespace
