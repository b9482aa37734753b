/* cordon_windows.h — Windows exports (included by cordon.h): handles, pipes,
 * Wine detection. HANDLEs travel as uint64_t. Win32-layer failures are
 * -GetLastError(); NT-layer failures are the NTSTATUS. */
#ifndef CORDON_WINDOWS_H
#define CORDON_WINDOWS_H

/** @domain win32 — CloseHandle. */
CORDON_API cordon_status cordon_windows_close_handle(uint64_t handle);

/** @domain win32 — GetHandleInformation: the HANDLE_FLAG_* bits (ERROR_INVALID_HANDLE when not a handle here). */
CORDON_API cordon_status cordon_windows_handle_flags(uint64_t handle);

/** @domain win32 — SetHandleInformation(HANDLE_FLAG_INHERIT): inherit != 0 marks it inheritable. */
CORDON_API cordon_status cordon_windows_handle_set_inherit(uint64_t handle, uint32_t inherit);

/** @domain win32 — CreatePipe; ends = { read, write } (16 bytes), both non-inheritable. */
CORDON_API cordon_status cordon_windows_pipe(uint64_t *ends, size_t ends_len);

/** @domain win32 — blocking ReadFile; returns bytes read, 0 at end of stream. */
CORDON_API cordon_status cordon_windows_read(uint64_t handle, uint8_t *buf, size_t buf_len);

/** @domain win32 — WriteFile; returns bytes written. */
CORDON_API cordon_status cordon_windows_write(uint64_t handle, const uint8_t *buf, size_t buf_len);

/** @domain win32 — PeekNamedPipe: bytes waiting, never blocks; -ERROR_BROKEN_PIPE when every write end is closed and nothing is left. */
CORDON_API cordon_status cordon_windows_pipe_peek(uint64_t handle);

/** @domain win32 — an inheritable DuplicateHandle of GetStdHandle(which: 0 input, 1 output, 2 error) into *out (uint64_t); 0 when this process has none. */
CORDON_API cordon_status cordon_windows_std_duplicate(uint32_t which, uint64_t *out, size_t out_len);

/** @domain win32 — CreateFileW("NUL"), read and write, inheritable, into *out (uint64_t). */
CORDON_API cordon_status cordon_windows_open_null(uint64_t *out, size_t out_len);

/** @domain cordon — Wine's version (ASCII, no NUL) from ntdll's wine_get_version; 0 on Windows. */
CORDON_API cordon_status cordon_windows_wine_version(uint8_t *buf, size_t buf_len);

#endif
