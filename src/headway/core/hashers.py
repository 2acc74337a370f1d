"""Password hashers. Production uses Django's Argon2 hasher; tests use a cheaper Argon2 variant."""

from django.contrib.auth.hashers import Argon2PasswordHasher


class TestArgon2PasswordHasher(Argon2PasswordHasher):
    """Argon2id with a small memory cost, so tests that create many users stay fast."""

    memory_cost = 1024
    parallelism = 1
    time_cost = 1
