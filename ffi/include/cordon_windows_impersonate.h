/* cordon_windows_impersonate.h — parent-side steps run as the sandbox's
 * account (the Windows counterpart of setreuid). Each call impersonates the
 * token on the calling thread (ImpersonateLoggedOnUser), does its one step and
 * reverts (RevertToSelf) before returning, on every path: the calling thread
 * never stays impersonating. Paths are UTF-16, NUL-terminated. */
#ifndef CORDON_WINDOWS_IMPERSONATE_H
#define CORDON_WINDOWS_IMPERSONATE_H

typedef struct cordon_windows_access_as {
  uint32_t allowed;     /* AccessCheck of the path's DACL for the impersonated token: 1 allowed */
  uint32_t granted;     /* the access mask AccessCheck granted */
  int32_t open_status;  /* opening the path with `desired` as the account: 0, or -Win32 error */
  uint32_t level;       /* SECURITY_IMPERSONATION_LEVEL reached; below 2 (Impersonation) nothing was checked */
} cordon_windows_access_as;

/** @domain win32 — as token: AccessCheck of desired (generic bits mapped for files) on path and a real open; fills a cordon_windows_access_as. */
CORDON_API cordon_status cordon_windows_access_check_as(uint64_t token, const uint16_t *path, uint32_t desired, uint8_t *out, size_t out_len);

/** @domain win32 — CreateDirectoryW(path) as token (the account owns it); returns the impersonation level reached (below 2: nothing created). */
CORDON_API cordon_status cordon_windows_create_directory_as(uint64_t token, const uint16_t *path);

/** @domain win32 — 1 while the calling thread has a token of its own (impersonates), 0 when it runs as the process. */
CORDON_API cordon_status cordon_windows_thread_impersonating(void);

#endif
