from pipelines.cli import DEMO_INPUTS
from pipelines.summary import summary_lines, summary_markdown
from tests.conftest import build_plain


def test_summary_says_what_a_person_wants_to_know(tmp_path):
    first = build_plain(DEMO_INPUTS, tmp_path / "wh")
    text = "\n".join(summary_lines(first))
    assert "people:       43  (new 43; known from: linkedin 26, mail 20, vcard 15)" in text
    assert "items read 254 = accepted 221 + skipped 32 + rejected 1" in text
    assert "mailing_list 18" in text
    assert "rejected     1: card has no name, e-mail, phone or URL" in text
    again = build_plain(DEMO_INPUTS, tmp_path / "wh", incremental=True)
    assert "(new 0;" in "\n".join(summary_lines(again))
    assert summary_markdown(again).startswith("# ties plain run ")
