from django.contrib.auth.hashers import Argon2PasswordHasher


class CheapArgon2PasswordHasher(Argon2PasswordHasher):
    """Argon2 with tiny parameters, for tests and bulk demo members only (never in production settings).

    Hashes keep the standard `argon2$` format, so the production hasher verifies them and upgrades them on login.
    """

    time_cost = 1
    memory_cost = 256
    parallelism = 1
