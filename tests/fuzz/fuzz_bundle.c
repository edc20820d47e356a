/*
 * tests/fuzz/fuzz_bundle.c — libFuzzer target: the replay bundle reader
 * (replay_bundle_parse), which pcow-replayer runs on a file from anywhere.
 * The header's length and checksum are made to fit each input first, so
 * the mutations reach the records instead of stopping at the checksum.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "replay/replay.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t len);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t len)
{
	struct replay_plan plan;
	char msg[512];
	unsigned char *buf = malloc(len ? len : 1);

	if (!buf)
		return 0;
	memcpy(buf, data, len);
	if (len >= 48) {
		uint64_t body = len - 48;
		uint32_t crc = replay_crc32(0, buf + 48, body);

		for (int i = 0; i < 8; i++)
			buf[16 + i] = (unsigned char)(body >> (8 * i));
		for (int i = 0; i < 4; i++)
			buf[24 + i] = (unsigned char)(crc >> (8 * i));
	}
	if (replay_bundle_parse(buf, len, &plan, msg) == 0) {
		/* Touch what a replayer reads: every string and blob. */
		size_t sum = 0;

		for (size_t i = 0; i < plan.n_touches; i++) {
			sum += strlen(plan.touches[i].path);
			if (plan.touches[i].target)
				sum += strlen(plan.touches[i].target);
			if (plan.touches[i].content_len)
				sum += plan.touches[i].content[plan.touches[i].content_len - 1];
		}
		for (size_t i = 0; i < plan.n_steps; i++) {
			for (int k = 0; k < 6; k++)
				if (plan.steps[i].strs[k])
					sum += strlen(plan.steps[i].strs[k]);
			if (plan.steps[i].data_len)
				sum += plan.steps[i].data[plan.steps[i].data_len - 1];
		}
		sum += replay_plan_id(&plan);
		replay_plan_task(&plan, (int32_t)sum);
		replay_plan_free(&plan);
	}
	free(buf);
	return 0;
}
