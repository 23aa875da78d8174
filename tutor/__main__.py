"""`python -m tutor` is the same program as the `dltutor` console script."""

from tutor.cli import main

raise SystemExit(main())
