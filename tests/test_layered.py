"""A mapping made by ``with_changes`` reads exactly as the dictionary it stands for."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from generator.layered import Layered, with_changes

keys = st.integers(0, 40)
steps = st.lists(st.tuples(st.dictionaries(keys, st.integers()), st.lists(keys, max_size=5)),
                 max_size=30)


@settings(max_examples=300, deadline=None)
@given(st.dictionaries(keys, st.integers(), max_size=40), steps)
def test_changes_read_as_a_dictionary_would_order_included(start, edits):
    expected = dict(start)
    table = start
    for changes, gone in edits:
        before = dict(table)
        table = with_changes(table, changes, gone)
        for key in gone:
            expected.pop(key, None)
        expected.update(changes)
        assert list(table.items()) == list(expected.items())
        assert [(k, table[k]) for k in table] == list(expected.items())
        assert len(table) == len(expected)
        assert all((k in table) == (k in expected) for k in range(-1, 42))
        assert table == expected
        assert dict(before) == before  # the table it was made from is left as it was


def test_a_few_changes_share_the_table_and_many_fold_into_a_copy():
    big = {n: str(n) for n in range(10_000)}
    once = with_changes(big, {5: "five", 20_000: "new"}, [7])
    assert isinstance(once, Layered)
    assert once[5] == "five" and once[20_000] == "new" and 7 not in once and once[8] == "8"
    assert big[5] == "5" and 7 in big
    many = with_changes(once, {n: "x" for n in range(2_000)})
    assert type(many) is dict and len(many) == 10_001  # 7 is set again
