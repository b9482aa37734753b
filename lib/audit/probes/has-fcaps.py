# Exits 0 when the file argv[1] carries a security.capability attribute: the
# supervisor's look at a set-id row's file on the host (Bun has no xattr API).
import os, sys

os.getxattr(sys.argv[1], "security.capability")
