/* cordon_windows_wfp.h — Windows Filtering Platform filters (administrator
 * tier) in a dynamic session: they vanish when the session closes. And the
 * firewall's AppContainer loopback exemption (FirewallAPI.dll), which lets a
 * package SID reach loopback at all: host grants' proxy listens there. */
#ifndef CORDON_WINDOWS_WFP_H
#define CORDON_WINDOWS_WFP_H

/* cordon_windows_wfp_filter.remote_address */
#define CORDON_WINDOWS_WFP_REMOTE_ANY 0
/* FWPM_CONDITION_IP_REMOTE_ADDRESS equal to the layer family's loopback
 * address: 127.0.0.1 (FWP_UINT32) on _V4 layers, ::1 (FWP_BYTE_ARRAY16_TYPE)
 * on _V6 layers. Connect and accept layers only. */
#define CORDON_WINDOWS_WFP_REMOTE_LOOPBACK 1

/* 32 bytes. */
typedef struct cordon_windows_wfp_filter {
  uint32_t layer;          /* 0 ALE_AUTH_CONNECT_V4, 1 _V6, 2 ALE_AUTH_RECV_ACCEPT_V4, 3 _V6, 4 ALE_AUTH_LISTEN_V4, 5 _V6 */
  uint32_t action;         /* 0 block, 1 permit */
  uint32_t weight;         /* 0..15, or 0xFFFFFFFF: the engine chooses */
  uint32_t condition;      /* 0 none, 1 ALE_PACKAGE_ID (SID bytes), 2 ALE_USER_ID (SDDL, UTF-16) */
  uint16_t remote_port;    /* 0: any */
  uint16_t local_port;     /* 0: any */
  uint8_t protocol;        /* IPPROTO_* matched (6: TCP), 0: any */
  uint8_t remote_address;  /* CORDON_WINDOWS_WFP_REMOTE_* */
  uint8_t reserved[2];     /* 0 */
  uint64_t condition_data; /* address of the SID or SDDL */
} cordon_windows_wfp_filter;

/** @domain win32 — FwpmEngineOpen0 with FWPM_SESSION_FLAG_DYNAMIC; writes the engine handle (uint64_t). FWP_E_* pass through as negative values. */
CORDON_API cordon_status cordon_windows_wfp_open(uint64_t *engine, size_t engine_len);

/** @domain win32 — FwpmEngineClose0: every filter of the session goes with it. */
CORDON_API cordon_status cordon_windows_wfp_close(uint64_t engine);

/** @domain win32 — FwpmFilterAdd0 from a cordon_windows_wfp_filter; writes the filter id (uint64_t). A record with unknown values or nonzero reserved bytes is CORDON_E_INVALID_ARGUMENT. */
CORDON_API cordon_status cordon_windows_wfp_add_filter(uint64_t engine, const uint8_t *filter, size_t filter_len, uint64_t *id, size_t id_len);

/** @domain win32 — Adds the SID (bytes) to the AppContainer loopback exemption list (NetworkIsolationGetAppContainerConfig, then NetworkIsolationSetAppContainerConfig with the list read plus this SID; the list is global). Returns 1 when it was already there, 0 when added. Needs an administrator. */
CORDON_API cordon_status cordon_windows_loopback_exempt(const uint8_t *sid, size_t sid_len);

/** @domain win32 — Removes every entry equal to the SID from that list, keeping the others; returns how many were removed (0: the list was not written). */
CORDON_API cordon_status cordon_windows_loopback_unexempt(const uint8_t *sid, size_t sid_len);

#endif
