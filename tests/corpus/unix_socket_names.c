/*
 * AF_UNIX sockets named by a path: bind(2) makes a socket node (mode
 * 0777 less the umask; EADDRINUSE on any existing name, a dangling
 * symbolic link included; EINVAL for a socket already bound, leaving no
 * second node), connect(2), sendto(2) and sendmsg(2) find it again, also
 * after a rename of it or of a real directory above it; a name that is
 * not a bound socket is ECONNREFUSED, a missing one ENOENT.  As nobody,
 * bind needs write permission on the directory.
 */
#include "corpus.h"
#include <stddef.h>
#include <sys/socket.h>
#include <sys/un.h>

static socklen_t addr_of(struct sockaddr_un *sa, const char *path)
{
	memset(sa, 0, sizeof(*sa));
	sa->sun_family = AF_UNIX;
	snprintf(sa->sun_path, sizeof(sa->sun_path), "%s", path);
	return (socklen_t)(offsetof(struct sockaddr_un, sun_path) + strlen(path) + 1);
}

static int sock(int type)
{
	int fd = socket(AF_UNIX, type | SOCK_CLOEXEC, 0);

	if (fd < 0)
		die("socket");
	return fd;
}

static long do_bind(int fd, const char *path)
{
	struct sockaddr_un sa;
	socklen_t len = addr_of(&sa, path);

	return bind(fd, (struct sockaddr *)&sa, len);
}

static long do_connect(int fd, const char *path)
{
	struct sockaddr_un sa;
	socklen_t len = addr_of(&sa, path);

	return connect(fd, (struct sockaddr *)&sa, len);
}

/* A stream client of path: connect, then one message through the server. */
static void talk(const char *label, int server, const char *path)
{
	int c = sock(SOCK_STREAM), a;
	char buf[64];

	if (rc(label, do_connect(c, path)) == 0) {
		a = accept4(server, NULL, NULL, SOCK_CLOEXEC);
		if (a < 0)
			die("accept");
		if (write(c, "ping", 4) != 4)
			die("write");
		show_bytes("  server reads", read(a, buf, sizeof(buf)), buf);
		close(a);
	}
	close(c);
}

int main(void)
{
	int s, s2, d, e;
	char buf[64];
	struct sockaddr_un sa;
	char msg[] = "msg";
	struct iovec iov = { msg, 3 };
	struct msghdr mh = { 0 };

	umask(022);
	s = sock(SOCK_STREAM);
	rc("bind(base/s1)", do_bind(s, "base/s1"));
	show_lstat("lstat(base/s1)", "base/s1");
	rc("listen", listen(s, 4));
	talk("connect(base/s1)", s, "base/s1");
	rc("bind again(base/s2)", do_bind(s, "base/s2"));
	show_lstat("lstat(base/s2)", "base/s2");

	s2 = sock(SOCK_STREAM);
	rc("bind(base/s1) in use", do_bind(s2, "base/s1"));
	rc("bind(base/a.txt) a real file", do_bind(s2, "base/a.txt"));
	rc("bind(base/loop1) a symlink", do_bind(s2, "base/loop1"));
	rc("bind(base/nodir/s)", do_bind(s2, "base/nodir/s"));
	rc("bind(base/a.txt/s)", do_bind(s2, "base/a.txt/s"));
	rc("bind(base/new/) trailing slash", do_bind(s2, "base/new/"));
	rc("unlink(base/b.txt)", unlink("base/b.txt"));
	rc("bind(base/b.txt) deleted real file", do_bind(s2, "base/b.txt"));
	show_lstat("lstat(base/b.txt)", "base/b.txt");
	close(s2);

	s2 = sock(SOCK_STREAM);
	rc("connect(base/missing)", do_connect(s2, "base/missing"));
	rc("connect(base/a.txt)", do_connect(s2, "base/a.txt"));
	rc("connect(special/fifo)", do_connect(s2, "special/fifo"));
	rc("connect(base/b.txt) unbound", do_connect(s2, "base/b.txt"));
	close(s2);

	rc("rename(base/s1, base/dir/s1r)", rename("base/s1", "base/dir/s1r"));
	talk("connect(base/dir/s1r)", s, "base/dir/s1r");
	rc("rename(base/dir, base/dir2)", rename("base/dir", "base/dir2"));
	talk("connect(base/dir2/s1r)", s, "base/dir2/s1r");
	rc("symlink(dir2/s1r, base/slink2)", symlink("dir2/s1r", "base/slink2"));
	talk("connect(base/slink2)", s, "base/slink2");
	rc("unlink(base/dir2/s1r)", unlink("base/dir2/s1r"));
	talk("connect(base/dir2/s1r) unlinked", s, "base/dir2/s1r");
	close(s);

	d = sock(SOCK_DGRAM);
	e = sock(SOCK_DGRAM);
	rc("bind(base/sub/d)", do_bind(d, "base/sub/d"));
	mh.msg_namelen = addr_of(&sa, "base/sub/d");
	rc("sendto(base/sub/d)", sendto(e, "dgram", 5, 0, (struct sockaddr *)&sa, mh.msg_namelen));
	show_bytes("recv", recv(d, buf, sizeof(buf), 0), buf);
	mh.msg_name = &sa;
	mh.msg_iov = &iov;
	mh.msg_iovlen = 1;
	rc("sendmsg(base/sub/d)", sendmsg(e, &mh, 0));
	show_bytes("recv", recv(d, buf, sizeof(buf), 0), buf);
	mh.msg_namelen = addr_of(&sa, "base/sub/none");
	rc("sendmsg(base/sub/none)", sendmsg(e, &mh, 0));
	close(d);
	close(e);
	show_dir("ls base/sub", "base/sub");

	become_nobody();
	d = sock(SOCK_DGRAM);
	rc("nobody: bind(rodir/s)", do_bind(d, "rodir/s"));
	rc("nobody: bind(base/s3)", do_bind(d, "base/s3"));
	rc("nobody: bind(open/s)", do_bind(d, "open/s"));
	show_lstat("lstat(open/s)", "open/s");
	close(d);
	return 0;
}
