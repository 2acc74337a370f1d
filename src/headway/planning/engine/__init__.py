"""Pure planning computations: scoring formulas, the safe expression language, the portfolio optimiser and
the Next Release Problem. No Django, no other Headway app: plain values in, typed results out."""
