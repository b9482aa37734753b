// Filter return values (linux/seccomp.h). The kernel takes the action from the
// high 16 bits and, for SECCOMP_RET_ERRNO, the errno from the low 16 (capped at
// MAX_ERRNO 4095 by the kernel).
import { UAPI_SHARED as K } from "../../../../ffi/generated/linux-tables.ts";

export const { SECCOMP_RET_KILL_PROCESS, SECCOMP_RET_KILL_THREAD, SECCOMP_RET_TRAP, SECCOMP_RET_ERRNO, SECCOMP_RET_USER_NOTIF, SECCOMP_RET_TRACE, SECCOMP_RET_LOG, SECCOMP_RET_ALLOW } = K;

export const { SECCOMP_RET_ACTION_FULL, SECCOMP_RET_DATA } = K;

/** Largest errno the kernel passes through (MAX_ERRNO, linux/err.h: kernel-internal, so typed here). */
export const MAX_ERRNO = 4095;

/** seccomp(2) operation and flags the native spawn passes with the compiled filter. */
export const { SECCOMP_SET_MODE_FILTER, SECCOMP_FILTER_FLAG_TSYNC, SECCOMP_FILTER_FLAG_LOG, SECCOMP_FILTER_FLAG_SPEC_ALLOW } = K;
