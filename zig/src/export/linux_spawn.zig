//! Spawn exports (cordon_linux_spawn.h).
