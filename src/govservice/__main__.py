"""``python -m govservice`` runs the command line."""

from govservice.console import main

raise SystemExit(main())
