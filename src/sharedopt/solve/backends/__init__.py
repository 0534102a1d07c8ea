"""Solver backends: the registry (``get_backend(name, **options)``, ``list_backends()``,
``check_solver``), HiGHS through highspy (owning the process-wide thread scheduler), and
CBC/HiGHS through PuLP (PuLP 3 and 4), each mapping its own codes to ``Status``."""
