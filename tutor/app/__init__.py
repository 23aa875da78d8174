"""The Textual app (`dltutor` with no arguments). Never imports torch: checks run in the grading
worker (`tutor.grading.client.Grader`), so the UI starts in well under a second.

`tutor.app.app.DLTutorApp` wires the screens (`screens/`, one per file) and widgets (`widgets/`)."""
