"""The pattern language: one syntax tree, its expressions, anchor words, a plan (pure)."""
