/*
 * symlink(2) to a name that does not exist makes a dangling link: lstat
 * sees it, stat and open are ENOENT, readlink gives the text back; once the
 * target is created (through the link with O_CREAT, which follows it) the
 * link resolves, and removing the target makes it dangle again.
 */
#include "corpus.h"

int main(void)
{
	int fd;

	rc("symlink(target, base/dl)", symlink("target", "base/dl"));
	show_lstat("lstat(base/dl)", "base/dl");
	show_stat("stat(base/dl)", "base/dl");
	rcfd("open(base/dl)", open("base/dl", O_RDONLY));
	show_link("readlink(base/dl)", "base/dl");
	fd = rcfd("open(base/dl, O_CREAT)", open("base/dl", O_WRONLY | O_CREAT, 0600));
	rc("write", write(fd, "made via link\n", 14));
	close(fd);
	show_stat("stat(base/dl)", "base/dl");
	show_file("cat base/target", "base/target");
	rc("unlink(base/target)", unlink("base/target"));
	show_stat("stat(base/dl) again", "base/dl");
	rc("symlink(no/such/dir/f, base/dl2)", symlink("no/such/dir/f", "base/dl2"));
	rcfd("open(base/dl2, O_CREAT)", open("base/dl2", O_WRONLY | O_CREAT, 0600));
	rc("symlink(nope, base/dl3)", symlink("nope", "base/dl3"));
	rcfd("open(base/dl3, O_CREAT|O_EXCL)", open("base/dl3", O_WRONLY | O_CREAT | O_EXCL, 0600));
	rc("unlink(base/a.txt)", unlink("base/a.txt"));
	show_stat("stat(base/link) after its target went", "base/link");
	show_lstat("lstat(base/link)", "base/link");
	return 0;
}
