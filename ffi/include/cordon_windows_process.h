/* cordon_windows_process.h — process enumeration through
 * NtQuerySystemInformation(SystemProcessInformation). */
#ifndef CORDON_WINDOWS_PROCESS_H
#define CORDON_WINDOWS_PROCESS_H

/* Each entry is followed by name_bytes of UTF-16LE and padding to 4 bytes. */
typedef struct cordon_windows_process_entry {
  uint32_t process_id;
  uint32_t parent_process_id;
  uint32_t thread_count;
  uint32_t name_bytes;
} cordon_windows_process_entry;

/** @domain ntstatus — snapshot into scratch (8-byte aligned), entries into out; returns bytes of out used. STATUS_INFO_LENGTH_MISMATCH: grow scratch; CORDON_E_BUFFER_TOO_SMALL: grow out. */
CORDON_API cordon_status cordon_windows_process_list(uint8_t *scratch, size_t scratch_len, uint8_t *out, size_t out_len);

#endif
