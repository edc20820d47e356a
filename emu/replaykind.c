/*
 * emu/replaykind.c — which calls replay re-runs, and how a /proc/self/fd
 * path names a descriptor.  Shared by the recorder (emu/replayrec.c) and
 * the executor (replay/exec.c); it depends on nothing else, so the
 * executor links without the recorder, cow/ or SQLite.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "emu/replayrec.h"
#include "emu/syscalls.h"

/* ------------------------------------------------------------ the table */

static const signed char kinds[] = {
#define P EMU_RK_PATH
#define F EMU_RK_FD
#define S EMU_RK_STATE
	[0] = F,   [1] = F,   [2] = P,	 [3] = S,   [4] = P,   [5] = F,	  [6] = P,
	[8] = F,   [17] = F,  [18] = F,	 [19] = F,  [20] = F,  [21] = P,  [32] = S,
	[33] = S,  [40] = F,  [41] = S,  [42] = S,  [49] = S,  [50] = S,  [56] = S,	 [57] = S,  [58] = S,  [59] = S,  [72] = S,
	[74] = F,  [75] = F,  [76] = P,	 [77] = F,  [78] = F,  [79] = P,  [80] = P,
	[81] = F,  [82] = P,  [83] = P,	 [84] = P,  [85] = P,  [86] = P,  [87] = P,
	[88] = P,  [89] = P,  [90] = P,	 [91] = F,  [92] = P,  [93] = F,  [94] = P,
	[95] = S,  [105] = S, [106] = S, [113] = S, [114] = S, [116] = S, [117] = S,
	[119] = S, [122] = S, [123] = S, [132] = P, [133] = P, [137] = P, [138] = F, [188] = P, [189] = P,
	[190] = F, [191] = P, [192] = P, [193] = F, [194] = P, [195] = P, [196] = F,
	[197] = P, [198] = P, [199] = F, [217] = F, [235] = P,
	[257] = P, [258] = P, [259] = P, [260] = P, [261] = P, [262] = P, [263] = P,
	[264] = P, [265] = P, [266] = P, [267] = P, [268] = P, [269] = P, [272] = S, [280] = P,
	[285] = F, [292] = S, [295] = F, [296] = F, [316] = P, [322] = S, [326] = F,
	[327] = F, [328] = F, [332] = P, [435] = S, [436] = S, [437] = P, [439] = P,
	[452] = P,
#undef P
#undef F
#undef S
};

enum emu_replay_kind emu_replay_kind(int abi, long nr)
{
	if (abi != EMU_ABI_X86_64 || nr < 0 || nr >= (long)sizeof(kinds))
		return EMU_RK_NONE;
	return (enum emu_replay_kind)kinds[nr];
}

bool emu_replay_is_setid(long nr)
{
	switch (nr) {
	case 105: /* setuid */
	case 106: /* setgid */
	case 113: /* setreuid */
	case 114: /* setregid */
	case 116: /* setgroups */
	case 117: /* setresuid */
	case 119: /* setresgid */
	case 122: /* setfsuid */
	case 123: /* setfsgid */
		return true;
	default:
		return false;
	}
}

size_t emu_replay_state_nrs(const int **ret)
{
	static int nrs[sizeof(kinds)];
	static size_t n;

	if (!n)
		for (size_t i = 0; i < sizeof(kinds); i++)
			if (kinds[i] == EMU_RK_STATE)
				nrs[n++] = (int)i;
	*ret = nrs;
	return n;
}

/*
 * /proc/self/fd/N (or /proc/PID/fd/N of the caller): the descriptor's
 * object, which replay reaches through its own descriptor.  Returns N, or
 * -1 when abs is not such a path.
 */
int emu_replay_proc_fd(const char *abs, int pid, int tid, const char **ret_rest)
{
	const char *p;
	char *end;
	long v;

	if (strncmp(abs, "/proc/", 6))
		return -1;
	p = abs + 6;
	if (!strncmp(p, "self/", 5)) {
		p += 5;
	} else if (!strncmp(p, "thread-self/", 12)) {
		p += 12;
	} else {
		v = strtol(p, &end, 10);
		if (end == p || *end != '/' || (pid >= 0 && v != pid && v != tid))
			return -1;
		p = end + 1;
	}
	if (strncmp(p, "fd/", 3))
		return -1;
	p += 3;
	v = strtol(p, &end, 10);
	if (end == p || v < 0 || v > INT32_MAX || (*end && *end != '/'))
		return -1;
	if (ret_rest)
		*ret_rest = end;
	return (int)v;
}


size_t emu_replay_pack_dirents(unsigned char *dst, const unsigned char *raw, size_t len, bool is64)
{
	size_t pos = 0, o = 0;

	/* Each record shrinks (19 or 18 header bytes become 1): dst may be raw. */
	while (pos + (is64 ? 19 : 18) < len) {
		uint16_t reclen;
		const char *name;
		unsigned char type;
		size_t n;

		memcpy(&reclen, raw + pos + 16, 2);
		if (!reclen || pos + reclen > len)
			break;
		type = is64 ? raw[pos + 18] : raw[pos + reclen - 1];
		name = (const char *)raw + pos + (is64 ? 19 : 18);
		n = strnlen(name, reclen - (is64 ? 19 : 18));
		dst[o++] = type;
		memmove(dst + o, name, n);
		o += n;
		dst[o++] = '\0';
		pos += reclen;
	}
	return o;
}
