/*
 * cordon.h — the C ABI of the cordon native library. This header is the
 * contract: every export, record and status code is declared here, and the
 * TypeScript symbol tables under ffi/symbols/ are checked against it by
 * test/abi/header.test.ts.
 *
 * Status convention: every function returns cordon_status (int32_t).
 *   >= 0  success; the value may carry a result (an fd, a length, a version).
 *   <  0  failure, in the error domain named by the function's @domain tag:
 *         errno    -errno (Linux, macOS, BSD)
 *         ntstatus the NTSTATUS itself (errors are negative as int32)
 *         win32    -GetLastError()
 *         cordon   one of CORDON_E_* below
 *   Functions of any domain may also return CORDON_E_* codes; these lie below
 *   -65536 and collide with no errno or Win32 code.
 *
 * Buffers: a (pointer, length) pair is borrowed for the duration of the call
 * unless the comment says otherwise. Threads: any thread may call any
 * function unless the comment says otherwise.
 */
#ifndef CORDON_H
#define CORDON_H

#include <stddef.h>
#include <stdint.h>

#define CORDON_API __attribute__((visibility("default")))

typedef int32_t cordon_status;

/* Bumped whenever an export or a record layout changes. */
#define CORDON_ABI_VERSION 7

#define CORDON_E_INVALID_ARGUMENT   (-65537)
#define CORDON_E_BUFFER_TOO_SMALL   (-65538)
#define CORDON_E_ABI_MISMATCH       (-65539)
#define CORDON_E_NOT_SUPPORTED      (-65540)
#define CORDON_E_RECORD_OUT_OF_BOUNDS (-65541)
#define CORDON_E_CHILD_DIED         (-65542)

/** @domain cordon — returns CORDON_ABI_VERSION of the loaded library. */
CORDON_API cordon_status cordon_abi_version(void);

/** @domain cordon — writes the library version (UTF-8, no NUL); returns its length. */
CORDON_API cordon_status cordon_version(uint8_t *buf, size_t buf_len);

/* One file per OS and mechanism: cordon_<os>.h, cordon_<os>_<mechanism>.h. */
#if defined(__linux__)
#include "cordon_linux.h"
#include "cordon_linux_landlock.h"
#include "cordon_linux_spawn.h"
#include "cordon_linux_relay.h"
#include "cordon_linux_netns_pool.h"
#include "cordon_linux_explain.h"
#include "cordon_linux_host.h"
#elif defined(_WIN32)
#include "cordon_windows.h"
#include "cordon_windows_job.h"
#include "cordon_windows_process.h"
#include "cordon_windows_spawn.h"
#include "cordon_windows_token.h"
#include "cordon_windows_acl.h"
#include "cordon_windows_user.h"
#include "cordon_windows_wfp.h"
#include "cordon_windows_impersonate.h"
#elif defined(__APPLE__)
#include "cordon_darwin.h"
#elif defined(__FreeBSD__)
#include "cordon_freebsd.h"
#elif defined(__OpenBSD__)
#include "cordon_openbsd.h"
#endif

#endif /* CORDON_H */
