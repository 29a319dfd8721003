"""The calibration report of the match model (benchmarks/bench_calibration.py)."""

from benchmarks.bench_calibration import BANDS, calibration, main
from benchmarks.resolution_data import generate_population
from transforms.normalise import normalise_records


def test_calibration_counts_add_up_on_a_small_harness(capsys):
    pop = generate_population(150, 3)
    c = calibration(normalise_records(pop.records), pop.truth)
    bands = c["bands"]
    assert len(bands) == len(BANDS) - 1
    # Every candidate pair is in one band; the truth's pairs among them are at most all.
    assert sum(k for _, _, k, _, _ in bands) == c["candidate_pairs"]
    assert 0 < c["true_pairs"] <= c["all_true_pairs"]
    assert 0 < c["probability_sum"] < c["candidate_pairs"]
    for low, high, k, mean, share in bands:
        assert k == 0 or low <= mean <= high
        assert 0.0 <= share <= 1.0
    assert c["true_c"] == 2 * c["all_true_pairs"] / len(pop.records)
    assert main(["--n", "100", "--seeds", "4"]) == 0
    assert "sum of probabilities" in capsys.readouterr().out


def test_small_files_print_one_line_per_file_and_pooled_figures(capsys):
    assert main(["--n", "30", "40", "--seeds", "1", "2", "--bands"]) == 0
    out = capsys.readouterr().out
    assert out.count("harness-30/") == 2 and out.count("harness-40/") == 2
    assert out.count("pooled P") == 2
    assert out.count("0.99-1.00") == 2  # the bands summed per size
