"""Pure org-chart computations: the reporting tree, cycles, spans of control and the chart layout."""
