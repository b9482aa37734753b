/* cordon_windows_process.h — process enumeration through
 * NtQuerySystemInformation(SystemProcessInformation), and the handles of one
 * process through NtQueryInformationProcess (ntdll, as Zig's std declares it). */
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

typedef struct cordon_windows_handle_entry {
  uint64_t value;       /* the handle's value in its process */
  uint32_t access;      /* granted access */
  uint32_t type_index;  /* object type index (same index: same type) */
  uint32_t attributes;  /* OBJ_INHERIT (0x2), OBJ_PROTECT_CLOSE (0x1) */
  uint32_t reserved;
} cordon_windows_handle_entry;

/** @domain ntstatus — the handles of process: NtQueryInformationProcess(ProcessHandleInformation), or where that class is not answered NtQuerySystemInformation(SystemExtendedHandleInformation) filtered by its id; scratch (8-byte aligned) holds the system's records, out (8-byte aligned) receives cordon_windows_handle_entry records; returns their number. STATUS_INFO_LENGTH_MISMATCH: grow scratch; CORDON_E_BUFFER_TOO_SMALL: grow out. */
CORDON_API cordon_status cordon_windows_process_handles(uint64_t process, uint8_t *scratch, size_t scratch_len, uint8_t *out, size_t out_len);

/** @domain win32 — 1 when handle value of process and this process's handle own name the same object (DuplicateHandle + CompareObjectHandles), 0 when not; CORDON_E_NOT_SUPPORTED without CompareObjectHandles. */
CORDON_API cordon_status cordon_windows_handle_same_object(uint64_t process, uint64_t value, uint64_t own);

#endif
