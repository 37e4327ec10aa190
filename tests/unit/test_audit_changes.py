"""An audit event's JSON before and after, read as the fields that changed."""

from __future__ import annotations

from fundledger.audit.changes import Change, changes


def test_only_the_fields_that_changed_are_shown() -> None:
    assert changes('{"active": true, "name": "Perú"}', '{"active": false, "name": "Perú"}') == [
        Change("active", "true", "false")
    ]


def test_a_creation_shows_what_it_set_and_not_what_it_left_empty() -> None:
    assert changes(None, '{"code": "PER", "amount": "10.00", "comment": null, "n": 2}') == [
        Change("code", None, "PER"), Change("amount", None, "10.00"), Change("n", None, "2")
    ]


def test_a_field_emptied_or_removed_shows_its_old_value() -> None:
    assert changes('{"contact": "a@b.org", "x": 1}', '{"contact": null}') == [
        Change("contact", "a@b.org", "—"), Change("x", "1", None)
    ]


def test_what_is_not_a_json_object_is_shown_whole() -> None:
    assert changes("[1, 2]", None) == [Change("", "[1, 2]", None)]
    assert changes("same", "same") == []
    assert changes(None, None) == []
