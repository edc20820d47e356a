/*
 * tests/fuzz/fuzz_stream.c — libFuzzer target: the reader of
 * pcow-replayer's result frames (replay_stream_parse), which takes a
 * guest's serial console or a file from another machine.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "replay/replay.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t len);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t len)
{
	struct replay_outcome o;
	char msg[512];

	if (replay_stream_parse((const char *)data, len, &o, msg) == 0) {
		size_t sum = strlen(o.release) + strlen(o.machine);

		for (size_t i = 0; i < o.n_divs; i++)
			sum += strlen(o.divs[i].field) + strlen(o.divs[i].recorded) +
			       strlen(o.divs[i].replayed);
		(void)sum;
	}
	replay_outcome_free(&o);
	return 0;
}
