/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Malformed mapping files, each with the fault the parser must find (tests/unit/test-mapping.c)
 * and the exact words the CLI makes of it (tests/cli/test-mapping-words.c): one table, so the
 * facts and their words are checked on the same files.
 */
#ifndef TDXCTL_MAPPING_CASES_H
#define TDXCTL_MAPPING_CASES_H

#define ENTRY(v, min, seamldr, f0)							\
	"{ \"version\": " v ", \"min_module_version_for_td_preserving\": " min		\
	", \"min_seamldr_versions\": " seamldr ", \"tdx_feature0\": " f0 " }"
#define GOOD_ENTRY	ENTRY("\"1.5.16\"", "\"1.5.01\"", "[ \"1.5.00\", \"2.0.00\" ]", "\"0x226F3F0FBF\"")
#define FILE_OF(...)	"{ \"tdx_module_releases\": [ " __VA_ARGS__ " ] }"

static const struct {
	const char *name;
	const char *json;
	enum tdx_mapping_fault fault;
	const char *words;	/* mapping_refusal_words() of the refusal */
} malformed[] = {
	{ "empty", "", TDX_MAPPING_FAULT_EMPTY,
	  "empty" },
	{ "blank", "  \n", TDX_MAPPING_FAULT_UNENDED,
	  "not valid JSON: unexpected end of text (near byte 3)" },
	{ "not JSON", "version = 1.5.16", TDX_MAPPING_FAULT_SYNTAX,
	  "not valid JSON: unexpected character (near byte 0)" },
	{ "truncated", "{ \"tdx_module_releases\": [ " GOOD_ENTRY, TDX_MAPPING_FAULT_UNENDED,
	  "not valid JSON: unexpected end of text (near byte 180)" },
	{ "trailing text", FILE_OF(GOOD_ENTRY) " x", TDX_MAPPING_FAULT_TRAILING,
	  "text after the JSON object at byte 185" },
	{ "two objects", FILE_OF(GOOD_ENTRY) FILE_OF(GOOD_ENTRY), TDX_MAPPING_FAULT_TRAILING,
	  "text after the JSON object at byte 184" },
	{ "top level array", "[ " GOOD_ENTRY " ]", TDX_MAPPING_FAULT_TYPE,
	  "the top level is an array, expected an object" },
	{ "top level string", "\"x\"", TDX_MAPPING_FAULT_TYPE,
	  "the top level is a string, expected an object" },
	{ "no releases", "{ \"Header\": { \"Version\": \"1.0\" } }",
	  TDX_MAPPING_FAULT_MISSING,
	  "key \"tdx_module_releases\" is missing" },
	{ "releases object", "{ \"tdx_module_releases\": " GOOD_ENTRY " }",
	  TDX_MAPPING_FAULT_TYPE,
	  "key \"tdx_module_releases\" is an object, expected an array" },
	{ "releases empty", FILE_OF(), TDX_MAPPING_FAULT_NO_RELEASE,
	  "\"tdx_module_releases\" lists no release" },
	{ "entry not object", FILE_OF("\"1.5.16\""), TDX_MAPPING_FAULT_TYPE,
	  "entry 0 of \"tdx_module_releases\" is a string, expected an object" },
	{ "missing version",
	  FILE_OF("{ \"min_module_version_for_td_preserving\": \"1.5.01\", "
		  "\"min_seamldr_versions\": [ \"1.5.00\" ], \"tdx_feature0\": \"0x1\" }"),
	  TDX_MAPPING_FAULT_MISSING,
	  "entry 0: key \"version\" is missing" },
	{ "missing min",
	  FILE_OF("{ \"version\": \"1.5.16\", \"min_seamldr_versions\": [ \"1.5.00\" ], "
		  "\"tdx_feature0\": \"0x1\" }"),
	  TDX_MAPPING_FAULT_MISSING,
	  "entry 0 (version \"1.5.16\"): key \"min_module_version_for_td_preserving\" is missing" },
	{ "missing seamldr",
	  FILE_OF("{ \"version\": \"1.5.16\", \"min_module_version_for_td_preserving\": \"1.5.01\", "
		  "\"tdx_feature0\": \"0x1\" }"),
	  TDX_MAPPING_FAULT_MISSING,
	  "entry 0 (version \"1.5.16\"): key \"min_seamldr_versions\" is missing" },
	{ "missing features",
	  FILE_OF("{ \"version\": \"1.5.16\", \"min_module_version_for_td_preserving\": \"1.5.01\", "
		  "\"min_seamldr_versions\": [ \"1.5.00\" ] }"),
	  TDX_MAPPING_FAULT_MISSING,
	  "entry 0 (version \"1.5.16\"): key \"tdx_feature0\" is missing" },
	{ "second entry broken",
	  FILE_OF(GOOD_ENTRY ", " ENTRY("\"1.5.17\"", "\"1.5.01\"", "[ \"1.5.00\" ]", "1")),
	  TDX_MAPPING_FAULT_TYPE,
	  "entry 1 (version \"1.5.17\"): key \"tdx_feature0\" is an integer, expected a string" },
	{ "version number", FILE_OF(ENTRY("1.5", "\"1.5.01\"", "[ \"1.5.00\" ]", "\"0x1\"")),
	  TDX_MAPPING_FAULT_TYPE,
	  "entry 0: key \"version\" is a fraction, expected a string" },
	{ "version null", FILE_OF(ENTRY("null", "\"1.5.01\"", "[ \"1.5.00\" ]", "\"0x1\"")),
	  TDX_MAPPING_FAULT_TYPE,
	  "entry 0: key \"version\" is null, expected a string" },
	{ "version two parts", FILE_OF(ENTRY("\"1.5\"", "\"1.5.01\"", "[ \"1.5.00\" ]", "\"0x1\"")),
	  TDX_MAPPING_FAULT_VERSION,
	  "entry 0 (version \"1.5\"): key \"version\": \"1.5\" is not a version X.Y.ZZ" },
	{ "version four parts",
	  FILE_OF(ENTRY("\"1.5.16.1\"", "\"1.5.01\"", "[ \"1.5.00\" ]", "\"0x1\"")),
	  TDX_MAPPING_FAULT_VERSION,
	  "entry 0 (version \"1.5.16.1\"): key \"version\": \"1.5.16.1\" is not a version X.Y.ZZ" },
	{ "version letters", FILE_OF(ENTRY("\"v1.5.16\"", "\"1.5.01\"", "[ \"1.5.00\" ]", "\"0x1\"")),
	  TDX_MAPPING_FAULT_VERSION,
	  "entry 0 (version \"v1.5.16\"): key \"version\": \"v1.5.16\" is not a version X.Y.ZZ" },
	{ "version newline",
	  FILE_OF(ENTRY("\"1.5.16\\n\"", "\"1.5.01\"", "[ \"1.5.00\" ]", "\"0x1\"")),
	  TDX_MAPPING_FAULT_VERSION,
	  "entry 0 (version \"1.5.16\\n\"): key \"version\": \"1.5.16\\n\" is not a version X.Y.ZZ" },
	{ "version empty", FILE_OF(ENTRY("\"\"", "\"1.5.01\"", "[ \"1.5.00\" ]", "\"0x1\"")),
	  TDX_MAPPING_FAULT_VERSION,
	  "entry 0: key \"version\": \"\" is not a version X.Y.ZZ" },
	{ "version range", FILE_OF(ENTRY("\"256.0.00\"", "\"1.5.01\"", "[ \"1.5.00\" ]", "\"0x1\"")),
	  TDX_MAPPING_FAULT_VERSION,
	  "entry 0 (version \"256.0.00\"): key \"version\": \"256.0.00\" is not a version X.Y.ZZ" },
	{ "min bad", FILE_OF(ENTRY("\"1.5.16\"", "\"1.5.x\"", "[ \"1.5.00\" ]", "\"0x1\"")),
	  TDX_MAPPING_FAULT_VERSION,
	  "entry 0 (version \"1.5.16\"): key \"min_module_version_for_td_preserving\": "
	  "\"1.5.x\" is not a version X.Y.ZZ" },
	{ "seamldr string", FILE_OF(ENTRY("\"1.5.16\"", "\"1.5.01\"", "\"1.5.00\"", "\"0x1\"")),
	  TDX_MAPPING_FAULT_TYPE,
	  "entry 0 (version \"1.5.16\"): key \"min_seamldr_versions\" is a string, "
	  "expected an array of strings" },
	{ "seamldr empty", FILE_OF(ENTRY("\"1.5.16\"", "\"1.5.01\"", "[ ]", "\"0x1\"")),
	  TDX_MAPPING_FAULT_COUNT,
	  "entry 0 (version \"1.5.16\"): key \"min_seamldr_versions\" has 0 entries, "
	  "expected 1 to 16" },
	{ "seamldr 17",
	  FILE_OF(ENTRY("\"1.5.16\"", "\"1.5.01\"",
			"[ \"1.5.00\", \"1.5.00\", \"1.5.00\", \"1.5.00\", \"1.5.00\", \"1.5.00\", "
			"\"1.5.00\", \"1.5.00\", \"1.5.00\", \"1.5.00\", \"1.5.00\", \"1.5.00\", "
			"\"1.5.00\", \"1.5.00\", \"1.5.00\", \"1.5.00\", \"1.5.00\" ]", "\"0x1\"")),
	  TDX_MAPPING_FAULT_COUNT,
	  "entry 0 (version \"1.5.16\"): key \"min_seamldr_versions\" has 17 entries, "
	  "expected 1 to 16" },
	{ "seamldr element number",
	  FILE_OF(ENTRY("\"1.5.16\"", "\"1.5.01\"", "[ \"1.5.00\", 2 ]", "\"0x1\"")),
	  TDX_MAPPING_FAULT_TYPE,
	  "entry 0 (version \"1.5.16\"): key \"min_seamldr_versions[1]\" is an integer, "
	  "expected a string" },
	{ "seamldr element bad",
	  FILE_OF(ENTRY("\"1.5.16\"", "\"1.5.01\"", "[ \"1.5.00\", \"2.0\" ]", "\"0x1\"")),
	  TDX_MAPPING_FAULT_VERSION,
	  "entry 0 (version \"1.5.16\"): key \"min_seamldr_versions[1]\": \"2.0\" is not a "
	  "version X.Y.ZZ" },
	{ "features no 0x", FILE_OF(ENTRY("\"1.5.16\"", "\"1.5.01\"", "[ \"1.5.00\" ]", "\"226F\"")),
	  TDX_MAPPING_FAULT_HEX,
	  "entry 0 (version \"1.5.16\"): key \"tdx_feature0\": \"226F\" is not a hex "
	  "number 0x... of at most 64 bits" },
	{ "features bare 0x", FILE_OF(ENTRY("\"1.5.16\"", "\"1.5.01\"", "[ \"1.5.00\" ]", "\"0x\"")),
	  TDX_MAPPING_FAULT_HEX,
	  "entry 0 (version \"1.5.16\"): key \"tdx_feature0\": \"0x\" is not a hex number "
	  "0x... of at most 64 bits" },
	{ "features not hex", FILE_OF(ENTRY("\"1.5.16\"", "\"1.5.01\"", "[ \"1.5.00\" ]", "\"0xZZ\"")),
	  TDX_MAPPING_FAULT_HEX,
	  "entry 0 (version \"1.5.16\"): key \"tdx_feature0\": \"0xZZ\" is not a hex "
	  "number 0x... of at most 64 bits" },
	{ "features space",
	  FILE_OF(ENTRY("\"1.5.16\"", "\"1.5.01\"", "[ \"1.5.00\" ]", "\"0x1F \"")),
	  TDX_MAPPING_FAULT_HEX,
	  "entry 0 (version \"1.5.16\"): key \"tdx_feature0\": \"0x1F \" is not a hex "
	  "number 0x... of at most 64 bits" },
	{ "features 65 bits",
	  FILE_OF(ENTRY("\"1.5.16\"", "\"1.5.01\"", "[ \"1.5.00\" ]", "\"0x1FFFFFFFFFFFFFFFF\"")),
	  TDX_MAPPING_FAULT_HEX,
	  "entry 0 (version \"1.5.16\"): key \"tdx_feature0\": \"0x1FFFFFFFFFFFFFFFF\" is "
	  "not a hex number 0x... of at most 64 bits" },
	{ "duplicate", FILE_OF(GOOD_ENTRY ", " GOOD_ENTRY),
	  TDX_MAPPING_FAULT_DUPLICATE,
	  "entry 1: version 1.5.16 is already listed by entry 0" },
};

#endif /* TDXCTL_MAPPING_CASES_H */
