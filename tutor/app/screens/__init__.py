"""One Screen per module: the course map (home), a lesson, an exercise, its quiz, and dialogs."""
