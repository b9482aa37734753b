/* cordon_windows_job.h — job objects with their own I/O completion port: the
 * port's messages tell when the whole process tree is gone. */
#ifndef CORDON_WINDOWS_JOB_H
#define CORDON_WINDOWS_JOB_H

/* JOBOBJECT_EXTENDED_LIMIT_INFORMATION, the fields cordon sets (40 bytes). */
typedef struct cordon_windows_job_limits {
  uint32_t limit_flags;          /* JOB_OBJECT_LIMIT_* */
  uint32_t active_process_limit;
  uint64_t process_memory_limit; /* bytes */
  uint64_t job_memory_limit;     /* bytes */
  int64_t per_process_user_time; /* 100 ns units */
  int64_t per_job_user_time;     /* 100 ns units */
} cordon_windows_job_limits;

/* One completion-port message (24 bytes). */
typedef struct cordon_windows_job_event {
  uint32_t message;  /* JOB_OBJECT_MSG_* */
  uint32_t reserved;
  uint64_t key;
  uint64_t value;    /* the process id for process messages */
} cordon_windows_job_event;

/** @domain win32 — CreateJobObjectW + a new completion port associated with it; out = { job, port } (16 bytes). */
CORDON_API cordon_status cordon_windows_job_create(uint64_t *out, size_t out_len);

/** @domain win32 — SetInformationJobObject(JobObjectExtendedLimitInformation) from a cordon_windows_job_limits. */
CORDON_API cordon_status cordon_windows_job_set_limits(uint64_t job, const uint8_t *limits, size_t limits_len);

/** @domain win32 — QueryInformationJobObject(JobObjectExtendedLimitInformation) into a cordon_windows_job_limits. */
CORDON_API cordon_status cordon_windows_job_query_limits(uint64_t job, uint8_t *limits, size_t limits_len);

/** @domain win32 — JobObjectCpuRateControlInformation: value is CpuRate, Weight or MinRate|MaxRate<<16 per flags. */
CORDON_API cordon_status cordon_windows_job_set_cpu_rate(uint64_t job, uint32_t control_flags, uint32_t value);

/** @domain win32 — JobObjectBasicUIRestrictions (JOB_OBJECT_UILIMIT_*). */
CORDON_API cordon_status cordon_windows_job_set_ui_restrictions(uint64_t job, uint32_t ui_class);

/** @domain win32 — QueryInformationJobObject(JobObjectBasicUIRestrictions): the class as the kernel keeps it. */
CORDON_API cordon_status cordon_windows_job_query_ui_restrictions(uint64_t job);

/** @domain win32 — AssignProcessToJobObject. */
CORDON_API cordon_status cordon_windows_job_assign(uint64_t job, uint64_t process);

/** @domain win32 — IsProcessInJob: 1 inside, 0 outside. */
CORDON_API cordon_status cordon_windows_job_contains(uint64_t job, uint64_t process);

/** @domain win32 — TerminateJobObject: every process in the job ends with exit_code. */
CORDON_API cordon_status cordon_windows_job_terminate(uint64_t job, uint32_t exit_code);

/** @domain win32 — JOBOBJECT_BASIC_PROCESS_ID_LIST into buf (8-byte aligned); returns the pid count, CORDON_E_BUFFER_TOO_SMALL or -ERROR_MORE_DATA when they do not fit. */
CORDON_API cordon_status cordon_windows_job_process_ids(uint64_t job, uint8_t *buf, size_t buf_len);

/** @domain win32 — JOBOBJECT_BASIC_ACCOUNTING_INFORMATION (48 bytes). */
CORDON_API cordon_status cordon_windows_job_accounting(uint64_t job, uint8_t *buf, size_t buf_len);

/** @domain win32 — GetQueuedCompletionStatus: 1 with a cordon_windows_job_event written, 0 on timeout. Blocks the calling thread. */
CORDON_API cordon_status cordon_windows_job_next_event(uint64_t port, uint8_t *event, size_t event_len, uint32_t timeout_ms);

/** @domain win32 — PostQueuedCompletionStatus: wakes a waiter with (message, value). */
CORDON_API cordon_status cordon_windows_job_post(uint64_t port, uint32_t message, uint64_t value);

#endif
