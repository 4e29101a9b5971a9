"""Knowledge search: the tokenizer and the ranking. The PWA searches offline with a TypeScript copy
of this module, so every rule here is spelled out in docs/knowledge-search.md; change both or
neither.

Text → tokens: NFKC-normalise (full-width letters and digits become ASCII), lowercase, then take
the runs of ASCII letters/digits and the runs of Chinese characters; everything else separates.
An ASCII run is one token, unchanged (no stemming, no stop words). A Chinese run gives its
character bigrams; an entry's text also gives every single character, so a one-character query
finds it, while a query gives single characters only for one-character runs (more would match
half the knowledge base).

Ranking: Okapi BM25 over the entries' precomputed terms, k1 = 1.2, b = 0.75, with the
non-negative idf ln(1 + (N - df + 0.5) / (df + 0.5)). Fields are weighted by repeating their terms
(symptom ×3, system and fault type ×2, cause and solution ×1).
"""

from __future__ import annotations

import math
import re
import unicodedata
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

K1 = 1.2
B = 0.75
# Field -> how many times its terms count.
WEIGHTS: dict[str, int] = {
    "symptom_zh": 3,
    "symptom_en": 3,
    "system_type": 2,
    "fault_type": 2,
    "cause_zh": 1,
    "cause_en": 1,
    "solution_zh": 1,
    "solution_en": 1,
}
# CJK Unified Ideographs and Extension A: the characters Chinese text in this product uses.
_RUNS = re.compile(r"[a-z0-9]+|[\u3400-\u4dbf\u4e00-\u9fff]+")


def _runs(text: str) -> list[str]:
    return _RUNS.findall(unicodedata.normalize("NFKC", text).lower())


def _bigrams(run: str) -> list[str]:
    return [run[i : i + 2] for i in range(len(run) - 1)]


def document_tokens(text: str) -> list[str]:
    """Tokens of an entry's text: ASCII words, Chinese bigrams and single Chinese characters."""
    out: list[str] = []
    for run in _runs(text):
        if run.isascii():
            out.append(run)
        else:
            out.extend(run)
            out.extend(_bigrams(run))
    return out


def query_tokens(text: str) -> list[str]:
    """Distinct tokens of a query, in order: ASCII words, Chinese bigrams (a lone character alone)."""
    out: list[str] = []
    for run in _runs(text):
        if run.isascii() or len(run) == 1:
            out.append(run)
        else:
            out.extend(_bigrams(run))
    return list(dict.fromkeys(out))


def search_terms(fields: dict[str, str]) -> str:
    """The stored, space-separated terms of an entry (each field's tokens repeated by its weight)."""
    terms: list[str] = []
    for name, weight in WEIGHTS.items():
        tokens = document_tokens(fields.get(name, ""))
        for _ in range(weight):
            terms.extend(tokens)
    return " ".join(terms)


@dataclass(frozen=True)
class Hit:
    key: str
    score: float


def rank(query: str, entries: Iterable[tuple[str, str]]) -> list[Hit]:
    """Entries (key, search_terms) that share a token with `query`, best first; ties by key."""
    wanted = query_tokens(query)
    docs = [(key, Counter(terms.split())) for key, terms in entries]
    if not wanted or not docs:
        return []
    lengths = [sum(counts.values()) for _, counts in docs]
    average = sum(lengths) / len(docs) or 1.0
    idf = {token: _idf(len(docs), sum(token in counts for _, counts in docs)) for token in wanted}
    hits = [
        Hit(key, score)
        for (key, counts), length in zip(docs, lengths, strict=True)
        if (score := _score(wanted, counts, length / average, idf)) > 0
    ]
    return sorted(hits, key=lambda hit: (-hit.score, hit.key))


def _idf(total: int, containing: int) -> float:
    return math.log(1 + (total - containing + 0.5) / (containing + 0.5))


def _score(
    wanted: Sequence[str], counts: Counter[str], relative_length: float, idf: dict[str, float]
) -> float:
    score = 0.0
    for token in wanted:
        tf = counts.get(token, 0)
        if tf:
            score += idf[token] * tf * (K1 + 1) / (tf + K1 * (1 - B + B * relative_length))
    return score
