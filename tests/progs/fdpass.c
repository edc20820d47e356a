/*
 * fdpass — a descriptor passed over an AF_UNIX socket (SCM_RIGHTS) by a
 * process pcow does not trace (issue 8, doc/security.md).
 *
 *   fdpass serve SOCK REAL OUT   bind SOCK, accept one connection, send it
 *                                REAL opened for appending, REAL opened
 *                                read-only and OUT opened for appending,
 *                                in one message; then exit
 *   fdpass servedir SOCK DIR     the same with one descriptor: DIR opened
 *                                O_RDONLY | O_DIRECTORY
 *   fdpass recv SOCK [mmsg]      connect to SOCK, receive the message
 *                                (recvmsg, or recvmmsg), and for each
 *                                descriptor print "fdN write RESULT" for
 *                                the writable ones and "fdN read TEXT"
 *                                for the read-only one
 *
 *   fdpass recvdir SOCK          receive the directory and print
 *                                fstatat(fd, "new"), the names getdents64
 *                                gives through it (sorted), fchdir(fd),
 *                                then open("new")'s first line and getcwd
 *
 * RESULT is the byte count or the errno name.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/un.h>
#include <unistd.h>

static struct sockaddr_un addr_of(const char *path)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };

	snprintf(sa.sun_path, sizeof(sa.sun_path), "%s", path);
	return sa;
}

/* Bind SOCK, accept one connection and send it the n descriptors. */
static int send_fds(const char *sock, const int *fds, size_t n)
{
	struct sockaddr_un sa = addr_of(sock);
	int s = socket(AF_UNIX, SOCK_STREAM, 0), c;
	union {
		char buf[CMSG_SPACE(3 * sizeof(int))];
		struct cmsghdr align;
	} u;
	char m = 'm';
	struct iovec iov = { &m, 1 };
	struct msghdr mh = { .msg_iov = &iov, .msg_iovlen = 1, .msg_control = u.buf,
			     .msg_controllen = CMSG_SPACE(n * sizeof(int)) };
	struct cmsghdr *cm;

	for (size_t i = 0; i < n; i++)
		if (fds[i] < 0)
			return 2;
	if (s < 0 || bind(s, (struct sockaddr *)&sa, sizeof(sa)) < 0 || listen(s, 1) < 0)
		return 2;
	printf("ready\n");
	fflush(stdout);
	c = accept(s, NULL, NULL);
	if (c < 0)
		return 2;
	cm = CMSG_FIRSTHDR(&mh);
	cm->cmsg_level = SOL_SOCKET;
	cm->cmsg_type = SCM_RIGHTS;
	cm->cmsg_len = CMSG_LEN(n * sizeof(int));
	memcpy(CMSG_DATA(cm), fds, n * sizeof(int));
	return sendmsg(c, &mh, 0) == 1 ? 0 : 2;
}

/* Connect to SOCK and receive n descriptors in one message: 0, or 2. */
static int receive_fds(const char *sock, int mmsg, int *fds, size_t n)
{
	struct sockaddr_un sa = addr_of(sock);
	int s = socket(AF_UNIX, SOCK_STREAM, 0);
	union {
		char buf[CMSG_SPACE(3 * sizeof(int))];
		struct cmsghdr align;
	} u;
	char byte;
	struct iovec iov = { &byte, 1 };
	struct mmsghdr mm = { .msg_hdr = { .msg_iov = &iov, .msg_iovlen = 1, .msg_control = u.buf,
					   .msg_controllen = CMSG_SPACE(n * sizeof(int)) } };
	struct cmsghdr *cm;
	long r;

	if (s < 0 || connect(s, (struct sockaddr *)&sa, sizeof(sa)) < 0)
		return 2;
	r = mmsg ? recvmmsg(s, &mm, 1, 0, NULL) : recvmsg(s, &mm.msg_hdr, 0);
	if (r != 1)
		return 2;
	cm = CMSG_FIRSTHDR(&mm.msg_hdr);
	if (!cm || cm->cmsg_type != SCM_RIGHTS || cm->cmsg_len != CMSG_LEN(n * sizeof(int)))
		return 2;
	memcpy(fds, CMSG_DATA(cm), n * sizeof(int));
	return 0;
}

