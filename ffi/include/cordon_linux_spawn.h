/* cordon_linux_spawn.h — clone3 spawn with child-side setup by raw syscalls, and exit delivery. */
#ifndef CORDON_LINUX_SPAWN_H
#define CORDON_LINUX_SPAWN_H

#endif
