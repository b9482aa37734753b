# The inside probe, keyrings: the supervisor's key in @u, adding a key, the
# session keyring shared or not.
#
# Part of the inside probe (see inside.py, whose cfg, nonce, libc, attempt and
# helpers it uses); probe-source.ts joins the parts into one program.


KEY_SPEC_USER_KEYRING = -4
KEY_SPEC_SESSION_KEYRING = -3


def key_search():
    kid = sys_call("keyctl", ctypes.c_long(10), ctypes.c_long(KEY_SPEC_USER_KEYRING), ctypes.c_char_p(b"user"), ctypes.c_char_p(cfg["keyDesc"].encode()), ctypes.c_long(0))  # KEYCTL_SEARCH
    return "found the outside canary key %d in @u (contents not read)" % kid


attempt("key.user.search", "keyctl(KEYCTL_SEARCH, @u, <canary>)", key_search)


def key_add():
    desc = ("cordon-audit-" + nonce + "-in").encode()
    kid = sys_call("add_key", ctypes.c_char_p(b"user"), ctypes.c_char_p(desc), ctypes.c_char_p(b"1"), ctypes.c_long(1), ctypes.c_long(KEY_SPEC_USER_KEYRING))
    sys_call("keyctl", ctypes.c_long(21), ctypes.c_long(kid))  # KEYCTL_INVALIDATE
    return "added key %d to @u and invalidated it" % kid


attempt("key.user.add", "add_key(user, cordon-audit-N-in, @u)", key_add)


def key_session():
    kid = sys_call("keyctl", ctypes.c_long(0), ctypes.c_long(KEY_SPEC_SESSION_KEYRING), ctypes.c_long(0))  # KEYCTL_GET_KEYRING_ID, no create
    same = kid == cfg.get("sessionKeyring")
    return "session keyring %d (%s the supervisor's)" % (kid, "the same as" if same else "not")


attempt("key.session", "keyctl(KEYCTL_GET_KEYRING_ID, @s)", key_session)
