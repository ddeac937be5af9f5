"""The store: the only way anything reads or writes cluster objects.

`services` writes (in batches, each write appending to the revision log),
`selectors` reads, `watch` follows the revision log, `errors` are the refusals,
each able to render itself as a Kubernetes Status.
"""
