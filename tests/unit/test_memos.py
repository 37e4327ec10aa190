"""A generated memo survives its trip through the database's columns, and a row whose
message cannot be read back is shown as its stored text."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from hypothesis import given
from hypothesis import strategies as st

from fundledger.errors import Amount, Message, Term
from fundledger.ledger.memos import (
    memo_english,
    memo_for_reader,
    memo_id,
    memo_params,
    stored_memo,
)

PARAMS = st.one_of(
    st.text(max_size=20),
    st.integers(min_value=-(10**12), max_value=10**12),
    st.decimals(allow_nan=False, allow_infinity=False, places=4,
                min_value=Decimal(-(10**9)), max_value=Decimal(10**9)),
    st.dates(min_value=dt.date(1990, 1, 1), max_value=dt.date(2100, 12, 31)),
    st.builds(Amount, st.decimals(allow_nan=False, allow_infinity=False, places=2,
                                  min_value=Decimal(-(10**9)), max_value=Decimal(10**9)),
              st.sampled_from([None, "EUR", "JPY"])),
    st.sampled_from([Term("the bank"), Term("refund")]),
)  # fmt: skip


@given(st.dictionaries(st.from_regex(r"[a-z_]{1,8}", fullmatch=True), PARAMS, max_size=4))
def test_a_message_reads_back_as_it_was_posted(params: dict[str, object]) -> None:
    template = " ".join(f"%({name})s" for name in params) or "Bank interest"
    message = Message(template, {**params, "inner": Message("pledge %(pledge)s", {"pledge": 7})})
    back = stored_memo(memo_english(message), memo_id(message), memo_params(message))
    assert back == message
    assert memo_english(back) == memo_english(message)


def test_decimals_are_written_out_in_the_english_sentence() -> None:
    """The stored text is what the f-strings wrote before: ``0.0000001``, not ``1E-7``."""
    message = Message(
        "%(amount)s %(currency)s at %(rate)s",
        {"amount": Decimal("1234.50"), "currency": "EUR", "rate": Decimal("1E-7")},
    )
    assert memo_english(message) == "1234.50 EUR at 0.0000001"


def test_a_typed_memo_has_no_message() -> None:
    assert (memo_id("as typed"), memo_params("as typed")) == (None, None)
    assert memo_for_reader("as typed", None, None, "fr") == "as typed"


def test_an_unreadable_message_reads_as_the_stored_text() -> None:
    stored = "Disbursement to CIM, allocation 1"
    template = "Disbursement to %(organ)s, allocation %(allocation)s"
    assert memo_for_reader(stored, template, '{"organ": "CIM"}', "es") == stored
    assert memo_for_reader(stored, template, "not json", "es") == stored
    assert memo_for_reader(stored, template, '{"organ": [1]}', "es") == stored
    assert (
        memo_for_reader(stored, template, '{"organ": "CIM", "allocation": 1}', "es")
        == "Desembolso a CIM, asignación 1"
    )
