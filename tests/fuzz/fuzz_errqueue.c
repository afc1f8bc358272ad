/* Fuzz target for lib/errqueue.c: the bytes are a control buffer as
 * recvmsg(MSG_ERRQUEUE) fills it, walked with CMSG_FIRSTHDR/CMSG_NXTHDR as
 * the probes walk it, every cmsg handed to errq_decode. The copy into an
 * aligned buffer is what the kernel's buffer is: cmsghdr-aligned. */
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <sys/socket.h>

#include "errqueue.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	union {
		struct cmsghdr align;
		uint8_t buf[1024];
	} ctl;
	struct msghdr msg = {0};
	struct cmsghdr *c;
	struct errq_entry q;
	char a[ADDR_STRLEN];

	if (size > sizeof(ctl.buf))
		size = sizeof(ctl.buf);
	memcpy(ctl.buf, data, size);
	msg.msg_control = ctl.buf;
	msg.msg_controllen = size;
	for (c = CMSG_FIRSTHDR(&msg); c; c = CMSG_NXTHDR(&msg, c)) {
		/* CMSG_NXTHDR checks that the next header fits, not that its
		 * cmsg_len does: a reader must, as the probe's loop relies
		 * on the kernel for it. */
		if (c->cmsg_len > size - (size_t)((uint8_t *)c - ctl.buf))
			break;
		if (errq_decode(c, &q) == ERRQ_ENTRY)
			addr_str(&q.offender, a);
	}
	return 0;
}
