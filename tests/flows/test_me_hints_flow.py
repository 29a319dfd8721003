"""The real flows without --me: a LinkedIn export in the run names the user for the mail."""

import pytest

from pipelines.summary import summary_markdown
from tests.pipelines.test_me_hints import (
    BRAM,
    CY,
    ME,
    contact_emails,
    mail_directions,
    write_inputs,
)

pytestmark = pytest.mark.usefixtures("prefect_harness")


def test_import_without_me_takes_the_user_from_the_linkedin_export(tmp_path):
    from pipelines.flows import backfill, import_contacts

    inputs = [str(p) for p in write_inputs(tmp_path / "in")]
    wh = tmp_path / "wh"
    summary = import_contacts(inputs=inputs, warehouse=str(wh))
    assert summary["you"] == {"source": "linkedin", "identifiers": [ME], "inferred": []}
    assert "you:          1 address from the LinkedIn export" in summary_markdown(summary)
    assert mail_directions(wh) == {BRAM: ["inbound", "inbound", "outbound"], CY: ["outbound"]}
    assert ME not in contact_emails(wh)

    again = import_contacts(inputs=inputs, warehouse=str(wh))
    assert all(r["from_cache"] for r in again["inputs"])

    # --me adds (issue 14): another address of hers joins the export's, which stays hers.
    work = "ada@work.example"
    other = backfill(inputs=inputs, warehouse=str(wh), me=[work])
    assert other["you"] == {"source": "given", "identifiers": [work], "linkedin": [ME]}
    assert mail_directions(wh) == {BRAM: ["inbound", "inbound", "outbound"], CY: ["outbound"]}
    assert ME not in contact_emails(wh) and work not in contact_emails(wh)
