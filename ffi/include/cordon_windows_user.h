/* cordon_windows_user.h — dedicated local accounts (administrator tier).
 * NET_API_STATUS results: 0 or -(Win32 or NERR_* code). */
#ifndef CORDON_WINDOWS_USER_H
#define CORDON_WINDOWS_USER_H

/** @domain win32 — NetUserAdd level 1: a standard user (USER_PRIV_USER), password never expires. */
CORDON_API cordon_status cordon_windows_user_add(uint16_t *name, uint16_t *password);

/** @domain win32 — NetUserGetInfo: 1 exists, 0 NERR_UserNotFound. */
CORDON_API cordon_status cordon_windows_user_exists(const uint16_t *name);

/** @domain win32 — NetUserSetInfo level 1008: the account's UF_* flags (UF_ACCOUNTDISABLE = 2). */
CORDON_API cordon_status cordon_windows_user_set_flags(const uint16_t *name, uint32_t flags);

/** @domain win32 — NetUserSetInfo level 1003: a new password. */
CORDON_API cordon_status cordon_windows_user_set_password(const uint16_t *name, uint16_t *password);

/** @domain win32 — NetUserDel. */
CORDON_API cordon_status cordon_windows_user_delete(const uint16_t *name);

/** @domain win32 — LogonUserW (local account, LOGON32_LOGON_INTERACTIVE): a primary token (uint64_t) for CreateProcessAsUserW. */
CORDON_API cordon_status cordon_windows_user_logon(const uint16_t *name, const uint16_t *password, uint64_t *token, size_t token_len);

/** @domain win32 — LookupAccountNameW: the account's SID into out; returns its length. */
CORDON_API cordon_status cordon_windows_user_sid(const uint16_t *name, uint8_t *out, size_t out_len);

#endif
