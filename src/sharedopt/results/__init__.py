"""What a solution means: ranking and loss if forced, near-optimal alternatives, each
council's cash flows, the run summary, and comparisons between runs."""
