"""``python -m govservice`` runs the command line."""

from govservice.cli import main

raise SystemExit(main())
