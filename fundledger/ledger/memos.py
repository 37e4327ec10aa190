"""Memos the application writes, kept as data so that each reader sees them in their own
language and number format (issue 15, finding 3).

A generated memo is a :class:`~fundledger.errors.Message`: a msgid marked with ``N_`` and
typed parameters, as refusals are. An entry and a posting store three things: ``memo``,
the English sentence (the record: it is hashed, the CLI and the hledger export print it,
and it is what an older entry has alone), ``memo_id`` and ``memo_params`` (JSON). A memo
someone typed (a manual voucher) is a plain ``str`` and has no id: it reads as typed.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable, Mapping
from decimal import Decimal
from typing import Any

from fundledger.errors import Amount, Message, Param, Term, english
from fundledger.i18n import message_text

#: What an operation gives as a memo: text as typed, or a message to word per reader.
Memo = str | Message
#: How a reader's page names what a memo's parameter holds by code, by kind (``donor``,
#: ``earmark``, ``category``): ``ES-OBS`` → ``Spain (ES-OBS)``, ``activity:5`` →
#: ``Activity 5 — …``, ``travel`` → ``Travel`` in the reader's language.
Labels = Mapping[str, Callable[[str], str]]
#: The kind of code each parameter name of the generated memos holds.
_KINDS = {"donor": "donor", "earmark": "earmark", "source": "earmark", "target": "earmark",
          "category": "category"}  # fmt: skip


def memo_english(memo: Memo | None) -> str | None:
    """The stored sentence of ``memo``: the text itself, or the message in English."""
    return memo if memo is None or isinstance(memo, str) else english(memo)


def memo_id(memo: Memo | None) -> str | None:
    return memo.id if isinstance(memo, Message) else None


def memo_params(memo: Memo | None) -> str | None:
    """The JSON of a message's parameters, keys sorted; None for a typed memo."""
    if not isinstance(memo, Message):
        return None
    encoded = {name: _encoded(value) for name, value in memo.params.items()}
    return json.dumps(encoded, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def stored_memo(text: str | None, message_id: str | None, params: str | None) -> Memo | None:
    """The memo a row holds: its message when it has one, else its text."""
    if message_id is None:
        return text
    return Message(message_id, _decoded_params(params))


def memo_for_reader(
    text: str | None,
    message_id: str | None,
    params: str | None,
    language: str,
    labels: Labels | None = None,
) -> str:
    """A stored memo as a reader of ``language`` reads it: the message translated, its
    amounts, rates and dates in the language's format, the donors and earmarks it names
    by code named as ``labels`` name them; the stored text when the row has no message (a
    typed memo, an entry from before revision 0030) or its data cannot be read back."""
    if message_id is None:
        return text or ""
    try:
        decoded = _decoded_params(params)
        for name, value in decoded.items():
            label = (labels or {}).get(_KINDS.get(name, ""))
            if label is not None and isinstance(value, str):
                decoded[name] = label(value)
        return message_text(Message(message_id, decoded), language)
    except (KeyError, TypeError, ValueError):
        return text or ""


def words_its_text(text: str | None, message_id: str | None, params: str | None) -> bool:
    """Whether a row's message still words its stored text in English. The message is not
    hashed (revision 0030 left the chain as it was); the text is, so ``fundledger verify``
    holds the message to it and an altered message is caught like an altered memo."""
    if message_id is None:
        return True
    try:
        return english(Message(message_id, _decoded_params(params))) == text
    except (KeyError, TypeError, ValueError):
        return False


def _encoded(value: Param) -> Any:
    """One parameter as JSON, tagged with its type where JSON has none for it."""
    if isinstance(value, Amount):
        return {"amount": f"{value.value:f}", "currency": value.currency}
    if isinstance(value, Decimal):
        return {"decimal": f"{value:f}"}
    if isinstance(value, dt.date):
        return {"date": value.isoformat()}
    if isinstance(value, Message):
        return {"message": value.id, "params": {k: _encoded(v) for k, v in value.params.items()}}
    if isinstance(value, Term):
        return {"term": str(value)}
    return value


def _decoded_params(params: str | None) -> dict[str, Param]:
    raw = json.loads(params) if params else {}
    if not isinstance(raw, dict):
        raise ValueError("memo parameters are not an object")
    return {str(name): _decoded(value) for name, value in raw.items()}


def _decoded(value: Any) -> Param:
    if isinstance(value, str | int) and not isinstance(value, bool):
        return value
    if not isinstance(value, dict):
        raise ValueError(f"unreadable memo parameter {value!r}")
    if "amount" in value:
        return Amount(Decimal(value["amount"]), value.get("currency"))
    if "decimal" in value:
        return Decimal(value["decimal"])
    if "date" in value:
        return dt.date.fromisoformat(value["date"])
    if isinstance(value.get("message"), str):  # a message inside: its id as stored
        return Message(value["message"], {
            str(k): _decoded(v) for k, v in value.get("params", {}).items()
        })  # fmt: skip
    if "term" in value:
        return Term(value["term"])
    raise ValueError(f"unreadable memo parameter {value!r}")
