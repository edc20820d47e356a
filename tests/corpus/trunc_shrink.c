/*
 * Shrinking with truncate(2) and ftruncate(2): a real file cut to a few
 * bytes keeps just those (in the view); a descriptor opened read-only
 * after the cut reads the short content; growing back afterwards gives
 * zeros, not the old bytes; truncate to 0 empties it.
 */
#include "corpus.h"

int main(void)
{
	int fd;

	rc("truncate(base/big.txt, 10)", truncate("base/big.txt", 10));
	show_stat("stat(base/big.txt)", "base/big.txt");
	fd = rcfd("open(base/big.txt)", open("base/big.txt", O_RDONLY));
	show_read("read(big.txt)", fd);
	close(fd);
	rc("truncate(base/big.txt, 16)", truncate("base/big.txt", 16));
	show_file("cat base/big.txt", "base/big.txt");
	fd = rcfd("open(base/w2.txt, O_RDWR)", open("base/w2.txt", O_RDWR));
	rc("lseek(8)", lseek(fd, 8, SEEK_SET));
	rc("ftruncate(w2.txt, 2)", ftruncate(fd, 2));
	rc("lseek(cur)", lseek(fd, 0, SEEK_CUR));
	show_read("read at 8", fd);
	rc("write(!)", write(fd, "!", 1));
	close(fd);
	show_file("cat base/w2.txt", "base/w2.txt");
	rc("truncate(base/d.txt, 0)", truncate("base/d.txt", 0));
	show_stat("stat(base/d.txt)", "base/d.txt");
	return 0;
}
