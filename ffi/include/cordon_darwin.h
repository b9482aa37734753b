/* cordon_darwin.h — macOS exports (included by cordon.h). Seatbelt itself is
 * applied by the cordon-exec launcher, never in the Bun process; these
 * functions watch and end the sandboxed tree. */
#ifndef CORDON_DARWIN_H
#define CORDON_DARWIN_H

/* NOTE_* flags for cordon_darwin_proc_watch (<sys/event.h>). NOTE_TRACK is
 * refused by macOS with ENOTSUP; it is named here so that can be shown. */
#define CORDON_DARWIN_NOTE_EXIT  0x80000000u
#define CORDON_DARWIN_NOTE_FORK  0x40000000u
#define CORDON_DARWIN_NOTE_EXEC  0x20000000u
#define CORDON_DARWIN_NOTE_TRACK 0x00000001u

/* One event from cordon_darwin_proc_drain: 16 bytes. */
typedef struct cordon_darwin_proc_event {
  int32_t pid;
  uint32_t fflags; /* NOTE_* that fired */
  int64_t data;    /* wait status for NOTE_EXIT */
} cordon_darwin_proc_event;

/** @domain errno — 1 if the calling process already runs under Seatbelt (sandbox_check), else 0. */
CORDON_API cordon_status cordon_darwin_sandbox_check_self(void);

/** @domain errno — kqueue(2), close-on-exec; returns the descriptor. */
CORDON_API cordon_status cordon_darwin_kqueue(void);

/** @domain errno — EVFILT_PROC with the NOTE_* `fflags` on `pid`; -ESRCH if it is gone, -ENOTSUP for NOTE_TRACK. */
CORDON_API cordon_status cordon_darwin_proc_watch(int32_t kq, int32_t pid, uint32_t fflags);

/** @domain errno — writes pending events as cordon_darwin_proc_event records without blocking; returns how many. */
CORDON_API cordon_status cordon_darwin_proc_drain(int32_t kq, uint8_t *buf, size_t buf_len);

/** @domain errno — proc_listchildpids(3): children of `pid` as int32 pids; returns how many. */
CORDON_API cordon_status cordon_darwin_proc_listchildpids(int32_t pid, uint8_t *buf, size_t buf_len);

/** @domain errno — sends `sig` to every process whose real uid is `uid`, except the caller; returns how many. -EINVAL for root or the caller's own uid. */
CORDON_API cordon_status cordon_darwin_kill_uid(uint32_t uid, int32_t sig);

#endif
