"""Story signatures: MinHash of an article's word shingles, and the LSH band keys that find its
near-duplicates (syndicated copies, light rewrites of one wire story, one article under two URLs).

datasketch computes the MinHash and chooses the banding for the threshold (`MinHashLSH`'s b and r);
the bands are stored in the warehouse so candidates are found by a lookup, not by comparing with
every article (warehouse/clusters.py). Measurements and the threshold's choice: docs/clusters.md.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

import numpy as np

NUM_PERM = 128
SHINGLE_WORDS = 3
# Estimated Jaccard similarity of word 3-shingles at or above which two articles are one story.
THRESHOLD = 0.4
# Texts with fewer shingles than this get no signature: a few words are too little to tell a copy
# from a coincidence. Each such article is a story of its own.
MIN_SHINGLES = 25
_WORD = re.compile(r"\w+")
_SEED = 1
# datasketch 2's 32-bit affine permutations. Stored signatures are only comparable with signatures of
# the same scheme, seed and number of permutations: changing any of them means recomputing them all.
_SCHEME = "affine32"


@dataclass(frozen=True)
class StorySignature:
    """An article's MinHash values and the LSH band keys derived from them."""

    hashvalues: bytes  # NUM_PERM unsigned 32-bit integers, little-endian
    bands: tuple[int, ...]  # one signed 64-bit key per band; the band's index is mixed in

    def similarity(self, other: StorySignature) -> float:
        """Give back the estimated Jaccard similarity of the two articles' shingle sets."""
        mine = np.frombuffer(self.hashvalues, dtype="<u4")
        theirs = np.frombuffer(other.hashvalues, dtype="<u4")
        return float(np.count_nonzero(mine == theirs)) / len(mine)


def shingles(text: str, size: int = SHINGLE_WORDS) -> set[bytes]:
    """Give back the set of word n-grams of the text, lower-cased, punctuation and spacing ignored."""
    words = _WORD.findall(text.lower())
    return {" ".join(words[i : i + size]).encode() for i in range(max(0, len(words) - size + 1))}


@lru_cache(maxsize=1)
def banding() -> tuple[tuple[int, int], ...]:
    """Give back the hash value ranges of the LSH bands datasketch chooses for THRESHOLD and NUM_PERM
    (the b and r that balance false positives and false negatives)."""
    from datasketch import MinHashLSH  # imports scipy: only when a run has texts to sign

    lsh = MinHashLSH(threshold=THRESHOLD, num_perm=NUM_PERM)
    return tuple((int(start), int(end)) for start, end in lsh.hashranges)


@lru_cache(maxsize=1)
def _permutations() -> Any:
    from datasketch import MinHash

    return MinHash(num_perm=NUM_PERM, seed=_SEED, scheme=_SCHEME)


def story_signature(text: str) -> StorySignature | None:
    """Give back the text's story signature, or None when it is too short to compare."""
    grams = shingles(text)
    if len(grams) < MIN_SHINGLES:
        return None
    from datasketch import MinHash

    minhash = MinHash(num_perm=NUM_PERM, seed=_SEED, permutations=_permutations().permutations, scheme=_SCHEME)
    minhash.update_batch(list(grams))
    values = np.asarray(minhash.hashvalues, dtype="<u4")
    bands = tuple(_band_key(index, values[start:end]) for index, (start, end) in enumerate(banding()))
    return StorySignature(values.tobytes(), bands)


def _band_key(index: int, values: np.ndarray) -> int:
    digest = hashlib.blake2b(values.tobytes(), digest_size=8, person=index.to_bytes(16, "little")).digest()
    return int.from_bytes(digest, "little", signed=True)


@dataclass(frozen=True)
class Placement:
    """Where a new article goes: an existing story (with the similarity to its closest member) or a
    story of its own (cluster_id is then its own article id, similarity None)."""

    article_id: str
    cluster_id: str
    similarity: float | None


def place_articles(
    new: list[tuple[str, StorySignature | None]],
    candidates: dict[str, tuple[str, StorySignature]],
) -> list[Placement]:
    """Give back each new article's story, in the order given: it joins the story of its most similar
    candidate or earlier new article at or above THRESHOLD, else it founds one.

    candidates maps an already clustered article id to its cluster id and signature (those sharing a
    band with a new article). Existing stories are never merged or renamed, so cluster ids are stable.
    """
    known = dict(candidates)
    by_band: dict[int, list[str]] = {}
    for article_id, (_, stored) in known.items():
        for band in stored.bands:
            by_band.setdefault(band, []).append(article_id)
    placements = []
    for article_id, signature in new:
        if signature is None:
            placements.append(Placement(article_id, article_id, None))
            continue
        near = {other for band in signature.bands for other in by_band.get(band, ())}
        scored = sorted(((signature.similarity(known[o][1]), o) for o in near), key=lambda s: (-s[0], s[1]))
        if scored and scored[0][0] >= THRESHOLD:
            similarity, closest = scored[0]
            cluster = known[closest][0]
            placements.append(Placement(article_id, cluster, round(similarity, 4)))
        else:
            cluster = article_id
            placements.append(Placement(article_id, cluster, None))
        known[article_id] = (cluster, signature)
        for band in signature.bands:
            by_band.setdefault(band, []).append(article_id)
    return placements
