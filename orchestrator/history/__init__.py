"""History of a cluster: replay of the revision log, the failure timeline, export and import."""
