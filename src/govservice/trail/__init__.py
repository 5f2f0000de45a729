"""The trail's witness outside the database: signed checkpoints of the ledger head
(:mod:`govservice.trail.checkpoints`), and the centre's signing key
(:mod:`govservice.trail.keys`). ``GovService.trail`` is a :class:`Trail`."""

from govservice.trail.checkpoints import Checkpoint, Trail

__all__ = ["Checkpoint", "Trail"]