static int recv_files(const char *sock, int mmsg)
{
	int fds[3];

	if (receive_fds(sock, mmsg, fds, 3))
		return 2;
	for (int i = 0; i < 3; i++) {
		char text[64] = "";
		ssize_t n;

		if (i == 1) {
			n = pread(fds[i], text, sizeof(text) - 1, 0);
			text[n > 0 ? n : 0] = '\0';
			text[strcspn(text, "\n")] = '\0'; /* the first line */
			printf("fd%d read %s\n", i, n < 0 ? strerrorname_np(errno) : text);
			continue;
		}
		n = write(fds[i], "X\n", 2);
		if (n < 0)
			printf("fd%d write %s\n", i, strerrorname_np(errno));
		else
			printf("fd%d write %zd\n", i, n);
	}
	return 0;
}

static int by_name(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The received directory: its names, then what is relative to it. */
static int recv_dir(const char *sock)
{
	char buf[128], *names[64], *cwd;
	size_t n = 0;
	struct stat st;
	long r;
	int fd, f;

	if (receive_fds(sock, 0, &fd, 1))
		return 2;
	r = fstatat(fd, "new", &st, 0);
	printf("fstatat(fd, new) = %s\n", r < 0 ? strerrorname_np(errno) : "0");
	/* 128-byte reads: several calls */
	while ((r = syscall(SYS_getdents64, fd, buf, sizeof(buf))) > 0)
		for (long off = 0; off < r && n < 64;) {
			unsigned short reclen; /* linux_dirent64: d_reclen at 16, d_name at 19 */

			memcpy(&reclen, buf + off + 16, sizeof(reclen));
			names[n++] = strdup(buf + off + 19);
			off += reclen;
		}
	if (r < 0)
		printf("getdents64 = %s\n", strerrorname_np(errno));
	qsort(names, n, sizeof(*names), by_name);
	for (size_t i = 0; i < n; i++)
		printf("entry %s\n", names[i]);
	r = fchdir(fd);
	printf("fchdir(fd) = %s\n", r < 0 ? strerrorname_np(errno) : "0");
	f = open("new", O_RDONLY);
	r = f < 0 ? -1 : read(f, buf, sizeof(buf) - 1);
	buf[r > 0 ? r : 0] = '\0';
	printf("open(new) = %s \"%.*s\"\n", f < 0 ? strerrorname_np(errno) : "fd",
	       (int)strcspn(buf, "\n"), buf);
	cwd = getcwd(NULL, 0);
	printf("getcwd ends in %s\n", cwd ? strrchr(cwd, '/') : strerrorname_np(errno));
	return 0;
}

int main(int argc, char **argv)
{
	if (argc == 5 && !strcmp(argv[1], "serve")) {
		int fds[3] = { open(argv[3], O_WRONLY | O_APPEND), open(argv[3], O_RDONLY),
			       open(argv[4], O_WRONLY | O_APPEND) };

		return send_fds(argv[2], fds, 3);
	}
	if (argc == 4 && !strcmp(argv[1], "servedir")) {
		int fd = open(argv[3], O_RDONLY | O_DIRECTORY);

		return send_fds(argv[2], &fd, 1);
	}
	if ((argc == 3 || argc == 4) && !strcmp(argv[1], "recv"))
		return recv_files(argv[2], argc == 4);
	if (argc == 3 && !strcmp(argv[1], "recvdir"))
		return recv_dir(argv[2]);
	fprintf(stderr, "usage: fdpass serve SOCK REAL OUT | servedir SOCK DIR | "
			"recv SOCK [mmsg] | recvdir SOCK\n");
	return 2;
}
