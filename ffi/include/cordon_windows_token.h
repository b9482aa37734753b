/* cordon_windows_token.h — restricted tokens, integrity levels, SIDs and
 * AppContainer profiles for the child's identity. Strings are UTF-16, NUL-terminated. */
#ifndef CORDON_WINDOWS_TOKEN_H
#define CORDON_WINDOWS_TOKEN_H

typedef struct cordon_windows_token_info {
  uint32_t restricted;    /* IsTokenRestricted */
  uint32_t integrity_rid; /* last subauthority of the TokenIntegrityLevel SID (0x1000 low, 0x2000 medium) */
  uint32_t elevated;      /* TOKEN_ELEVATION.TokenIsElevated */
} cordon_windows_token_info;

/** @domain win32 — CreateRestrictedToken(flags) of this process's token, integrity lowered to integrity_rid unless 0; writes the token (uint64_t). */
CORDON_API cordon_status cordon_windows_token_restricted(uint32_t flags, uint32_t integrity_rid, uint64_t *token, size_t token_len);

/** @domain win32 — a cordon_windows_token_info for token (0: this process's). */
CORDON_API cordon_status cordon_windows_token_info(uint64_t token, uint8_t *info, size_t info_len);

/** @domain win32 — ConvertStringSidToSidW; copies the SID into out, returns its length. */
CORDON_API cordon_status cordon_windows_sid_from_string(const uint16_t *sid, uint8_t *out, size_t out_len);

/** @domain win32 — CreateAppContainerProfile, or DeriveAppContainerSidFromAppContainerName if it exists; copies the package SID out, returns its length. WIN32-facility HRESULTs become -code. */
CORDON_API cordon_status cordon_windows_appcontainer_sid(const uint16_t *name, const uint16_t *display_name, uint8_t *sid, size_t sid_len);

/** @domain win32 — DeleteAppContainerProfile. */
CORDON_API cordon_status cordon_windows_appcontainer_delete(const uint16_t *name);

#endif
