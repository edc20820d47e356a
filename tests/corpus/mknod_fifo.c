/*
 * mknod(2) with S_IFIFO makes a named pipe: stat shows type p with the
 * mode less the umask and size 0; open O_RDONLY|O_NONBLOCK works, then
 * O_WRONLY|O_NONBLOCK finds that reader, and bytes written come out of the
 * read end; with no reader left O_WRONLY|O_NONBLOCK is ENXIO.
 */
#include "corpus.h"

int main(void)
{
	int r, w;

	umask(022);
	rc("mknod(base/fifo, S_IFIFO|0666)", mknod("base/fifo", S_IFIFO | 0666, 0));
	show_stat("stat(base/fifo)", "base/fifo");
	r = rcfd("open(base/fifo, O_RDONLY|O_NONBLOCK)", open("base/fifo", O_RDONLY | O_NONBLOCK));
	w = rcfd("open(base/fifo, O_WRONLY|O_NONBLOCK)", open("base/fifo", O_WRONLY | O_NONBLOCK));
	rc("write", write(w, "through the pipe\n", 17));
	show_read("read", r);
	show_fstat("fstat(read end)", r);
	close(w);
	show_read("read after the writer closed", r);
	close(r);
	rcfd("open(base/fifo, O_WRONLY|O_NONBLOCK) no reader",
	     open("base/fifo", O_WRONLY | O_NONBLOCK));
	rc("mkfifo(base/dir/fifo2, 0600)", mkfifo("base/dir/fifo2", 0600));
	show_stat("stat(base/dir/fifo2)", "base/dir/fifo2");
	show_dir("ls base/dir", "base/dir");
	rc("unlink(base/fifo)", unlink("base/fifo"));
	show_stat("stat(base/fifo)", "base/fifo");
	return 0;
}
