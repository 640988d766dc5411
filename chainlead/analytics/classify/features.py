"""Text features for the division classifier: hashed character n-grams and jieba words.

Character n-grams are counted with numpy over a whole chunk of texts at once (each text's
code points, n-grams of 1 to 3 characters packed into one integer and hashed into 2**20
buckets), because scikit-learn's per-character Python loop managed about 600 listed-company
texts a second here, too slow for a million firms. Words come from jieba's dictionary
segmentation without its HMM (HMM adds little for industry terms and costs time), run by rjieba
(jieba-rs, the same dictionary and algorithm in Rust: the same words as jieba on all 81,902 Han
blocks of 1,500 listed companies' texts, in a tenth of the time; segmentation in Python was
three quarters of the prediction time), cached per block of Han characters.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import lru_cache

import jieba  # type: ignore[import-untyped]  # jieba ships no type information
import numpy as np
import numpy.typing as npt
import rjieba  # type: ignore[import-not-found,import-untyped,unused-ignore]  # no type information
from scipy import sparse

HASH_BITS = 20
_GOLDEN = np.uint64(0x9E3779B97F4A7C15)  # Fibonacci hashing multiplier
_SEPARATOR = "\x00"

jieba.setLogLevel(60)  # jieba logs its dictionary loading at INFO on the root logger


# jieba cuts a text block by block (runs of Han characters, ASCII letters and digits), each on
# its own; the same blocks recur across firms (registered scopes are written from a catalogue
# of standard phrases), so each block's words are cached. Same words, in order, as one lcut.
_HAN_BLOCK = jieba.re_han_default
BLOCK_CACHE_SIZE = 1 << 18


@lru_cache(maxsize=BLOCK_CACHE_SIZE)
def _block_words(block: str) -> tuple[str, ...]:
    words: list[str] = rjieba.cut(block, hmm=False)  # = jieba.lcut(block, HMM=False)
    return tuple(w for w in words if len(w.strip()) > 0 and w.isalnum())


def jieba_words(text: str) -> list[str]:
    """The words jieba finds in ``text`` (dictionary only, no HMM), without punctuation."""
    words: list[str] = []
    for block in _HAN_BLOCK.split(text):
        if not block:
            continue
        if _HAN_BLOCK.match(block):
            words.extend(_block_words(block))
        else:  # jieba yields the characters between blocks one by one: keep letters and digits
            words.extend(c for c in block if c.isalnum())
    return words


def _hashed_char_ngrams(
    texts: Sequence[str], max_n: int
) -> tuple[npt.NDArray[np.int64], npt.NDArray[np.int64]]:
    """(row, bucket) of every character n-gram (1 <= n <= max_n) of every text, unsorted."""
    joined = _SEPARATOR.join(t.replace(_SEPARATOR, " ") for t in texts) + _SEPARATOR
    codes = np.frombuffer(joined.encode("utf-32-le"), dtype=np.uint32).astype(np.uint64)
    is_separator = codes == 0
    row_of = np.cumsum(is_separator) - is_separator  # the text each position belongs to
    separators_before = np.concatenate(([0], np.cumsum(is_separator)))
    rows: list[npt.NDArray[np.int64]] = []
    buckets: list[npt.NDArray[np.int64]] = []
    length = len(codes)
    for n in range(1, max_n + 1):
        starts = np.arange(length - n + 1)
        inside = separators_before[starts + n] == separators_before[starts]
        starts = starts[inside]
        key = np.zeros(len(starts), dtype=np.uint64)
        for offset in range(n):  # code points < 2**21, so three pack into 63 bits
            key = (key << np.uint64(21)) | codes[starts + offset]
        key += np.uint64(n)  # keeps "a" (n = 1) apart from "\x00a"-like packings
        with np.errstate(over="ignore"):
            mixed = key * _GOLDEN
        buckets.append((mixed >> np.uint64(64 - HASH_BITS)).astype(np.int64))
        rows.append(row_of[starts].astype(np.int64))
    return np.concatenate(rows), np.concatenate(buckets)


def char_ngram_counts(texts: Sequence[str], max_n: int = 3) -> sparse.csr_matrix:
    """Texts × 2**HASH_BITS counts of hashed character n-grams."""
    rows, buckets = _hashed_char_ngrams(texts, max_n)
    counts = sparse.coo_matrix(
        (np.ones(len(rows), dtype=np.float32), (rows, buckets)),
        shape=(len(texts), 1 << HASH_BITS),
    ).tocsr()
    counts.sum_duplicates()
    return counts


class HashedCharTfidf:
    """TF-IDF (sublinear tf, smoothed idf, l2 rows) over hashed character n-grams.

    Buckets seen in fewer than ``min_df`` training texts are dropped, like a vocabulary's
    ``min_df``; the rest are renumbered compactly so the model's weights stay small.
    """

    def __init__(self, *, max_n: int = 3, min_df: int = 2) -> None:
        self.max_n = max_n
        self.min_df = min_df
        self.column_of_bucket: npt.NDArray[np.int32] = np.full(1 << HASH_BITS, -1, np.int32)
        self.idf: npt.NDArray[np.float32] = np.zeros(0, np.float32)

    @property
    def n_features(self) -> int:
        return len(self.idf)

    def fit_transform(self, texts: Sequence[str]) -> sparse.csr_matrix:
        counts = char_ngram_counts(texts, self.max_n)
        document_frequency = np.bincount(counts.indices, minlength=counts.shape[1])
        kept = np.flatnonzero(document_frequency >= self.min_df)
        self.column_of_bucket = np.full(1 << HASH_BITS, -1, np.int32)
        self.column_of_bucket[kept] = np.arange(len(kept), dtype=np.int32)
        n_texts = len(texts)
        self.idf = (np.log((1 + n_texts) / (1 + document_frequency[kept])) + 1).astype(np.float32)
        return self._weigh(counts)

    def transform(self, texts: Sequence[str]) -> sparse.csr_matrix:
        return self._weigh(char_ngram_counts(texts, self.max_n))

    def _weigh(self, counts: sparse.csr_matrix) -> sparse.csr_matrix:
        columns = self.column_of_bucket[counts.indices]
        keep = columns >= 0
        row_of_entry = np.repeat(np.arange(counts.shape[0]), np.diff(counts.indptr))
        values = (1 + np.log(counts.data[keep])) * self.idf[columns[keep]]
        matrix = sparse.csr_matrix(
            (values, (row_of_entry[keep], columns[keep])),
            shape=(counts.shape[0], self.n_features),
            dtype=np.float32,
        )
        return _l2_rows(matrix)


def _l2_rows(matrix: sparse.csr_matrix) -> sparse.csr_matrix:
    norms = np.sqrt(np.asarray(matrix.multiply(matrix).sum(axis=1)).ravel())
    norms[norms == 0] = 1
    scaled: sparse.csr_matrix = sparse.diags((1 / norms).astype(np.float32)) @ matrix
    return scaled.tocsr()
