/*
 * fdpass — a descriptor passed over an AF_UNIX socket (SCM_RIGHTS) by a
 * process pcow does not trace (issue 8, doc/security.md).
 *
 *   fdpass serve SOCK REAL OUT   bind SOCK, accept one connection, send it
 *                                REAL opened for appending, REAL opened
 *                                read-only and OUT opened for appending,
 *                                in one message; then exit
 *   fdpass recv SOCK [mmsg]      connect to SOCK, receive the message
 *                                (recvmsg, or recvmmsg), and for each
 *                                descriptor print "fdN write RESULT" for
 *                                the writable ones and "fdN read TEXT"
 *                                for the read-only one
 *
 * RESULT is the byte count or the errno name.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

static struct sockaddr_un addr_of(const char *path)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };

	snprintf(sa.sun_path, sizeof(sa.sun_path), "%s", path);
	return sa;
}

static int serve(const char *sock, const char *real, const char *out)
{
	struct sockaddr_un sa = addr_of(sock);
	int fds[3], s = socket(AF_UNIX, SOCK_STREAM, 0), c;
	union {
		char buf[CMSG_SPACE(sizeof(fds))];
		struct cmsghdr align;
	} u;
	char m = 'm';
	struct iovec iov = { &m, 1 };
	struct msghdr mh = { .msg_iov = &iov, .msg_iovlen = 1, .msg_control = u.buf,
			     .msg_controllen = sizeof(u.buf) };
	struct cmsghdr *cm;

	fds[0] = open(real, O_WRONLY | O_APPEND);
	fds[1] = open(real, O_RDONLY);
	fds[2] = open(out, O_WRONLY | O_APPEND);
	if (s < 0 || fds[0] < 0 || fds[1] < 0 || fds[2] < 0 ||
	    bind(s, (struct sockaddr *)&sa, sizeof(sa)) < 0 || listen(s, 1) < 0)
		return 2;
	printf("ready\n");
	fflush(stdout);
	c = accept(s, NULL, NULL);
	if (c < 0)
		return 2;
	cm = CMSG_FIRSTHDR(&mh);
	cm->cmsg_level = SOL_SOCKET;
	cm->cmsg_type = SCM_RIGHTS;
	cm->cmsg_len = CMSG_LEN(sizeof(fds));
	memcpy(CMSG_DATA(cm), fds, sizeof(fds));
	return sendmsg(c, &mh, 0) == 1 ? 0 : 2;
}

static int recv_fds(const char *sock, int mmsg)
{
	struct sockaddr_un sa = addr_of(sock);
	int s = socket(AF_UNIX, SOCK_STREAM, 0), fds[3];
	union {
		char buf[CMSG_SPACE(sizeof(fds))];
		struct cmsghdr align;
	} u;
	char byte;
	struct iovec iov = { &byte, 1 };
	struct mmsghdr mm = { .msg_hdr = { .msg_iov = &iov, .msg_iovlen = 1, .msg_control = u.buf,
					   .msg_controllen = sizeof(u.buf) } };
	struct cmsghdr *cm;
	long r;

	if (s < 0 || connect(s, (struct sockaddr *)&sa, sizeof(sa)) < 0)
		return 2;
	r = mmsg ? recvmmsg(s, &mm, 1, 0, NULL) : recvmsg(s, &mm.msg_hdr, 0);
	if (r != 1)
		return 2;
	cm = CMSG_FIRSTHDR(&mm.msg_hdr);
	if (!cm || cm->cmsg_type != SCM_RIGHTS || cm->cmsg_len != CMSG_LEN(sizeof(fds)))
		return 2;
	memcpy(fds, CMSG_DATA(cm), sizeof(fds));
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

int main(int argc, char **argv)
{
	if (argc == 5 && !strcmp(argv[1], "serve"))
		return serve(argv[2], argv[3], argv[4]);
	if ((argc == 3 || argc == 4) && !strcmp(argv[1], "recv"))
		return recv_fds(argv[2], argc == 4);
	fprintf(stderr, "usage: fdpass serve SOCK REAL OUT | fdpass recv SOCK [mmsg]\n");
	return 2;
}
