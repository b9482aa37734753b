/*
 * `zig build test-abi`: a C program that includes the header, links against
 * the built library and calls a few exports that change nothing. Compiling it
 * checks, by a C compiler, that every record's size and field offsets and
 * every constant are what translate-c read (layout_checks.h, written by
 * zig/tools/gen_layouts.zig: the numbers Zig and ffi/generated use).
 * Exits 0 when every call answered as the header says; else prints why.
 */
#define _POSIX_C_SOURCE 200809L /* O_CLOEXEC */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include "cordon.h"
#include "layout_checks.h"

static int failures;

static void expect(int ok, const char *what) {
  if (!ok) {
    fprintf(stderr, "test-abi: %s\n", what);
    failures++;
  }
}

int main(void) {
  expect(cordon_abi_version() == CORDON_ABI_VERSION, "cordon_abi_version() is not CORDON_ABI_VERSION");

  uint8_t version[64];
  cordon_status n = cordon_version(version, sizeof version);
  expect(n > 0 && n <= (cordon_status)sizeof version, "cordon_version() gave no version");
  expect(cordon_version(version, 0) == CORDON_E_BUFFER_TOO_SMALL, "cordon_version() into 0 bytes is not BUFFER_TOO_SMALL");

#if defined(__linux__)
  /* An ABI, or -errno where landlock is absent or disabled. */
  cordon_status abi = cordon_linux_landlock_abi_version();
  expect(abi > 0 || abi == -EOPNOTSUPP || abi == -ENOSYS, "cordon_linux_landlock_abi_version() is neither an ABI nor -EOPNOTSUPP/-ENOSYS");
  expect(cordon_linux_close(-1) == -EBADF, "cordon_linux_close(-1) is not -EBADF");

  int32_t fds[2] = {-1, -1};
  expect(cordon_linux_pipe2((uint8_t *)fds, sizeof fds, O_CLOEXEC) == 0, "cordon_linux_pipe2() failed");
  expect(fds[0] >= 0 && fds[1] >= 0, "cordon_linux_pipe2() gave no fds");
  expect(cordon_linux_close(fds[0]) == 0 && cordon_linux_close(fds[1]) == 0, "cordon_linux_close() of the pipe failed");
  expect(cordon_linux_pipe2((uint8_t *)fds, 4, 0) == CORDON_E_INVALID_ARGUMENT, "cordon_linux_pipe2() into 4 bytes is not INVALID_ARGUMENT");

  /* A record of the wrong size is refused before anything is read past it. */
  struct cordon_linux_spawn_spec spec;
  memset(&spec, 0, sizeof spec);
  spec.struct_size = sizeof spec - 8;
  spec.abi_version = CORDON_ABI_VERSION;
  expect(cordon_linux_spawn((uint8_t *)&spec, sizeof spec) == CORDON_E_ABI_MISMATCH, "a spawn record of the wrong struct_size is not ABI_MISMATCH");

  /* The pool's kinds: an unknown one refused; a known one, none held (no fill asks for any). */
  expect(cordon_linux_netns_pool_take(2) == CORDON_E_INVALID_ARGUMENT, "cordon_linux_netns_pool_take(2) is not INVALID_ARGUMENT");
  expect(cordon_linux_netns_pool_fill(2, 0) == CORDON_E_INVALID_ARGUMENT, "cordon_linux_netns_pool_fill(2, 0) is not INVALID_ARGUMENT");
  expect(cordon_linux_netns_pool_fill(CORDON_NETNS_POOL_LOOPBACK_UP, 0) == 0, "cordon_linux_netns_pool_fill(LOOPBACK_UP, 0) failed");
  expect(cordon_linux_netns_pool_take(CORDON_NETNS_POOL_PLAIN) == -EAGAIN, "cordon_linux_netns_pool_take(PLAIN) with none held is not -EAGAIN");
  expect(cordon_linux_netns_pool_take(CORDON_NETNS_POOL_LOOPBACK_UP) == -EAGAIN, "cordon_linux_netns_pool_take(LOOPBACK_UP) with none held is not -EAGAIN");
  expect(cordon_linux_netns_pool_drain() == 0, "cordon_linux_netns_pool_drain() failed");
#endif

  if (failures == 0) printf("test-abi: ok (library version %.*s)\n", (int)n, (const char *)version);
  return failures == 0 ? 0 : 1;
}
