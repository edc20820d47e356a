/*
 * replay/stream.c — pcow-replayer's results as framed, checksummed text
 * lines that survive a serial console shared with the kernel's messages.
 *
 *   @pcow:SEQ:TYPE:FIELD:...:CRC\n
 *
 * SEQ counts frames from 0; CRC is the CRC-32 (8 hex digits) of the line
 * from '@' through the ':' before it; fields escape '%', ':' and every byte
 * outside '!'..'~' as %XX.  Every frame is written twice, so a kernel
 * message that lands inside one copy costs nothing: the reader takes the
 * first intact copy of each SEQ and ignores every other byte.  The frame
 * types are in doc/replay-bundle.md.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "replay/replay.h"

#define MAGIC "@pcow:"
#define MAGIC_LEN 6
#define MAX_FIELDS 8

void replay_stream_init(struct replay_stream *s, int fd)
{
	s->fd = fd;
	s->seq = 0;
	s->err = 0;
}

/* Append s escaped to buf (at *len, capacity cap); false when it does not fit. */
static bool escape(char *buf, size_t *len, size_t cap, const char *s)
{
	static const char hex[] = "0123456789abcdef";

	for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
		bool plain = *p > ' ' && *p < 0x7f && *p != '%' && *p != ':';

		if (*len + (plain ? 1 : 3) >= cap)
			return false;
		if (plain) {
			buf[(*len)++] = (char)*p;
		} else {
			buf[(*len)++] = '%';
			buf[(*len)++] = hex[*p >> 4];
			buf[(*len)++] = hex[*p & 15];
		}
	}
	return true;
}

int replay_stream_frame(struct replay_stream *s, char type, int n, const char *const fields[])
{
	size_t cap = 64, len;
	char *buf;

	for (int i = 0; i < n; i++)
		cap += 3 * strlen(fields[i]) + 1;
	buf = malloc(cap);
	if (!buf)
		return s->err = -ENOMEM;
	len = (size_t)snprintf(buf, cap, MAGIC "%u:%c:", s->seq, type);
	for (int i = 0; i < n; i++) {
		escape(buf, &len, cap, fields[i]);
		buf[len++] = ':';
	}
	len += (size_t)snprintf(buf + len, cap - len, "%08x\n", replay_crc32(0, buf, len));
	for (int copy = 0; copy < 2 && !s->err; copy++) {
		for (size_t off = 0; off < len;) {
			ssize_t w = write(s->fd, buf + off, len - off);

			if (w < 0 && errno == EINTR)
				continue;
			if (w <= 0) {
				s->err = w < 0 ? -errno : -EIO;
				break;
			}
			off += (size_t)w;
		}
	}
	free(buf);
	s->seq++;
	return s->err;
}

/* ------------------------------------------------------------- reading */

struct frame {
	bool have;
	char type;
	int n;
	char *f[MAX_FIELDS];
};

static int hexval(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	return -1;
}

static char *unescape(const char *p, size_t n)
{
	char *out = malloc(n + 1), *o = out;

	if (!out)
		return NULL;
	for (size_t i = 0; i < n; i++) {
		if (p[i] == '%' && i + 2 < n && hexval(p[i + 1]) >= 0 && hexval(p[i + 2]) >= 0) {
			*o++ = (char)(hexval(p[i + 1]) << 4 | hexval(p[i + 2]));
			i += 2;
		} else {
			*o++ = p[i];
		}
	}
	*o = '\0';
	return out;
}

/* Parse one candidate line [p, end): true and fr filled when it is intact. */
static bool parse_frame(const char *p, const char *end, unsigned long *ret_seq, struct frame *fr)
{
	const char *last = end, *q, *f;
	char crc_text[9], *e;
	unsigned long seq;

	while (last > p && last[-1] != ':')
		last--;
	if (last <= p + MAGIC_LEN || end - last != 8)
		return false;
	memcpy(crc_text, last, 8);
	crc_text[8] = '\0';
	if (strtoul(crc_text, &e, 16) != replay_crc32(0, p, (size_t)(last - p)) || *e)
		return false;
	q = p + MAGIC_LEN;
	seq = strtoul(q, &e, 10);
	if (e == q || *e != ':' || e + 3 > last || e[2] != ':')
		return false;
	fr->type = e[1];
	fr->n = 0;
	for (f = e + 3; f < last && fr->n < MAX_FIELDS;) {
		const char *colon = memchr(f, ':', (size_t)(last - f));

		fr->f[fr->n] = unescape(f, (size_t)(colon - f));
		if (!fr->f[fr->n])
			return false;
		fr->n++;
		f = colon + 1;
	}
	*ret_seq = seq;
	fr->have = true;
	return true;
}

void replay_outcome_free(struct replay_outcome *o)
{
	for (size_t i = 0; i < o->n_divs; i++) {
		free(o->divs[i].recorded);
		free(o->divs[i].replayed);
	}
	free(o->divs);
	free(o->error);
	memset(o, 0, sizeof(*o));
}

static const char *field(const struct frame *fr, int i)
{
	return i < fr->n ? fr->f[i] : "";
}

