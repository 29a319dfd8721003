import numpy as np

from tests.transforms.helpers import records
from transforms import scoring
from transforms.blocking import candidate_pairs
from transforms.features import RecordFeatures


def test_comparing_in_chunks_gives_the_same_levels(monkeypatch):
    recs = records(
        {
            "id": "a",
            "name_raw": "Bill Smith",
            "emails_raw": ["bsmith@acme.com"],
            "company_raw": "Acme",
        },
        {
            "id": "b",
            "source": "mail",
            "name_raw": "Smith, William",
            "emails_raw": ["bsmith@acme.com"],
        },
        {"id": "c", "name_raw": "W. Smith", "company_raw": "Acme Inc"},
        {
            "id": "d",
            "source": "mail",
            "name_raw": "S. Larsen",
            "emails_raw": ["soren.larsen@acme.com"],
        },
        {"id": "e", "name_raw": "Søren Larsen", "company_raw": "Acme"},
    )
    f = RecordFeatures.from_records(recs)
    a, b = candidate_pairs(f)
    whole = scoring.compare(f, a, b)
    monkeypatch.setattr(scoring, "COMPARE_CHUNK", 2)
    chunked = scoring.compare(f, a, b)
    for name in scoring.FEATURES:
        assert np.array_equal(whole.levels[name], chunked.levels[name])
        assert np.array_equal(whole.tf_u[name], chunked.tf_u[name], equal_nan=True)
    assert np.array_equal(whole.name_similarity, chunked.name_similarity, equal_nan=True)
