"""Impact's tables: release markers, annotations, read-outs, experiments."""
