/* cordon_windows_spawn.h — CreateProcessW/CreateProcessAsUserW with
 * STARTUPINFOEXW: handle list, job list, mitigation and child-process
 * policies, AppContainer capabilities, all fixed at creation. */
#ifndef CORDON_WINDOWS_SPAWN_H
#define CORDON_WINDOWS_SPAWN_H

#define CORDON_WINDOWS_SPAWN_MITIGATION 1u            /* mitigation[] is set */
#define CORDON_WINDOWS_SPAWN_CHILD_PROCESS_POLICY 2u  /* child_process_policy is set */
#define CORDON_WINDOWS_SPAWN_STD_HANDLES 4u           /* std_* are the child's stdio */
#define CORDON_WINDOWS_SPAWN_SECURITY_CAPABILITIES 8u /* security_capabilities points to a SECURITY_CAPABILITIES */

/* 120 bytes; pointers are addresses in the caller's memory, 0 for none. */
typedef struct cordon_windows_spawn_request {
  uint64_t command_line;      /* UTF-16, NUL-terminated, writable */
  uint64_t application;       /* UTF-16 path or 0 */
  uint64_t environment;       /* UTF-16 block (double NUL) or 0 to inherit */
  uint64_t current_directory; /* UTF-16 or 0 */
  uint64_t inherit_handles;   /* HANDLE[inherit_count]: the only handles the child inherits */
  uint32_t inherit_count;
  uint32_t creation_flags;    /* extra CREATE_* flags */
  uint64_t job;               /* PROC_THREAD_ATTRIBUTE_JOB_LIST, or 0 */
  uint64_t mitigation[2];     /* PROCESS_CREATION_MITIGATION_POLICY(2)_* */
  uint32_t child_process_policy; /* PROCESS_CREATION_CHILD_PROCESS_* */
  uint32_t attributes;        /* CORDON_WINDOWS_SPAWN_* */
  uint64_t std_input;
  uint64_t std_output;
  uint64_t std_error;
  uint64_t token;             /* CreateProcessAsUserW with this token, or 0 */
  uint64_t security_capabilities;
} cordon_windows_spawn_request;

typedef struct cordon_windows_spawn_result {
  uint64_t process;
  uint64_t thread;
  uint32_t process_id;
  uint32_t thread_id;
} cordon_windows_spawn_result;

/** @domain win32 — creates the process; the caller owns both returned handles. */
CORDON_API cordon_status cordon_windows_spawn(const uint8_t *request, size_t request_len, uint8_t *result, size_t result_len);

/** @domain win32 — ResumeThread (for CREATE_SUSPENDED); returns the previous suspend count. */
CORDON_API cordon_status cordon_windows_thread_resume(uint64_t thread);

/** @domain win32 — WaitForSingleObject: 0 exited, 1 timed out. Blocks the calling thread. */
CORDON_API cordon_status cordon_windows_process_wait(uint64_t process, uint32_t timeout_ms);

/** @domain win32 — GetExitCodeProcess into a uint32_t (STILL_ACTIVE = 259 while running). */
CORDON_API cordon_status cordon_windows_process_exit_code(uint64_t process, uint8_t *code, size_t code_len);

/** @domain win32 — TerminateProcess (this process only; the job ends the tree). */
CORDON_API cordon_status cordon_windows_process_terminate(uint64_t process, uint32_t exit_code);

/** @domain win32 — OpenProcess(access, no inheritance) into a uint64_t. */
CORDON_API cordon_status cordon_windows_process_open(uint32_t pid, uint32_t access, uint64_t *process, size_t process_len);

/** @domain win32 — GetProcessMitigationPolicy: the flags word of the PROCESS_MITIGATION_POLICY record `policy`. */
CORDON_API cordon_status cordon_windows_process_mitigation(uint64_t process, int32_t policy, uint8_t *flags, size_t flags_len);

#endif
