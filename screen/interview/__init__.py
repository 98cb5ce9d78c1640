"""The interview as data: asking order, state machine, front-end protocol (pure)."""
