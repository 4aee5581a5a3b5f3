"""Persisted outputs of the scoring engine."""
