from transforms.contact_ids import assign_contact_ids, new_contact_id


def test_new_ids_are_deterministic():
    clusters = {"a": ["a", "b"], "c": ["c"]}
    one = assign_contact_ids(clusters, {}, {}, "run1")
    two = assign_contact_ids(clusters, {}, {}, "run2")
    assert one.contact_of == two.contact_of
    assert one.contact_of["a"] == one.contact_of["b"] == new_contact_id(["a", "b"])


def test_unchanged_person_keeps_id_and_new_record_joins_it():
    prev = {"a": "c_old", "b": "c_old"}
    ids = assign_contact_ids({"a": ["a", "b", "z"]}, prev, {"c_old": "run0"}, "run1")
    assert set(ids.contact_of.values()) == {"c_old"}
    assert ids.created_run["c_old"] == "run0"
    assert ids.retired == []


def test_merge_keeps_the_oldest_id_and_retires_the_other():
    prev = {"a": "c_young", "b": "c_old"}
    created = {"c_young": "run5", "c_old": "run1"}
    ids = assign_contact_ids({"a": ["a", "b"]}, prev, created, "run9")
    assert ids.contact_of == {"a": "c_old", "b": "c_old"}
    assert ids.retired == [("c_young", "c_old")]


def test_split_gives_the_bigger_part_the_old_id():
    prev = {"a": "c1", "b": "c1", "c": "c1"}
    ids = assign_contact_ids({"a": ["a", "b"], "c": ["c"]}, prev, {"c1": "r"}, "r2")
    assert ids.contact_of["a"] == ids.contact_of["b"] == "c1"
    assert ids.contact_of["c"] != "c1"
