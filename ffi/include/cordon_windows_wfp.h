/* cordon_windows_wfp.h — Windows Filtering Platform filters (administrator
 * tier) in a dynamic session: they vanish when the session closes. */
#ifndef CORDON_WINDOWS_WFP_H
#define CORDON_WINDOWS_WFP_H

/* 32 bytes. */
typedef struct cordon_windows_wfp_filter {
  uint32_t layer;          /* 0 ALE_AUTH_CONNECT_V4, 1 _V6, 2 ALE_AUTH_RECV_ACCEPT_V4, 3 _V6, 4 ALE_AUTH_LISTEN_V4, 5 _V6 */
  uint32_t action;         /* 0 block, 1 permit */
  uint32_t weight;         /* 0..15, or 0xFFFFFFFF: the engine chooses */
  uint32_t condition;      /* 0 none, 1 ALE_PACKAGE_ID (SID bytes), 2 ALE_USER_ID (SDDL, UTF-16) */
  uint16_t remote_port;    /* 0: any */
  uint16_t local_port;     /* 0: any */
  uint8_t protocol;        /* IPPROTO_* matched (6: TCP), 0: any */
  uint8_t reserved[3];
  uint64_t condition_data; /* address of the SID or SDDL */
} cordon_windows_wfp_filter;

/** @domain win32 — FwpmEngineOpen0 with FWPM_SESSION_FLAG_DYNAMIC; writes the engine handle (uint64_t). FWP_E_* pass through as negative values. */
CORDON_API cordon_status cordon_windows_wfp_open(uint64_t *engine, size_t engine_len);

/** @domain win32 — FwpmEngineClose0: every filter of the session goes with it. */
CORDON_API cordon_status cordon_windows_wfp_close(uint64_t engine);

/** @domain win32 — FwpmFilterAdd0 from a cordon_windows_wfp_filter; writes the filter id (uint64_t). */
CORDON_API cordon_status cordon_windows_wfp_add_filter(uint64_t engine, const uint8_t *filter, size_t filter_len, uint64_t *id, size_t id_len);

#endif
