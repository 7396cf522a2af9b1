//===- JsonTest.cpp - the manifests' JSON reader --------------------------===//
//
// parseJson is nlohmann/json's parser plus two rules of the runtime's own:
// no repeated keys and bounded nesting. These tests pin the behaviour the
// manifest reader relies on: what is accepted, what is refused, and that
// errors say where.
//
//===----------------------------------------------------------------------===//

#include "Json.h"
#include "TestManifests.h"

#include <gtest/gtest.h>

#include <initializer_list>

using namespace moda::runtime;

namespace {

/// The parser's error for `text`, or "" if it parsed.
std::string errorOf(const std::string &text) {
  Json value;
  std::string error;
  if (parseJson(text, value, error))
    return "";
  EXPECT_FALSE(error.empty()) << "a failure without a message: " << text;
  return error;
}

TEST(Json, ParsesTheExampleManifest) {
  Json root;
  std::string error;
  ASSERT_TRUE(parseJson(moda::test::exampleManifest(), root, error)) << error;
  ASSERT_TRUE(root.is_object());
  EXPECT_EQ(root["kernel"], "moda_attention_0");
  EXPECT_EQ(root["causal"], true);
  EXPECT_DOUBLE_EQ(root["scale"].get<double>(), 0.125);
  int64_t integer = 0;
  EXPECT_FALSE(getInt64(root["scale"], integer));
  ASSERT_TRUE(getInt64(root["head_dim"], integer));
  EXPECT_EQ(integer, 64);
  ASSERT_TRUE(root["tensors"].is_array());
  EXPECT_EQ(root["tensors"].size(), 7u);
  EXPECT_EQ(root["tensors"][6]["shape"][1], 8);
  EXPECT_TRUE(root["sizes"]["T"].is_null());
  EXPECT_EQ(root.find("absent"), root.end());
}

TEST(Json, ScalarsAndEscapes) {
  Json value;
  std::string error;
  ASSERT_TRUE(parseJson(R"(["a\"b\\\/\n\t", "\u00e9\ud83d\ude00", -0, 1e2, -12.5e-1, 9223372036854775807, 9223372036854775808, 99999999999999999999, -9223372036854775808])",
                        value, error))
      << error;
  ASSERT_EQ(value.size(), 9u);
  EXPECT_EQ(value[0], "a\"b\\/\n\t");
  EXPECT_EQ(value[1], "\xC3\xA9\xF0\x9F\x98\x80");
  int64_t integer = -1;
  ASSERT_TRUE(getInt64(value[2], integer));
  EXPECT_EQ(integer, 0);
  EXPECT_FALSE(getInt64(value[3], integer)); // written with an exponent
  EXPECT_DOUBLE_EQ(value[3].get<double>(), 100.0);
  EXPECT_DOUBLE_EQ(value[4].get<double>(), -1.25);
  ASSERT_TRUE(getInt64(value[5], integer));
  EXPECT_EQ(integer, INT64_MAX);
  EXPECT_FALSE(getInt64(value[6], integer)); // beyond int64_t, a uint64_t
  EXPECT_FALSE(getInt64(value[7], integer)); // beyond uint64_t, a double
  EXPECT_DOUBLE_EQ(value[7].get<double>(), 1e20);
  ASSERT_TRUE(getInt64(value[8], integer));
  EXPECT_EQ(integer, INT64_MIN);
  ASSERT_TRUE(parseJson(" \t\r\n{ } \n", value, error)) << error;
  EXPECT_TRUE(value.is_object());
}

TEST(Json, MalformedInputsAreErrorsWithPositions) {
  EXPECT_EQ(errorOf("").rfind("line 1, column 1: ", 0), 0u) << errorOf("");
  EXPECT_EQ(errorOf("[1,\n 2,]").rfind("line 2, column 4: ", 0), 0u)
      << errorOf("[1,\n 2,]");
  // nlohmann gives no position for this one; parseJson adds it.
  EXPECT_EQ(errorOf("[1,\n 1e400]"),
            "line 2, column 6: number overflow parsing '1e400'");
  // Each is refused with a position; none of these is JSON.
  for (const std::string &text : std::initializer_list<std::string>
       {"{\"a\": 1,}", "{\"a\" 1}", "{\"a\": 1 \"b\": 2}", "[1 2]", "\"abc",
        "\"a\\qb\"", "\"\\u12G4\"", "\"\\ud800\"", "\"\\udc00\"",
        "\"a\nb\"", "012", "-", "1.", "1e+", "1e400", "+1", "NaN",
        "Infinity", "tru", "nulls", "{} {}", "// c\n{}", "/* c */ {}",
        "{'a': 1}", "\"\xff\xfe\"", "\"\xc0\xaf\"", "\"\xed\xa0\x80\"",
        std::string("[1,\0 2]", 7)}) {
    std::string error = errorOf(text);
    EXPECT_EQ(error.rfind("line ", 0), 0u) << text << " -> " << error;
    EXPECT_NE(error.find(", column "), std::string::npos) << text;
  }
}

TEST(Json, RepeatedKeysAreErrorsThatSayWhere) {
  EXPECT_EQ(errorOf("{\"a\": 1, \"a\": 2}"),
            "duplicate key \"a\" in the top-level value");
  EXPECT_EQ(errorOf("{\"config\": {\"block_m\": 64, \"block_m\": 128}}"),
            "duplicate key \"block_m\" in config");
  EXPECT_EQ(errorOf("{\"tensors\": [{}, {\"name\": \"q\", \"name\": \"k\"}]}"),
            "duplicate key \"name\" in tensors[1]");
  // The same key in two objects is fine.
  EXPECT_EQ(errorOf("[{\"a\": 1}, {\"a\": 2}]"), "");
}

TEST(Json, DeepNestingIsAnErrorNotAStackOverflow) {
  std::string deep(100000, '[');
  EXPECT_EQ(errorOf(deep).rfind("nesting deeper than 64 levels in ", 0), 0u);
  std::string ok = std::string(64, '[') + std::string(64, ']');
  EXPECT_EQ(errorOf(ok), "");
  std::string objects;
  for (int i = 0; i < 65; ++i)
    objects += "{\"a\": ";
  EXPECT_EQ(errorOf(objects + "1" + std::string(65, '}')).rfind("nesting deeper", 0), 0u);
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
