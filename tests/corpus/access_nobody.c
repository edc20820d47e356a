/*
 * access(2) as nobody follows the mode bits: R_OK on base/noperm.txt and
 * base/wonly.txt, W_OK on base/ro.txt and on base/ (root's 0755), any
 * check below priv/ (0700) are EACCES; W_OK on base/wonly.txt, X_OK on
 * base/exec.sh, W_OK on open/ and on nobody's own files are granted.
 */
#include "corpus.h"

int main(void)
{
	become_nobody();
	rc("access(base/noperm.txt, R_OK)", access("base/noperm.txt", R_OK));
	rc("access(base/noperm.txt, F_OK)", access("base/noperm.txt", F_OK));
	rc("access(base/wonly.txt, R_OK)", access("base/wonly.txt", R_OK));
	rc("access(base/wonly.txt, W_OK)", access("base/wonly.txt", W_OK));
	rc("access(base/ro.txt, R_OK)", access("base/ro.txt", R_OK));
	rc("access(base/ro.txt, W_OK)", access("base/ro.txt", W_OK));
	rc("access(base/exec.sh, R_OK|X_OK)", access("base/exec.sh", R_OK | X_OK));
	rc("access(base, W_OK)", access("base", W_OK));
	rc("access(priv/secret, F_OK)", access("priv/secret", F_OK));
	rc("access(priv, R_OK)", access("priv", R_OK));
	rc("access(open, W_OK|X_OK)", access("open", W_OK | X_OK));
	rc("access(open/f, W_OK)", access("open/f", W_OK));
	rc("access(pub/nobodyfile, R_OK|W_OK)", access("pub/nobodyfile", R_OK | W_OK));
	rc("access(rodir, W_OK)", access("rodir", W_OK));
	rc("access(open/nbdir, W_OK)", access("open/nbdir", W_OK));
	return 0;
}
