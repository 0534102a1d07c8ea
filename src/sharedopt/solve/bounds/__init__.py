"""Bounds that follow the model structure: per-service exact DP and a Lagrangian (DW) bound."""
