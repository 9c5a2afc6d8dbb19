// SPDX-License-Identifier: GPL-2.0-only
/*
 * Text form of Hyper-V GUIDs.
 *
 * Parsing is strict on purpose: GUID text comes from people (module
 * parameters, sysfs writes), and a sloppy parse would turn a typo into a
 * different device.  Nothing in hvis_vmbus parses one yet; the KUnit suite
 * holds the parser to that standard until something does.  Neither is
 * exported: no other module needs them (hvis_sim parses with guid_parse()).
 */
#include <linux/kernel.h>
#include <linux/string.h>
#include <linux/errno.h>

#include <hvis/guid.h>

/* Byte i of guid_t is at text offset guid_pos[i]: fields 1-3 are reversed. */
static const u8 guid_pos[16] = {
	6, 4, 2, 0, 11, 9, 16, 14, 19, 21, 24, 26, 28, 30, 32, 34
};

static int hex_byte(const char *s)
{
	int hi = hex_to_bin(s[0]);
	int lo = hex_to_bin(s[1]);

	if (hi < 0 || lo < 0)
		return -EINVAL;
	return hi << 4 | lo;
}

/**
 * hvis_guid_parse() - parse the 36-character text form of a GUID
 * @s: text, not necessarily NUL-terminated
 * @len: length of @s; one trailing newline (from a sysfs write) and one
 *	pair of enclosing braces (as Windows prints them) are accepted
 * @out: the GUID, written only on success
 *
 * Return: 0, or -EINVAL if @s is not exactly one GUID.
 */
int hvis_guid_parse(const char *s, size_t len, guid_t *out)
{
	guid_t g;
	int i, b;

	if (len && s[len - 1] == '\n')
		len--;
	if (len == HVIS_GUID_STRLEN + 2 && s[0] == '{' && s[len - 1] == '}') {
		s++;
		len -= 2;
	}
	if (len != HVIS_GUID_STRLEN)
		return -EINVAL;
	if (s[8] != '-' || s[13] != '-' || s[18] != '-' || s[23] != '-')
		return -EINVAL;
	for (i = 0; i < 16; i++) {
		b = hex_byte(s + guid_pos[i]);
		if (b < 0)
			return -EINVAL;
		g.b[i] = b;
	}
	*out = g;
	return 0;
}

/**
 * hvis_guid_format() - the text form used for sysfs names and attributes
 * @g: the GUID
 * @buf: receives 36 lower-case characters and a NUL
 */
void hvis_guid_format(const guid_t *g, char buf[HVIS_GUID_STRLEN + 1])
{
	snprintf(buf, HVIS_GUID_STRLEN + 1, "%pUl", g);
}
