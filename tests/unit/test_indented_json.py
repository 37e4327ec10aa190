"""The attached figures' fast JSON is the standard library's indented JSON, byte for byte
(issued statements' digests depend on it)."""

from __future__ import annotations

import json
import math

import pytest
from hypothesis import given
from hypothesis import strategies as st

from fundledger.reporting.indented import dumps


def reference(value: object) -> str:
    return json.dumps(value, ensure_ascii=False, indent=2, sort_keys=True)


#: What a statement's figures hold (``embedded.plain``): text (any script, quotes,
#: control characters), whole numbers, booleans, nulls, and objects and arrays of them.
scalars = st.none() | st.booleans() | st.integers() | st.text()
documents = st.recursive(
    scalars,
    lambda inner: (
        st.lists(inner, max_size=5)
        | st.tuples(inner, inner)
        | st.dictionaries(st.text(), inner, max_size=5)
    ),
    max_leaves=40,
)


@given(documents)
def test_same_text_as_the_standard_library(value: object) -> None:
    assert dumps(value) == reference(value)


@given(st.dictionaries(st.integers() | st.floats() | st.booleans() | st.none(), scalars))
def test_keys_that_are_not_text_are_written_as_the_library_writes_them(value: object) -> None:
    try:
        expected = reference(value)
    except TypeError:  # keys of types that do not sort together
        with pytest.raises(TypeError):
            dumps(value)
        return
    assert dumps(value) == expected


@given(st.lists(st.floats()))
def test_floats_including_nan_and_infinities(value: list[float]) -> None:
    assert dumps(value) == reference(value)


def test_special_floats_spelt_as_the_library_spells_them() -> None:
    assert dumps([math.inf, -math.inf]) == "[\n  Infinity,\n  -Infinity\n]"


def test_other_types_meet_the_librarys_error() -> None:
    with pytest.raises(TypeError, match="not JSON serializable"):
        dumps({"amount": {1, 2}})
    loop: list[object] = []
    loop.append(loop)
    with pytest.raises(ValueError, match="Circular reference"):
        dumps(loop)
