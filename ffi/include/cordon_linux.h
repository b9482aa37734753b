/* cordon_linux.h — Linux exports (included by cordon.h). All raw syscalls, no libc. */
#ifndef CORDON_LINUX_H
#define CORDON_LINUX_H

/** @domain errno — close(2). */
CORDON_API cordon_status cordon_linux_close(int32_t fd);

#endif
