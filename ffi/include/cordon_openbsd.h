/* cordon_openbsd.h — OpenBSD exports (included by cordon.h): pledge(2) and
 * unveil(2) of the calling process. Strings are (pointer, length) with the
 * length counting a final NUL; length 0 passes NULL. The cordon-exec
 * launcher applies the same calls before execve. */
#ifndef CORDON_OPENBSD_H
#define CORDON_OPENBSD_H

/** @domain errno — pledge(promises, execpromises); NULL (length 0) leaves a set unchanged. */
CORDON_API cordon_status cordon_openbsd_pledge(const uint8_t *promises, size_t promises_len, const uint8_t *execpromises, size_t execpromises_len);

/** @domain errno — unveil(path, permissions) with permissions a subset of "rwxc". */
CORDON_API cordon_status cordon_openbsd_unveil(const uint8_t *path, size_t path_len, const uint8_t *permissions, size_t permissions_len);

/** @domain errno — unveil(NULL, NULL): the unveil list becomes final. */
CORDON_API cordon_status cordon_openbsd_unveil_lock(void);

#endif
