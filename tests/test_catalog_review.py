"""A hostile review of the catalog (issue 12): each test fails without its fix."""

from __future__ import annotations

import csv
import io
from decimal import Decimal

from govservice.catalog.disclosure import disclosed_fees, to_csv
from govservice.model import Fee
from govservice.samples import make_item


def test_csv_exemptions_cell_is_not_a_formula():
    """A list cell (the exemptions, joined) is guarded against formula injection as any
    other cell is: a spreadsheet never reads ``-2+3`` or ``=HYPERLINK(...)`` as a formula."""
    item = make_item(
        fees=(
            Fee(
                name="工本费",
                amount=Decimal("10"),
                exemptions=('=HYPERLINK("http://x","免收")', "低保户免收"),
            ),
        )
    )
    rows = list(csv.DictReader(io.StringIO(to_csv(disclosed_fees([item])))))
    assert rows[0]["减免政策"] == '\'=HYPERLINK("http://x","免收")；低保户免收'
