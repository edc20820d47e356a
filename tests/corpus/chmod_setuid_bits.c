/*
 * chmod(2) keeps the setuid, setgid and sticky bits it is given on a real
 * file and a real directory; as nobody, chmod with setgid of one's own file
 * whose group one is not in silently drops the setgid bit (the kernel's
 * rule), while setuid stays.
 */
#include "corpus.h"

int main(void)
{
	rc("chmod(base/exec.sh, 06755)", chmod("base/exec.sh", 06755));
	show_stat("stat(base/exec.sh)", "base/exec.sh");
	rc("chmod(base/a.txt, 04644)", chmod("base/a.txt", 04644));
	show_stat("stat(base/a.txt)", "base/a.txt");
	rc("chmod(base/dir, 03775)", chmod("base/dir", 03775));
	show_stat("stat(base/dir)", "base/dir");
	put_file("open/mine", "mine\n", 0644);
	rc("chown(open/mine, 65534, 0)", chown("open/mine", 65534, 0));
	rc("chown(open/nbdir, 65534, 0)", chown("open/nbdir", 65534, 0));
	become_nobody();
	rc("chmod(open/mine, 06755) as nobody", chmod("open/mine", 06755));
	show_stat("stat(open/mine)", "open/mine");
	rc("chmod(open/nbdir, 02775) as nobody", chmod("open/nbdir", 02775));
	show_stat("stat(open/nbdir)", "open/nbdir");
	rc("chmod(pub/nobodyfile, 02640) as nobody", chmod("pub/nobodyfile", 02640));
	show_stat("stat(pub/nobodyfile)", "pub/nobodyfile");
	return 0;
}
