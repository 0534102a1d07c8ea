"""Kernels compiled by numba on their first call, so that importing their module imports no numba.

numba takes about half a second to import, and most runs never call a compiled kernel (the
Lagrangian bound and the column-generation pricer run on some paths only). A kernel is
written as a plain function under :func:`lazy_njit`; the first call imports numba, binds
the numba names the kernel uses (``Dict``, ``types``) in its module, compiles the kernels
it calls first, and compiles it with ``njit(cache=True)``, exactly as ``@njit(cache=True)``
would have at import (same function, same on-disk cache).
"""

from __future__ import annotations

import functools
import importlib
import threading
from collections.abc import Callable
from typing import Any

__all__ = ["LazyKernel", "lazy_njit"]

_LOCK = threading.RLock()


class LazyKernel:
    """A function compiled by ``numba.njit(cache=True)`` when first called.

    Parameters
    ----------
    function : callable
        The kernel's Python source (``py_func``).
    names : dict of str to str
        Global names the kernel uses, bound before it compiles, each to ``"module:attribute"``.
    nogil : bool
        Compile with ``nogil=True``: the kernel releases the GIL, so threads run it at once.
    """

    def __init__(self, function: Callable, names: dict[str, str], nogil: bool = False):
        functools.update_wrapper(self, function)
        self.py_func = function
        self._names = names
        self._nogil = nogil
        self._compiled: Any = None

    def __call__(self, *args):
        return (self._compiled or self.compile())(*args)

    def compile(self):
        """The compiled kernel (numba's dispatcher), made on the first call.

        Returns
        -------
        numba.core.registry.CPUDispatcher
        """
        with _LOCK:
            if self._compiled is None:
                from numba import njit  # the one place numba is imported

                scope = self.py_func.__globals__
                for name, where in self._names.items():
                    module, _, attribute = where.partition(":")
                    scope[name] = getattr(importlib.import_module(module), attribute)
                for name in self.py_func.__code__.co_names:  # kernels it calls: compiled before it
                    if isinstance(scope.get(name), LazyKernel):
                        scope[name] = scope[name].compile()
                self._compiled = njit(cache=True, nogil=self._nogil)(self.py_func)
        return self._compiled


def lazy_njit(*, nogil: bool = False, **names: str) -> Callable[[Callable], LazyKernel]:
    """Decorator: ``@lazy_njit()`` compiles on first call, as ``@numba.njit(cache=True)`` at import.

    Parameters
    ----------
    nogil : bool
        Release the GIL while the kernel runs (``numba.njit(nogil=True)``).
    **names : str
        Global names the kernel needs from numba, e.g. ``Dict="numba.typed:Dict"``.

    Returns
    -------
    callable
        Turns a function into a :class:`LazyKernel`.
    """
    return lambda function: LazyKernel(function, names, nogil)
