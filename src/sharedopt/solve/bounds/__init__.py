"""Bounds that follow the model structure: per-service exact DP, a Lagrangian (DW) bound and odd-cycle cuts on slot rows."""
