/* cordon_windows_acl.h — DACL entries for one SID on a path, AccessCheck, and
 * what a path is (attributes, reparse tag, owner) before a grant goes on it. */
#ifndef CORDON_WINDOWS_ACL_H
#define CORDON_WINDOWS_ACL_H

/** @domain win32 — GetNamedSecurityInfoW + SetEntriesInAclW + SetNamedSecurityInfoW: mode GRANT_ACCESS=1, SET_ACCESS=2, DENY_ACCESS=3, REVOKE_ACCESS=4; inheritance OBJECT_INHERIT_ACE|CONTAINER_INHERIT_ACE bits. */
CORDON_API cordon_status cordon_windows_acl_set(uint16_t *path, const uint8_t *sid, size_t sid_len, uint32_t access, uint32_t mode, uint32_t inheritance);

/** @domain win32 — AccessCheck of desired (generic bits mapped for files) on path for token (0: this process's); 1 allowed, 0 denied; the granted mask goes to a uint32_t. */
CORDON_API cordon_status cordon_windows_access_check(const uint16_t *path, uint64_t token, uint32_t desired, uint8_t *granted, size_t granted_len);

struct cordon_windows_file_info {
  uint32_t attributes;  /* FILE_ATTRIBUTE_* (GetFileAttributesExW) */
  uint32_t reparse_tag; /* IO_REPARSE_TAG_* of a reparse point (FindFirstFileW), else 0 */
};

/** @domain win32 — GetFileAttributesExW of path, and the reparse tag when it is a reparse point; fills a cordon_windows_file_info. */
CORDON_API cordon_status cordon_windows_file_info(const uint16_t *path, uint8_t *out, size_t out_len);

/** @domain win32 — the owner SID of path (GetNamedSecurityInfoW), copied into out; returns its length. */
CORDON_API cordon_status cordon_windows_path_owner(const uint16_t *path, uint8_t *out, size_t out_len);

#endif
