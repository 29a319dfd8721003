import io
import time

from connectors import progress as input_progress
from pipelines.progress import RunProgress, input_size


class _Tty(io.StringIO):
    def isatty(self):
        return True


def test_terminal_gets_a_live_line_with_inputs_and_bytes():
    out = _Tty()
    with RunProgress(stream=out, interval=0.01) as p:
        p.start_reading(2, 2048)
        input_progress.advance(1024)
        p.input_done(1024)
        time.sleep(0.1)
    text = out.getvalue()
    assert "\r" in text
    assert "reading 2 inputs (2.0 KB)" in text
    assert "1/2 inputs" in text and "1.0 KB of 2.0 KB (50%)" in text
    assert text.endswith("\r\x1b[2K")  # the line is cleared for the summary


def test_pipes_and_logs_get_one_plain_line_per_phase():
    out = io.StringIO()
    with RunProgress(stream=out, interval=0.01) as p:
        p.start_reading(3, 10)
        p.input_done(5)
        p.set_phase("resolving")
        time.sleep(0.05)
    assert out.getvalue() == "ties: reading 3 inputs (10 B)\nties: resolving\n"


def test_input_size_of_file_and_folder(tmp_path):
    (tmp_path / "a").write_bytes(b"x" * 10)
    (tmp_path / "d").mkdir()
    (tmp_path / "d" / "b").write_bytes(b"y" * 5)
    assert input_size(tmp_path / "a") == 10
    assert input_size(tmp_path) == 15
    assert input_size(tmp_path / "missing") == 0
