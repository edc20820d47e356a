# bench/workloads.sh — sourced by bench.sh and replay.sh: setup WORKLOAD
# makes the files of the tar and build workloads in $W.

setup() {
	case "$1" in
	tar) [ -f "$W/include.tar" ] || tar cf "$W/include.tar" -C /usr include 2>/dev/null ;;
	build)
		mkdir -p "$W/proj"
		i=0
		while [ $i -lt 40 ]; do
			cat >"$W/proj/f$i.c" <<EOF
#include <stdio.h>
#include <string.h>
#include <stdlib.h>
int f$i(int x);
int f$i(int x) { char b[64]; snprintf(b, sizeof(b), "%d", x * $i); return (int)strlen(b) + atoi(b); }
EOF
			i=$((i + 1))
		done
		printf 'int main(void) { return 0; }\n' >"$W/proj/main.c"
		{
			printf 'SRCS = $(wildcard *.c)\nprog: $(SRCS:.c=.o)\n\t$(CC) -o $@ $^\n'
			printf '%%.o: %%.c\n\t$(CC) -O1 -c -o $@ $<\nclean:\n\trm -f *.o prog\n'
		} >"$W/proj/Makefile"
		;;
	esac
}

