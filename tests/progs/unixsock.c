/*
 * unixsock PATH — binds an AF_UNIX stream socket at PATH, connects to it
 * through PATH and passes "ok" from the client to the server, which it
 * prints.  Exit 1, with the failing step, on any error.
 */
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	char buf[8] = { 0 };
	int s, c, a;

	if (argc != 2 || strlen(argv[1]) >= sizeof(sa.sun_path))
		return 2;
	strcpy(sa.sun_path, argv[1]);
	s = socket(AF_UNIX, SOCK_STREAM, 0);
	c = socket(AF_UNIX, SOCK_STREAM, 0);
	if (s < 0 || c < 0)
		return perror("socket"), 1;
	if (bind(s, (struct sockaddr *)&sa, sizeof(sa)) < 0)
		return perror("bind"), 1;
	if (listen(s, 1) < 0)
		return perror("listen"), 1;
	if (connect(c, (struct sockaddr *)&sa, sizeof(sa)) < 0)
		return perror("connect"), 1;
	a = accept(s, NULL, NULL);
	if (a < 0)
		return perror("accept"), 1;
	if (write(c, "ok", 2) != 2 || read(a, buf, sizeof(buf) - 1) != 2)
		return perror("write/read"), 1;
	puts(buf);
	return 0;
}