/* Take the frames, in order, into o. */
static int interpret(struct frame *frames, size_t n, struct replay_outcome *o, char *errmsg)
{
	for (size_t i = 0; i < n; i++) {
		struct frame *fr = &frames[i];

		switch (fr->type) {
		case 'H':
			o->hello = true;
			o->run_id = strtoll(field(fr, 1), NULL, 10);
			o->n_steps = strtoull(field(fr, 2), NULL, 10);
			o->bundle_crc = (uint32_t)strtoul(field(fr, 3), NULL, 16);
			o->strict = !strcmp(field(fr, 4), "1");
			snprintf(o->release, sizeof(o->release), "%s", field(fr, 5));
			snprintf(o->machine, sizeof(o->machine), "%s", field(fr, 6));
			o->plan_id = (uint32_t)strtoul(field(fr, 7), NULL, 16);
			if (strcmp(field(fr, 0), "1")) {
				snprintf(errmsg, 512, "the results are in stream version %s, not 1",
					 field(fr, 0));
				return -EPROTONOSUPPORT;
			}
			break;
		case 'D': {
			struct replay_divergence *d;

			if (o->n_divs % 256 == 0) {
				d = realloc(o->divs, (o->n_divs + 256) * sizeof(*d));
				if (!d)
					return -ENOMEM;
				o->divs = d;
			}
			d = &o->divs[o->n_divs++];
			memset(d, 0, sizeof(*d));
			d->step = (uint32_t)strtoul(field(fr, 0), NULL, 10);
			snprintf(d->field, sizeof(d->field), "%s", field(fr, 1));
			d->recorded = strdup(field(fr, 2));
			d->replayed = strdup(field(fr, 3));
			if (!d->recorded || !d->replayed)
				return -ENOMEM;
			break;
		}
		case 'C':
			o->counts = true;
			o->ran = strtoull(field(fr, 0), NULL, 10);
			o->skipped = strtoull(field(fr, 1), NULL, 10);
			break;
		case 'T':
			for (int k = 0; k < 4; k++)
				o->times[k] = strtod(field(fr, k), NULL);
			break;
		case 'E':
			o->end = true;
			if (strcmp(field(fr, 0), "ok") && !(o->error = strdup(field(fr, 0))))
				return -ENOMEM;
			break;
		default:
			break; /* a later version's frame: ignored */
		}
	}
	return 0;
}

int replay_stream_parse(const char *buf, size_t len, struct replay_outcome *o, char *errmsg)
{
	struct frame *frames = NULL;
	size_t n_frames = 0, cap = 0, n_seen = 0;
	const char *p = buf, *end = buf + len;
	int err = 0;

	memset(o, 0, sizeof(*o));
	while (p < end && (p = memmem(p, (size_t)(end - p), MAGIC, MAGIC_LEN)) != NULL) {
		const char *eol = p, *next;
		unsigned long seq;
		struct frame fr;

		while (eol < end && *eol != '\n' && *eol != '\r')
			eol++;
		/* A copy cut short by other output: its successor starts inside it. */
		next = eol - p > 1 ? memmem(p + 1, (size_t)(eol - p) - 1, MAGIC, MAGIC_LEN) : NULL;
		if (next) {
			p = next;
			continue;
		}
		memset(&fr, 0, sizeof(fr));
		if (parse_frame(p, eol, &seq, &fr) && seq < (1ul << 24)) {
			n_seen++;
			if (seq >= cap) {
				size_t ncap = seq + 1 > cap * 2 ? seq + 1 : cap * 2;
				struct frame *nf = realloc(frames, ncap * sizeof(*nf));

				if (!nf) {
					err = -ENOMEM;
					break;
				}
				memset(nf + cap, 0, (ncap - cap) * sizeof(*nf));
				frames = nf;
				cap = ncap;
			}
			if (seq >= n_frames)
				n_frames = seq + 1;
			if (!frames[seq].have) {
				frames[seq] = fr;
				fr.n = 0;
			}
		}
		for (int i = 0; i < fr.n; i++)
			free(fr.f[i]);
		p = eol;
	}
	for (size_t i = 0; !err && i < n_frames; i++) {
		if (!frames[i].have) {
			snprintf(errmsg, 512,
				 "the result stream is garbled: frame %zu of %zu is damaged in every copy",
				 i, n_frames);
			err = -EBADMSG;
		}
	}
	if (!err && !n_seen) {
		snprintf(errmsg, 512, "no results from pcow-replayer");
		err = -ENODATA;
	}
	if (!err)
		err = interpret(frames, n_frames, o, errmsg);
	if (!err && !o->end) {
		snprintf(errmsg, 512, "the result stream ends early, after frame %zu", n_frames - 1);
		err = -EPIPE;
	}
	for (size_t i = 0; i < n_frames; i++)
		for (int k = 0; k < frames[i].n; k++)
			free(frames[i].f[k]);
	free(frames);
	if (err == -ENOMEM)
		snprintf(errmsg, 512, "out of memory");
	return err;
}
