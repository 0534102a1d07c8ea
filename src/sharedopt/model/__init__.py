"""The model step: the 0/1 portfolio programme built in bulk from the candidate table
(:func:`~sharedopt.model.build.build_model`), with its incidence matrices, exclusions,
exact dominance and packing reductions, and the status quo turned into constraints."""
