"""Finding indicators in notes: clauses, context cues, ages and the matcher (pure)."""
