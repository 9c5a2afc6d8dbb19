// SPDX-License-Identifier: GPL-2.0-only
/*
 * The UTF-16LE/UTF-8 converter, drivers/ic/utf.c, compiled here as the tools
 * compile it: what the KVP and file-copy services and hvsim do with the
 * strings a host or a daemon hands them.  One "PASS|FAIL unit/utf/NAME" line
 * per case; exits 1 if any failed.
 */
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include <hvis/utf.h>

static int failed;

static void check(const char *name, bool ok, const char *why)
{
	printf("%s unit/utf/%s%s%s%s\n", ok ? "PASS" : "FAIL", name, ok ? "" : " (",
	       ok ? "" : why, ok ? "" : ")");
	if (!ok)
		failed = 1;
}

/* UTF-16LE bytes of up to 8 units, at an odd offset as in a packed message. */
struct units {
	unsigned char pad;
	unsigned char b[16];
};

static void put_units(struct units *u, const unsigned int *v, size_t n)
{
	size_t i;

	memset(u, 0x5a, sizeof(*u));
	for (i = 0; i < n; i++) {
		u->b[2 * i] = v[i] & 0xff;
		u->b[2 * i + 1] = v[i] >> 8;
	}
}

/* hvis_ic_utf16_to_utf8 of @n units (@units of them given) must give @want (or @err). */
static void to8(const char *name, const unsigned int *v, size_t n, size_t size, int err,
		const char *want)
{
	char out[64], why[160];
	struct units u;
	int ret;

	put_units(&u, v, n);
	memset(out, 'x', sizeof(out));
	ret = hvis_ic_utf16_to_utf8(u.b, n, out, size);
	if (err) {
		snprintf(why, sizeof(why), "returned %d, not %d", ret, err);
		check(name, ret == err, why);
		return;
	}
	snprintf(why, sizeof(why), "returned %d \"%.*s\", not %zu \"%s\"", ret,
		 ret > 0 ? ret : 0, out, strlen(want), want);
	check(name, ret == (int)strlen(want) && !memcmp(out, want, strlen(want) + 1), why);
}

/*
 * hvis_ic_utf8_to_utf16 of @in into @units units must give @want (@nwant
 * units before the NUL, the rest of the field zero) or @err, and
 * *truncated @cut when @trunc asks for truncation.
 */
static void to16(const char *name, const char *in, size_t len, size_t units, bool trunc,
		 int err, const unsigned int *want, size_t nwant, bool cut)
{
	unsigned char out[2 * 8 + 2];
	bool got_cut = !cut, ok;
	char why[160];
	size_t i;
	int ret;

	memset(out, 0xee, sizeof(out));
	ret = hvis_ic_utf8_to_utf16(in, len, out, units, trunc ? &got_cut : NULL);
	if (err) {
		snprintf(why, sizeof(why), "returned %d, not %d", ret, err);
		check(name, ret == err, why);
		return;
	}
	ok = ret == (int)nwant && (!trunc || got_cut == cut);
	for (i = 0; ok && i < units; i++)
		ok = (unsigned int)(out[2 * i] | out[2 * i + 1] << 8) == (i < nwant ? want[i] : 0);
	/* Nothing past the field. */
	ok = ok && out[2 * units] == 0xee;
	snprintf(why, sizeof(why), "returned %d (truncated %d), units %02x%02x %02x%02x %02x%02x",
		 ret, got_cut, out[1], out[0], out[3], out[2], out[5], out[4]);
	check(name, ok, why);
}

#define N(...)	((const unsigned int[]){ __VA_ARGS__ }), \
		sizeof((const unsigned int[]){ __VA_ARGS__ }) / sizeof(unsigned int)
#define S(s)	s, sizeof(s) - 1

