"""The password hasher: Argon2id with OWASP's first recommended parameters (docs/decisions/0022-the-exam-hour.md).

OWASP's Password Storage Cheat Sheet gives, for Argon2id, "m=19456 (19 MiB), t=2, p=1" as its first
configuration (equal in strength to its others); RFC 9106 names Argon2id the variant to use. Django's own
Argon2 defaults (100 MiB, t=2, p=8) cost a second of CPU per login on this 2-core machine, more than
PBKDF2's million rounds: with a cohort logging in within a minute, that is the whole machine. These
parameters cost about a tenth of PBKDF2 here for a memory-hard hash (19 MiB per guess on a GPU).

The algorithm name stays "argon2": a hash with other parameters (Django's defaults) still verifies, and
Django rewrites it with these at the next login (`must_update`), as it does for a PBKDF2 hash.
"""

from django.contrib.auth.hashers import Argon2PasswordHasher


class Argon2idHasher(Argon2PasswordHasher):
    time_cost = 2
    memory_cost = 19456  # KiB: 19 MiB
    parallelism = 1
