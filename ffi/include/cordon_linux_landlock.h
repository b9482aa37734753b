/* cordon_linux_landlock.h — landlock(7): rulesets are built in the parent; the spawned child restricts itself. */
#ifndef CORDON_LINUX_LANDLOCK_H
#define CORDON_LINUX_LANDLOCK_H

/** @domain errno — landlock_create_ruleset(NULL, 0, VERSION): the landlock ABI, or -EOPNOTSUPP/-ENOSYS. */
CORDON_API cordon_status cordon_linux_landlock_abi_version(void);

#endif