int main(void)
{
	/* UTF-16LE to UTF-8: what the host sends, for a daemon or hvsim. */
	to8("16to8-ascii", N('h', 'v', 0), 16, 0, "hv");
	to8("16to8-stops-at-nul", N('a', 0, 'b'), 16, 0, "a");
	to8("16to8-no-nul-within-units", N('a', 'b'), 16, 0, "ab");
	to8("16to8-two-three-bytes", N(0xe9, 0x20ac, 0), 16, 0, "\xc3\xa9\xe2\x82\xac");
	to8("16to8-surrogate-pair", N(0xd83d, 0xde00, 0), 16, 0, "\xf0\x9f\x98\x80");
	to8("16to8-highest", N(0xdbff, 0xdfff, 0), 16, 0, "\xf4\x8f\xbf\xbf");
	to8("16to8-lone-high-at-end", N('a', 0xd83d), 16, -EILSEQ, NULL);
	to8("16to8-high-then-nul", N(0xd83d, 0), 16, -EILSEQ, NULL);
	to8("16to8-high-then-letter", N(0xd83d, 'a', 0), 16, -EILSEQ, NULL);
	to8("16to8-lone-low", N(0xde00, 0), 16, -EILSEQ, NULL);
	to8("16to8-reversed-pair", N(0xde00, 0xd83d, 0), 16, -EILSEQ, NULL);
	to8("16to8-fits-exactly", N('a', 'b', 'c', 0), 4, 0, "abc");
	to8("16to8-one-byte-short", N('a', 'b', 'c', 0), 3, -E2BIG, NULL);
	to8("16to8-pair-does-not-fit", N('a', 0xd83d, 0xde00, 0), 5, -E2BIG, NULL);
	to8("16to8-no-room", N('a', 0), 0, -E2BIG, NULL);
	to8("16to8-empty", N(0), 1, 0, "");

	/* UTF-8 to UTF-16LE: what a daemon or a hvsim user writes, for the host. */
	to16("8to16-ascii", S("hv"), 4, false, 0, N('h', 'v'), false);
	to16("8to16-two-three-bytes", S("\xc3\xa9\xe2\x82\xac"), 4, false, 0, N(0xe9, 0x20ac),
	     false);
	to16("8to16-surrogate-pair", S("\xf0\x9f\x98\x80"), 4, false, 0, N(0xd83d, 0xde00),
	     false);
	to16("8to16-highest", S("\xf4\x8f\xbf\xbf"), 4, false, 0, N(0xdbff, 0xdfff), false);
	to16("8to16-overlong-slash", S("\xc0\xaf"), 4, false, -EILSEQ, NULL, 0, false);
	to16("8to16-overlong-nul", S("\xc0\x80"), 4, false, -EILSEQ, NULL, 0, false);
	to16("8to16-overlong-three", S("\xe0\x80\xaf"), 4, false, -EILSEQ, NULL, 0, false);
	to16("8to16-overlong-four", S("\xf0\x80\x80\xaf"), 4, false, -EILSEQ, NULL, 0, false);
	to16("8to16-encoded-surrogate", S("\xed\xa0\x80"), 4, false, -EILSEQ, NULL, 0, false);
	to16("8to16-beyond-10ffff", S("\xf4\x90\x80\x80"), 4, false, -EILSEQ, NULL, 0, false);
	to16("8to16-lead-f5", S("\xf5\x80\x80\x80"), 4, false, -EILSEQ, NULL, 0, false);
	to16("8to16-stray-continuation", S("a\x80"), 4, false, -EILSEQ, NULL, 0, false);
	to16("8to16-cut-sequence", S("a\xe2\x82"), 4, false, -EILSEQ, NULL, 0, false);
	to16("8to16-bad-continuation", S("\xe2\x28\xac"), 4, false, -EILSEQ, NULL, 0, false);
	to16("8to16-embedded-nul", "a\0b", 3, 4, false, -EILSEQ, NULL, 0, false);
	to16("8to16-fits-exactly", S("abc"), 4, false, 0, N('a', 'b', 'c'), false);
	to16("8to16-too-long", S("abcd"), 4, false, -E2BIG, NULL, 0, false);
	to16("8to16-no-room", S("a"), 0, false, -E2BIG, NULL, 0, false);
	to16("8to16-empty", S(""), 2, false, 0, NULL, 0, false);
	/* Truncation when asked: cut after the last whole character. */
	to16("8to16-truncated", S("abcd"), 4, true, 0, N('a', 'b', 'c'), true);
	to16("8to16-not-truncated", S("abc"), 4, true, 0, N('a', 'b', 'c'), false);
	to16("8to16-truncated-before-pair", S("ab\xf0\x9f\x98\x80"), 4, true, 0, N('a', 'b'),
	     true);
	/* The whole string is checked, also past the cut. */
	to16("8to16-invalid-after-cut", S("abcd\xff"), 4, true, -EILSEQ, NULL, 0, false);
	return failed;
}
