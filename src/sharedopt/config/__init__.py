"""Run configuration, the bottom layer above common: schema (RunConfig), model parameters,
assumptions (every modelling default), names, constraints, readiness input, fine services."""
