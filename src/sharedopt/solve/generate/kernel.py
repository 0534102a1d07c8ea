"""Compiled (numba) steps of ESU over a CSR adjacency, for the pricing search.

ESU (each connected set once, rooted at its smallest node), iterative, with node marks
instead of bitsets, so it runs at compiled speed on graphs of any size. The search that
uses these steps is :mod:`sharedopt.solve.generate.search`.
"""

from __future__ import annotations


from sharedopt.common.lazyjit import lazy_njit


@lazy_njit()
def open_seed(seed, indptr, indices, mark, members, ext, ext_len, ext_pos):
    """Depth 1: the seed marked with its neighbours; its extension set the neighbours above it."""
    members[0] = seed
    mark[seed] += 1
    L = 0
    for e in range(indptr[seed], indptr[seed + 1]):
        u = indices[e]
        mark[u] += 1
        if u > seed:
            ext[1, L] = u
            L += 1
    ext_len[1], ext_pos[1] = L, 0


@lazy_njit()
def unmark(w, indptr, indices, mark):
    """Take member ``w`` and its neighbours out of the marks."""
    mark[w] -= 1
    for e in range(indptr[w], indptr[w + 1]):
        mark[indices[e]] -= 1


@lazy_njit()
def descend(d, w, seed, indptr, indices, mark, members, ext, ext_len, ext_pos):
    """Add ``w`` as member ``d``: the next extension set is the rest of this one plus
    ``w``'s unmarked neighbours above the seed (ESU's exclusive extension)."""
    L = 0
    for i in range(ext_pos[d], ext_len[d]):
        ext[d + 1, L] = ext[d, i]
        L += 1
    for e in range(indptr[w], indptr[w + 1]):
        u = indices[e]
        if u > seed and mark[u] == 0:
            ext[d + 1, L] = u
            L += 1
    mark[w] += 1
    for e in range(indptr[w], indptr[w + 1]):
        mark[indices[e]] += 1
    members[d] = w
    ext_len[d + 1], ext_pos[d + 1] = L, 0
