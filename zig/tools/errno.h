/* Input of `zig build gen`: the errno names of a target's own <errno.h>, through translate-c. */
#include <errno.h>
