/* cordon_windows_token.h — restricted tokens, integrity levels, SIDs and
 * AppContainer profiles for the child's identity. Strings are UTF-16, NUL-terminated. */
#ifndef CORDON_WINDOWS_TOKEN_H
#define CORDON_WINDOWS_TOKEN_H

struct cordon_windows_token_info {
  uint32_t restricted;    /* IsTokenRestricted */
  uint32_t integrity_rid; /* last subauthority of the TokenIntegrityLevel SID (0x1000 low, 0x2000 medium) */
  uint32_t elevated;      /* TOKEN_ELEVATION.TokenIsElevated */
};

/* What a process's token is (OpenProcessToken + GetTokenInformation), 184 bytes. */
struct cordon_windows_token_facts {
  uint64_t privileges_present; /* bit n: privilege LUID n is in the token (bit 63: LUID 63 or above) */
  uint64_t privileges_enabled; /* same bits, enabled ones */
  uint32_t integrity_rid;      /* TokenIntegrityLevel's last subauthority */
  uint32_t restricted;         /* IsTokenRestricted */
  uint32_t restricted_sids;    /* TokenRestrictedSids GroupCount */
  uint32_t app_container;      /* TokenIsAppContainer */
  uint32_t elevated;           /* TokenElevation */
  uint32_t package_sid_len;    /* TokenAppContainerSid length, 0 outside an AppContainer */
  uint32_t user_sid_len;       /* TokenUser SID length */
  uint32_t unread;             /* bits of what could not be read: 1 integrity, 2 restricted SIDs, 4 AppContainer, 8 privileges, 16 user, 32 elevation */
  uint8_t package_sid[68];
  uint8_t user_sid[68];
};

/** @domain win32 — CreateRestrictedToken(flags) of this process's token, integrity lowered to integrity_rid unless 0; writes the token (uint64_t). */
CORDON_API cordon_status cordon_windows_token_restricted(uint32_t flags, uint32_t integrity_rid, uint64_t *token, size_t token_len);

/** @domain win32 — a cordon_windows_token_info for token (0: this process's). */
CORDON_API cordon_status cordon_windows_token_info(uint64_t token, uint8_t *info, size_t info_len);

/** @domain win32 — a cordon_windows_token_facts of process's token (TOKEN_QUERY). */
CORDON_API cordon_status cordon_windows_token_facts(uint64_t process, uint8_t *out, size_t out_len);

/** @domain win32 — ConvertStringSidToSidW; copies the SID into out, returns its length. */
CORDON_API cordon_status cordon_windows_sid_from_string(const uint16_t *sid, uint8_t *out, size_t out_len);

/** @domain win32 — CreateAppContainerProfile, or DeriveAppContainerSidFromAppContainerName if it exists; copies the package SID out, returns its length. WIN32-facility HRESULTs become -code. */
CORDON_API cordon_status cordon_windows_appcontainer_sid(const uint16_t *name, const uint16_t *display_name, uint8_t *sid, size_t sid_len);

/** @domain win32 — DeleteAppContainerProfile. */
CORDON_API cordon_status cordon_windows_appcontainer_delete(const uint16_t *name);

#endif
