/*
 * cow/longpath.c — names the kernel takes for paths longer than it takes.
 *
 * A name a program passes is shorter than PATH_MAX, but what it leads to
 * can be longer: relative to a deep working directory or descriptor, and
 * always once "STORE/upper" is put before it.  pcow works on absolute
 * paths, so it must give the kernel — in its own calls and in the
 * program's rewritten ones — paths of up to COW_REAL_MAX bytes.  The
 * kernel takes at most PATH_MAX bytes in one name, but follows up to 40
 * symbolic links in one lookup, each up to PATH_MAX bytes long, and
 * nested ones too.  So a long path is cut at a '/' into a head of at most
 * HEAD_MAX bytes and the rest; the head becomes the target of a symbolic
 * link in STORE/links/, and the name is the link's path followed by the
 * rest, cut again while it is too long.  A path of COW_REAL_MAX bytes
 * takes 13 links.
 *
 * Why links rather than descriptors: a name is what the program's
 * rewritten call needs (pcow cannot put a descriptor into the program
 * without making it run calls of pcow's own), and one mechanism serves
 * both sides.  The links are named by a hash of their target, made once
 * and kept (any process of any run on the store may use them; they
 * change nothing), and the program cannot change them: the store is
 * pcow's (emu/cowwalk.c, "special").
 *
 * What the kernel does with the name is what it does with the path: the
 * last component is always in the rest, so O_NOFOLLOW, AT_SYMLINK_NOFOLLOW,
 * unlink and rename act on the object itself; the head is walked as the
 * target of a link, with search permission checked on every directory of
 * it (STORE and STORE/links are 0711, like upper/).
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "cow/cow_internal.h"

/* The longest head: a '/' is at most NAME_MAX bytes before it. */
#define HEAD_MAX 3072
/* Names tried for one head when another head has its hash. */
#define HASH_PROBES 8

/*
 * A link in STORE/links/ to head (hlen bytes): its name into name.
 * Returns 0 or -errno.
 */
static int link_to(const struct cow_store *store, const char *head, size_t hlen,
		   char name[24])
{
	uint64_t h = cow_path_hash(head, hlen);
	char target[HEAD_MAX + 1];

	for (unsigned k = 0; k < HASH_PROBES; k++) {
		ssize_t n;

		snprintf(name, 24, "%016llx", (unsigned long long)(h + k));
		if (symlinkat(head, store->links_fd, name) == 0)
			return 0;
		if (errno != EEXIST)
			return -errno;
		n = readlinkat(store->links_fd, name, target, sizeof(target));
		if (n == (ssize_t)hlen && !memcmp(target, head, hlen))
			return 0;
	}
	return -EEXIST;
}

static const char *shorten(const struct cow_store *store, const char *path, size_t len)
{
	static __thread char ring[COW_KPATH_RING][PATH_MAX];
	static __thread unsigned next;
	char cur[COW_REAL_MAX], head[HEAD_MAX + 1], name[24];
	size_t dlen = strlen(store->links_dir);
	char *out;

	if (store->links_fd < 0 || path[0] != '/' || len >= sizeof(cur))
		return path;
	memcpy(cur, path, len + 1);
	while (len >= PATH_MAX) {
		size_t cut = HEAD_MAX, plen = dlen + 1 + 16;

		while (cut > 0 && cur[cut] != '/')
			cut--;
		if (cut <= plen)
			return path; /* a name over NAME_MAX, or a long store path */
		memcpy(head, cur, cut);
		head[cut] = '\0';
		if (link_to(store, head, cut, name) < 0)
			return path;
		plen = dlen + 1 + strlen(name);
		memmove(cur + plen, cur + cut, len - cut + 1);
		memcpy(cur, store->links_dir, dlen);
		cur[dlen] = '/';
		memcpy(cur + dlen + 1, name, plen - dlen - 1);
		len = plen + len - cut;
	}
	out = ring[next++ % COW_KPATH_RING];
	memcpy(out, cur, len + 1);
	return out;
}

const char *cow_kpath(const struct cow_store *store, const char *path)
{
	size_t len = strlen(path);

	return len < PATH_MAX || !store ? path : shorten(store, path, len);
}

const char *cow_rel(const struct cow_store *store, const char *virt_path)
{
	char abs[COW_REAL_MAX];
	size_t len;

	if (!virt_path[1])
		return ".";
	len = strlen(virt_path + 1);
	if (len < PATH_MAX)
		return virt_path + 1;
	if (cow_upper_path(store, virt_path, abs, sizeof(abs)) < 0)
		return virt_path + 1;
	return shorten(store, abs, strlen(abs));
}
