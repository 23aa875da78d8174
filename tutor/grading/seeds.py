"""Seeds for the case generators: public cases from the exercise id, hidden cases from a secret.

Public cases (`seed is None`) are seeded by the CRC-32 of the exercise id, as they always were:
the public cases every learner's `dltutor check` runs must never change.

Hidden cases are only hidden while the secret seed is. A learner's code can read a hidden case's
inputs while it runs, and anything that maps seeds to cases cheaply lets a class try every seed
until the inputs match: the former 48-bit derivation (`seed & 0xFFFFFFFFFFFF`) fell in 38 s. So
the whole seed — every bit, whatever its size — goes through SHA-256 with the exercise id, and the
256-bit digest seeds numpy (a `SeedSequence` uses every word of the list it gets). What is left
to guess is the seed itself: `strong_seed` draws 128 bits from `secrets` (`dltutor seed`), and
`seed_warning` flags seeds of fewer than 64 bits, which a class can still brute-force.
"""

from __future__ import annotations

import hashlib
import secrets
import zlib

STRONG_BITS = 128  #: what `dltutor seed` draws
MIN_BITS = 64  #: below this a seed is brute-forceable (2**48 took 38 s)
_DOMAIN = b"dltutor/hidden-cases/v2\0"


def case_seed(exercise_id: str, seed: int | None) -> list[int]:
    """The entropy for `numpy.random.default_rng` of one exercise's cases.

    `None` (public cases): `[crc32(exercise_id)]`, unchanged. A secret seed: SHA-256 over the
    exercise id and the full seed, as eight 32-bit words."""
    if seed is None:
        return [zlib.crc32(exercise_id.encode())]
    value = int(seed)
    ident = exercise_id.encode("utf-8", "surrogatepass")
    magnitude = abs(value).to_bytes(max(1, (abs(value).bit_length() + 7) // 8), "big")
    digest = hashlib.sha256(
        _DOMAIN + len(ident).to_bytes(8, "big") + ident
        + (b"-" if value < 0 else b"+") + len(magnitude).to_bytes(8, "big") + magnitude
    ).digest()
    return [int.from_bytes(digest[i:i + 4], "big") for i in range(0, len(digest), 4)]


def strong_seed() -> int:
    """A fresh secret seed: 128 random bits from the operating system's CSPRNG."""
    return secrets.randbits(STRONG_BITS)


def seed_bits(seed: int) -> int:
    return abs(int(seed)).bit_length()


def seed_warning(seed: int) -> str | None:
    """A warning when the seed is short enough to brute-force (fewer than 64 bits), else None."""
    bits = seed_bits(seed)
    if bits >= MIN_BITS:
        return None
    return (f"warning: the secret seed has only {bits} bit{'s' if bits != 1 else ''}: a student "
            "whose code reads a hidden case's inputs can try every shorter seed until the cases "
            f"match, and then knows every hidden case. Make a strong one with `dltutor seed` "
            f"({STRONG_BITS} random bits).")
