"""A cheap Argon2 for the test suite: same algorithm and hash format, far less work.

Django's default Argon2 parameters cost about a second of CPU per hash on this machine; every
persona's password and every test login would pay it. Production keeps the default.
"""

from django.contrib.auth.hashers import Argon2PasswordHasher


class FastArgon2PasswordHasher(Argon2PasswordHasher):
    time_cost = 1
    memory_cost = 256
    parallelism = 1
