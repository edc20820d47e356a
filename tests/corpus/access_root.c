/*
 * access(2) as root: read and write are granted whatever the mode
 * (base/noperm.txt 0000, base/ro.txt 0444), execute needs at least one x
 * bit (EACCES on a 0644 file, granted on base/exec.sh and on directories);
 * F_OK on a missing name or a dangling link is ENOENT; a bad mode EINVAL.
 */
#include "corpus.h"

int main(void)
{
	rc("access(base/noperm.txt, R_OK|W_OK)", access("base/noperm.txt", R_OK | W_OK));
	rc("access(base/noperm.txt, X_OK)", access("base/noperm.txt", X_OK));
	rc("access(base/ro.txt, W_OK)", access("base/ro.txt", W_OK));
	rc("access(base/a.txt, X_OK)", access("base/a.txt", X_OK));
	rc("access(base/exec.sh, X_OK)", access("base/exec.sh", X_OK));
	rc("access(priv, R_OK|W_OK|X_OK)", access("priv", R_OK | W_OK | X_OK));
	rc("access(rodir, W_OK)", access("rodir", W_OK));
	rc("access(base/missing, F_OK)", access("base/missing", F_OK));
	rc("unlink(base/c.txt)", unlink("base/c.txt"));
	rc("access(base/slink, F_OK)", access("base/slink", F_OK));
	rc("access(base/loop1, F_OK)", access("base/loop1", F_OK));
	rc("access(base/a.txt/x, F_OK)", access("base/a.txt/x", F_OK));
	rc("access(base/a.txt, 8)", access("base/a.txt", 8));
	put_file("base/new", "#!/bin/sh\n", 0600);
	rc("access(base/new, X_OK)", access("base/new", X_OK));
	rc("chmod(base/new, 0610)", chmod("base/new", 0610));
	rc("access(base/new, X_OK)", access("base/new", X_OK));
	rc("mkdir(base/nd)", mkdir("base/nd", 0));
	rc("access(base/nd, X_OK)", access("base/nd", X_OK));
	return 0;
}
