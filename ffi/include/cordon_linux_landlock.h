/* cordon_linux_landlock.h — landlock(7): rulesets are built in the parent; the spawned child restricts itself. */
#ifndef CORDON_LINUX_LANDLOCK_H
#define CORDON_LINUX_LANDLOCK_H

/** @domain errno — landlock_create_ruleset(NULL, 0, VERSION): the landlock ABI, or -EOPNOTSUPP/-ENOSYS. */
CORDON_API cordon_status cordon_linux_landlock_abi_version(void);

/** @domain errno — landlock_create_ruleset(attr, attr_len, 0). `attr` is a
 * struct landlock_ruleset_attr in host byte order, cut to the ABI in use:
 * 8 bytes (handled_access_fs), 16 (+ handled_access_net, ABI 4) or 24
 * (+ scoped, ABI 6); other lengths give CORDON_E_INVALID_ARGUMENT. Returns the
 * ruleset fd (close-on-exec).
 */
CORDON_API cordon_status cordon_linux_landlock_create_ruleset(const uint8_t *attr, size_t attr_len);

/** @domain errno — opens a grant path O_PATH|O_CLOEXEC, following symlinks.
 * `path` is UTF-8 ending in its only NUL (counted in `path_len`), else
 * CORDON_E_INVALID_ARGUMENT. Returns the fd.
 */
CORDON_API cordon_status cordon_linux_landlock_open_path(const uint8_t *path, size_t path_len);

/** @domain errno — landlock_add_rule(PATH_BENEATH) for `parent_fd`: a directory
 * gets `dir_access`, any other file `file_access` (the kernel refuses
 * directory-only rights on a file). Returns 0 for a directory, 1 otherwise.
 */
CORDON_API cordon_status cordon_linux_landlock_add_path_rule(int32_t ruleset_fd, int32_t parent_fd, uint64_t dir_access, uint64_t file_access);

/* One record of a path-rule batch (20 bytes, no padding, host byte order);
 * path_len bytes of path, ending in its only NUL, follow at once. */
struct __attribute__((packed)) cordon_linux_landlock_path_rule {
  uint64_t access;
  uint64_t file_access;
  uint32_t path_len;
};

/** @domain errno — adds `count` path-beneath rules in one call. `rules` holds
 * `count` struct cordon_linux_landlock_path_rule records back to back, each
 * followed by its path. Each path is opened O_PATH|O_CLOEXEC, gets a rule as in
 * cordon_linux_landlock_add_path_rule, and is closed. The whole buffer is
 * checked first: a record that does not fit, or bytes left after the last,
 * give CORDON_E_RECORD_OUT_OF_BOUNDS; a path without its final NUL or with
 * another inside, or more than 65536 records, CORDON_E_INVALID_ARGUMENT; no
 * rule is added then. `kinds` (count bytes) receives one per record:
 * 0 directory, 1 other file, 2 open failed, 3 adding the rule failed,
 * 4 not attempted. The first failure stops the batch and returns its -errno
 * (the rules before it stay in the ruleset). Returns `count`.
 */
CORDON_API cordon_status cordon_linux_landlock_add_path_rules(int32_t ruleset_fd, const uint8_t *rules, size_t rules_len, uint8_t *kinds, size_t count);

/** @domain errno — landlock_add_rule(NET_PORT): `access` (BIND_TCP/CONNECT_TCP) on TCP `port`. Returns 0. */
CORDON_API cordon_status cordon_linux_landlock_add_net_rule(int32_t ruleset_fd, uint64_t port, uint64_t access);

#endif
