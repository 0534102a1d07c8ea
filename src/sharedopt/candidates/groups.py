"""Connected node groups as compact, read-only numpy arrays (what enumeration and pricing produce)."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True, eq=False)
class GroupArrays:
    """Connected node groups stored as compact, read-only numpy arrays.

    Attributes
    ----------
    nodes : numpy.ndarray
        Node labels, shape ``(n_nodes,)``; ``nodes[i]`` is the label of
        node index ``i``.
    members : numpy.ndarray
        ``int32`` array, shape ``(n_groups, max_size)``.  Row ``g`` holds
        the node indices of group ``g`` sorted ascending, padded with
        ``-1`` after the first ``sizes[g]`` columns.
    sizes : numpy.ndarray
        ``int16`` array, shape ``(n_groups,)``: number of members per group.

    Notes
    -----
    Groups are ordered by size, then lexicographically by ``members``.
    """

    nodes: np.ndarray
    members: np.ndarray
    sizes: np.ndarray

    def __len__(self) -> int:
        return int(self.sizes.shape[0])

    @property
    def max_size(self) -> int:
        """Width of :attr:`members` (the ``max_size`` that was requested)."""
        return int(self.members.shape[1])

    def indices(self, i: int) -> np.ndarray:
        """Return the node indices of group ``i`` (no padding).

        Parameters
        ----------
        i : int
            Group position.

        Returns
        -------
        numpy.ndarray
            ``int32`` array of length ``sizes[i]``, ascending.
        """
        return self.members[i, : int(self.sizes[i])]

    def labels(self, i: int) -> tuple:
        """Return the node labels of group ``i``.

        Parameters
        ----------
        i : int
            Group position.

        Returns
        -------
        tuple
            Labels in ascending node-index order.
        """
        return tuple(self.nodes[self.indices(i)].tolist())

    def member_lists(self) -> list[list[int]]:
        """Return every group as a list of node indices (no padding).

        Returns
        -------
        list of list of int
            One ascending list per group, in group order.
        """
        return [row[:size] for row, size in zip(self.members.tolist(), self.sizes.tolist())]

    def label_lists(self) -> list[tuple]:
        """Return every group as a tuple of node labels.

        Returns
        -------
        list of tuple
            One tuple per group, in group order.
        """
        labels = self.nodes.tolist()
        return [tuple(labels[j] for j in row) for row in self.member_lists()]
