"""Guided classroom scenarios: YAML files (`scenarios/` and the teacher's folder), their
loader, the vocabulary of actions and conditions they use, and the runner the page and the
tests drive step by step. The format is documented in docs/scenarios.md.
"""
