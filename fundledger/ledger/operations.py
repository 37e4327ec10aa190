"""Writers of the ledger: the one place postings are created.

``post_entry`` validates everything first and raises a specific :class:`InvalidEntry`
before writing anything; it then appends under the ledger-head lock inside a savepoint,
so a refusal by the database also leaves the caller's transaction as it was.
Operations flush and never commit.

Posting is on every contribution's path, so it keeps its statements few: the lock reads
the chain's end, the idempotency key is looked up once (under the lock, columns only),
and the postings go in one ``executemany``.

Amounts are bounded (docs/LEDGER.md): a line and an entry's total by ``MAX_AMOUNT``,
checked here before anything is written; an account's balance and a day's total by
``MAX_BALANCE``, which the database's triggers and constraints refuse as they add the
postings up (revision 0008), at no cost to an entry within it. The refusal rolls back
the savepoint and :func:`fundledger.ledger.bounds.bound_problem` says which account it was.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from decimal import Decimal
from typing import Any, cast

from sqlalchemy import Table, bindparam, insert, select, text
from sqlalchemy.orm import Session
from sqlalchemy.orm.util import identity_key

from fundledger.errors import Amount, FundledgerError, Message, Term
from fundledger.i18n import N_
from fundledger.inputs import FIRST_DAY, LAST_DAY, upper_code
from fundledger.ledger import dimensions, errors
from fundledger.ledger.bounds import refused_beyond_bound
from fundledger.ledger.chart import restriction_problem
from fundledger.ledger.dates import check_not_after_today, check_open_period
from fundledger.ledger.hashing import CanonicalLine, chain_hash, content_digest
from fundledger.ledger.memos import Memo, memo_english, memo_id, memo_params, stored_memo
from fundledger.ledger.models import (
    Account,
    EntryKind,
    JournalEntry,
    Posting,
)
from fundledger.ledger.overdraft import refuse_overdraft
from fundledger.ledger.queries import reversal_of
from fundledger.money import (
    BASE_CURRENCY,
    MAX_AMOUNT,
    check_currency,
    converts_to,
    decimal_places,
    fits_currency,
    minor_units,
    to_base,
)

ZERO = Decimal("0.00")
#: The bound of a line and of an entry's total, as a refusal states it.
_BOUND = Amount(MAX_AMOUNT, BASE_CURRENCY)
#: A line's refusal that another check worded (an earmark's, a currency's).
_ON_LINE = N_("line %(line)s: %(problem)s")
MAX_RATE = Decimal(1_000_000)
MAX_TEXT = 2000


# The statements of every posting, built once: SQLAlchemy caches a statement's compiled
# form by its cache key, which a statement object remembers, so building them on each call
# (and working out their keys) cost about three times what executing them costs.
_LOCK_HEAD = text(
    "UPDATE ledger_head SET last_number = last_number WHERE id = 1 RETURNING last_number, last_hash"
)
_ADVANCE_HEAD = text("UPDATE ledger_head SET last_number = :number, last_hash = :hash WHERE id = 1")
_ACCOUNTS = select(Account).where(Account.code.in_(bindparam("codes", expanding=True)))
_ENTRY_WITH_KEY = select(JournalEntry.id, JournalEntry.number, JournalEntry.content_digest).where(
    JournalEntry.idempotency_key == bindparam("key")
)
# Into the table itself: the ORM's bulk insert costs three times as much.
_INSERT_POSTINGS = insert(cast(Table, Posting.__table__))


@dataclass(frozen=True, slots=True)
class Line:
    """One line of an entry to post: USD amount (debit positive) and its dimensions."""

    account: str
    amount: Decimal
    donor_id: int | None = None
    activity: int | None = None
    objective: int | None = None
    organ: str | None = None
    earmark: str | None = None
    allocation_id: int | None = None
    currency: str | None = None
    original_amount: Decimal | None = None
    rate: Decimal | None = None
    #: Text as typed, or a generated memo's message (fundledger/ledger/memos.py).
    memo: Memo | None = None

    def negated(self) -> Line:
        original = None if self.original_amount is None else -self.original_amount
        return replace(self, amount=-self.amount, original_amount=original)

    def canonical(self) -> CanonicalLine:
        return CanonicalLine(
            account_code=self.account,
            amount=self.amount,
            donor_id=self.donor_id,
            activity_number=self.activity,
            objective_number=self.objective,
            organ_code=self.organ,
            earmark=self.earmark,
            allocation_id=self.allocation_id,
            currency=self.currency,
            original_amount=self.original_amount,
            rate=self.rate,
            memo=memo_english(self.memo),
        )


def debit(account: str, amount: Decimal | str, **dimensions: object) -> Line:
    return Line(account, Decimal(amount), **dimensions)  # type: ignore[arg-type]


def credit(account: str, amount: Decimal | str, **dimensions: object) -> Line:
    return Line(account, -Decimal(amount), **dimensions)  # type: ignore[arg-type]


@dataclass(frozen=True, slots=True)
class Posted:
    """What :func:`post_or_replay` did."""

    entry: JournalEntry
    #: False when an earlier call with the same idempotency key had posted ``entry``.
    new: bool


def post_entry(
    session: Session,
    *,
    entry_date: dt.date,
    lines: Sequence[Line],
    created_by: str,
    kind: EntryKind = EntryKind.MANUAL,
    memo: Memo = "",
    source_ref: str | None = None,
    idempotency_key: str | None = None,
    request_id: str | None = None,
    reverses: JournalEntry | None = None,
) -> JournalEntry:
    """Post one balanced entry and return it (or the earlier entry with the same key).

    A generated ``memo`` is a :class:`~fundledger.errors.Message`: the entry stores its
    English sentence (which is hashed) and the message, for each reader's language.

    Raises :class:`~fundledger.ledger.errors.InvalidEntry` (a subclass naming the
    problem) or :class:`~fundledger.ledger.errors.IdempotencyConflict`.
    """
    return post_or_replay(
        session,
        entry_date=entry_date,
        lines=lines,
        created_by=created_by,
        kind=kind,
        memo=memo,
        source_ref=source_ref,
        idempotency_key=idempotency_key,
        request_id=request_id,
        reverses=reverses,
    ).entry


def post_or_replay(
    session: Session,
    *,
    entry_date: dt.date,
    lines: Sequence[Line],
    created_by: str,
    kind: EntryKind = EntryKind.MANUAL,
    memo: Memo = "",
    source_ref: str | None = None,
    idempotency_key: str | None = None,
    request_id: str | None = None,
    reverses: JournalEntry | None = None,
) -> Posted:
    """:func:`post_entry`, also saying whether the entry is new: a caller that records
    more than the entry (a pledge, a receipt) then knows without asking the database."""
    message, memo = memo, memo_english(memo) or ""
    lines = [_normalized(number, line) for number, line in enumerate(lines, start=1)]
    _check_shape(entry_date, kind, memo, source_ref, idempotency_key, lines)
    check_not_after_today(entry_date)
    accounts = _accounts_by_code(session, (line.account for line in lines))
    _check_dimensions(session, lines)
    digest = content_digest(
        entry_date=entry_date,
        kind=str(kind),
        memo=memo,
        source_ref=source_ref,
        reverses_number=None if reverses is None else reverses.number,
        lines=[line.canonical() for line in lines],
    )
    with refused_beyond_bound(session, [(entry_date, str(kind), lines)]), session.begin_nested():
        last_number, last_hash = lock_ledger(session)
        # Looked up under the lock, so a concurrent retry that just posted is seen.
        if idempotency_key is not None and (
            earlier := _earlier_entry(session, idempotency_key, digest)
        ):
            return Posted(earlier, new=False)
        check_open_period(session, entry_date)
        number = last_number + 1
        created_at = dt.datetime.now(dt.UTC)
        entry = JournalEntry(
            number=number,
            entry_date=entry_date,
            kind=str(kind),
            memo=memo,
            memo_id=memo_id(message),
            memo_params=memo_params(message),
            source_ref=source_ref,
            idempotency_key=idempotency_key,
            content_digest=digest,
            created_by=created_by,
            request_id=request_id,
            created_at=created_at,
            reverses_id=None if reverses is None else reverses.id,
            prev_hash=last_hash,
            hash=chain_hash(
                prev_hash=last_hash,
                number=number,
                digest=digest,
                idempotency_key=idempotency_key,
                created_by=created_by,
                request_id=request_id,
                created_at=created_at,
            ),
        )
        session.add(entry)
        session.flush()
        rows = (
            posting_values(entry.id, line_no, line, accounts[line.account].id, entry_date)
            for line_no, line in enumerate(lines, start=1)
        )
        session.execute(
            _INSERT_POSTINGS, [dict(zip(POSTING_FIELDS, row, strict=True)) for row in rows]
        )
        refuse_overdraft(session, [(entry_date, lines)])
        session.execute(_ADVANCE_HEAD, {"number": number, "hash": entry.hash})
    return Posted(entry, new=True)


def replayed_entry(session: Session, idempotency_key: str | None) -> JournalEntry | None:
    """The entry an earlier call with this idempotency key posted, if any.

    An operation that checks what its entry would change (what is outstanding, undrawn,
    unspent, available) asks this first, so that a replay answers with what the first
    call posted instead of being refused by the change it made. It takes the ledger's
    lock first: a concurrent retry waits for the first call to commit, then finds its
    entry. (An operation that locks a row of its own takes that lock before this one.)
    """
    if idempotency_key is None:
        return None
    lock_ledger(session)
    earlier = session.execute(_ENTRY_WITH_KEY, {"key": idempotency_key}).one_or_none()
    return None if earlier is None else session.get_one(JournalEntry, earlier.id)


def reverse_entry(
    session: Session,
    entry: JournalEntry,
    *,
    reason: str,
    created_by: str,
    entry_date: dt.date | None = None,
    request_id: str | None = None,
) -> JournalEntry:
    """Post the mirror image of ``entry``, dated ``entry_date`` or the original's date."""
    reason = reason.strip()
    if not reason:
        raise errors.InvalidEntry(N_("a reversal needs a reason"))
    if entry.reverses_id is not None:
        raise errors.CannotReverse(
            N_("entry #%(entry)s is itself a reversal; post a new entry instead"),
            entry=entry.number,
        )
    already = reversal_of(session, entry)
    if already is not None:
        raise errors.CannotReverse(
            N_("entry #%(entry)s was already reversed by #%(reversal)s"),
            entry=entry.number, reversal=already,
        )  # fmt: skip
    lines = [line_of(posting).negated() for posting in entry.postings]
    return post_entry(
        session,
        entry_date=entry_date or entry.entry_date,
        lines=lines,
        created_by=created_by,
        kind=EntryKind.REVERSAL,
        memo=Message(
            N_("Reversal of #%(number)s: %(reason)s"), {"number": entry.number, "reason": reason}
        ),
        idempotency_key=f"reversal-of:{entry.number}",
        request_id=request_id,
        reverses=entry,
    )


def line_of(posting: Posting) -> Line:
    """The :class:`Line` a stored posting was made from."""
    return Line(
        account=posting.account.code,
        amount=posting.amount,
        donor_id=posting.donor_id,
        activity=posting.activity_number,
        objective=posting.objective_number,
        organ=posting.organ_code,
        earmark=posting.earmark,
        allocation_id=posting.allocation_id,
        currency=posting.currency,
        original_amount=posting.original_amount,
        rate=posting.rate,
        memo=stored_memo(posting.memo, posting.memo_id, posting.memo_params),
    )


def _normalized(number: int, line: Line) -> Line:
    """Checks one line on its own and returns it in canonical form (codes upper-cased)."""
    amount = line.amount
    if not isinstance(amount, Decimal) or not amount.is_finite():
        raise errors.InvalidEntry(
            N_("line %(line)s: amount %(amount)s is not a decimal number"),
            line=number, amount=repr(amount),
        )  # fmt: skip
    if amount == 0:
        raise errors.ZeroLine(N_("line %(line)s: amount is zero; leave the line out"), line=number)
    if abs(amount) >= MAX_AMOUNT:
        raise errors.BeyondBound(
            N_("line %(line)s: amount %(amount)s is out of range (below %(bound)s)"),
            line=number, amount=amount, bound=_BOUND,
        )  # fmt: skip
    if not fits_currency(amount, BASE_CURRENCY):
        raise errors.TooManyDecimals(
            N_("line %(line)s: %(amount)s has more decimals than %(currency)s allows "
               "(%(places)s)"),
            line=number, amount=amount, currency=BASE_CURRENCY,
            places=minor_units(BASE_CURRENCY),
        )  # fmt: skip
    line = replace(line, amount=amount.quantize(Decimal("0.01")))
    if line.earmark is not None:
        try:
            line = replace(line, earmark=dimensions.canonical_earmark(line.earmark))
        except FundledgerError as error:
            raise errors.UnknownDimension(
                _ON_LINE, line=number, problem=error.as_message()
            ) from error
    if line.organ is not None:
        line = replace(line, organ=upper_code(line.organ, f"line {number}: organ"))
    if (problem := restriction_problem(line.account, line.donor_id, line.earmark)) is not None:
        raise errors.UnearmarkedRestriction(_ON_LINE, line=number, problem=problem)
    if line.memo is not None and len(memo_english(line.memo) or "") > MAX_TEXT:
        raise errors.InvalidEntry(
            N_("line %(line)s: the memo is longer than %(limit)s characters"),
            line=number, limit=MAX_TEXT,
        )  # fmt: skip
    return _checked_original(number, line)


def _checked_original(number: int, line: Line) -> Line:
    currency, original, rate = line.currency, line.original_amount, line.rate
    if currency is None and original is None and rate is None:
        return line
    if currency is None or original is None or rate is None:
        raise errors.InvalidEntry(
            N_("line %(line)s: a foreign-currency line needs currency, original amount and rate"),
            line=number,
        )
    try:
        currency = check_currency(currency)
    except FundledgerError as error:
        raise errors.InvalidEntry(_ON_LINE, line=number, problem=error.as_message()) from error
    if currency == BASE_CURRENCY:
        raise errors.InvalidEntry(
            N_("line %(line)s: %(currency)s is the base currency; give only the amount"),
            line=number, currency=BASE_CURRENCY,
        )  # fmt: skip
    if not original.is_finite() or abs(original) >= MAX_AMOUNT:
        raise errors.InvalidEntry(
            N_("line %(line)s: original amount %(amount)s is out of range"),
            line=number, amount=original,
        )  # fmt: skip
    if not fits_currency(original, currency):
        raise errors.TooManyDecimals(
            N_("line %(line)s: %(amount)s has more decimals than %(currency)s allows "
               "(%(places)s)"),
            line=number, amount=original, currency=currency, places=minor_units(currency),
        )  # fmt: skip
    if not rate.is_finite() or not 0 < rate < MAX_RATE or decimal_places(rate.normalize()) > 10:
        raise errors.InvalidEntry(
            N_("line %(line)s: rate %(rate)s must be positive, below %(bound)s and have at "
               "most 10 places"),
            line=number, rate=rate, bound=MAX_RATE,
        )  # fmt: skip
    if (original > 0) != (line.amount > 0):
        raise errors.InvalidEntry(
            N_("line %(line)s: original amount and %(base)s amount differ in sign"),
            line=number, base=BASE_CURRENCY,
        )  # fmt: skip
    if not converts_to(original, rate, line.amount):
        raise errors.ConversionMismatch(
            N_("line %(line)s: %(original)s %(currency)s at %(rate)s is %(converted)s "
               "%(base)s, not %(amount)s"),
            line=number, original=original, currency=currency, rate=rate,
            converted=to_base(original, rate), base=BASE_CURRENCY, amount=line.amount,
        )  # fmt: skip
    return replace(line, currency=currency)


def _check_shape(
    entry_date: dt.date,
    kind: EntryKind,
    memo: str,
    source_ref: str | None,
    idempotency_key: str | None,
    lines: Sequence[Line],
) -> None:
    if not FIRST_DAY <= entry_date <= LAST_DAY:
        raise errors.InvalidEntry(
            N_("date %(date)s is outside the ledger's range (%(first)s to %(last)s)"),
            date=entry_date, first=FIRST_DAY, last=LAST_DAY,
        )  # fmt: skip
    EntryKind(kind)
    if len(memo) > MAX_TEXT or (source_ref is not None and len(source_ref) > MAX_TEXT):
        raise errors.InvalidEntry(
            N_("memo and source reference are limited to %(limit)s characters"), limit=MAX_TEXT
        )
    if idempotency_key is not None and not 0 < len(idempotency_key) <= 200:
        raise errors.InvalidEntry(N_("an idempotency key has 1 to 200 characters"))
    if len(lines) < 2:
        raise errors.TooFewLines(
            N_("an entry needs at least two lines, this one has %(count)s"), count=len(lines)
        )
    debits = sum((line.amount for line in lines if line.amount > 0), Decimal("0.00"))
    credits = -sum((line.amount for line in lines if line.amount < 0), Decimal("0.00"))
    if debits != credits:
        raise errors.UnbalancedEntry(
            N_("entry does not balance: debits %(debits)s, credits %(credits)s, "
               "difference %(difference)s"),
            debits=debits, credits=credits, difference=debits - credits,
        )  # fmt: skip
    if debits >= MAX_AMOUNT:
        raise errors.BeyondBound(
            N_("entry moves %(amount)s; an entry moves less than %(bound)s"),
            amount=Amount(debits, BASE_CURRENCY), bound=_BOUND,
        )  # fmt: skip


def _accounts_by_code(session: Session, codes: Iterable[str]) -> dict[str, Account]:
    wanted = set(codes)
    found = {
        account.code: account for account in session.scalars(_ACCOUNTS, {"codes": sorted(wanted)})
    }
    for code in sorted(wanted - found.keys()):
        raise errors.UnknownAccount(N_("unknown account %(account)s"), account=repr(code))
    for code, account in sorted(found.items()):
        if not account.active:
            raise errors.UnknownAccount(
                N_("account %(account)s (%(name)s) is closed to posting"),
                account=code, name=account.name,
            )  # fmt: skip
    return found


def _check_dimensions(session: Session, lines: Sequence[Line]) -> None:
    """Every dimension a line names exists (the foreign keys check it again)."""
    earmarked_organs = {
        str(line.earmark).removeprefix("organ:")
        for line in lines
        if line.earmark is not None and line.earmark.startswith("organ:")
    }
    named: list[set[Any]] = [
        {line.donor_id for line in lines},
        {line.activity for line in lines},
        {line.objective for line in lines},
        {line.organ for line in lines} | earmarked_organs,
    ]
    for name, wanted in zip(dimensions.NAMES, named, strict=True):
        wanted.discard(None)
        if not wanted:
            continue
        rows = dimensions.dimension(name)
        wanted -= _in_session(session, rows.model, wanted)
        if not wanted:
            continue
        existing = set(session.scalars(rows.existing, {"keys": sorted(wanted, key=str)}))
        for missing in sorted(wanted - existing, key=str):
            raise errors.UnknownDimension(
                N_("unknown %(dimension)s %(key)s"), dimension=Term(name), key=repr(missing)
            )


def _in_session(session: Session, model: type[Any], keys: set[Any]) -> set[Any]:
    """The primary keys among ``keys`` whose rows this session has loaded: they exist
    (rows the ledger names are never deleted), so the database need not be asked."""
    return {
        key
        for key in keys
        if (held := session.identity_map.get(identity_key(model, key))) is not None
        and held not in session.deleted
    }


def _earlier_entry(session: Session, key: str, digest: str) -> JournalEntry | None:
    """The entry posted with ``key``; only a replay loads it whole."""
    earlier = session.execute(_ENTRY_WITH_KEY, {"key": key}).one_or_none()
    if earlier is None:
        return None
    if earlier.content_digest != digest:
        raise errors.IdempotencyConflict(
            N_("idempotency key %(key)s was already used for entry #%(entry)s with different "
               "content"),
            key=repr(key), entry=earlier.number,
        )  # fmt: skip
    return session.get_one(JournalEntry, earlier.id)


def lock_ledger(session: Session) -> tuple[int, str]:
    """Take the ledger's lock until the transaction ends, and read the chain's end.

    An UPDATE locks the row on PostgreSQL (a concurrent poster waits, then reads the
    committed head) and takes SQLite's write lock; RETURNING reads it in the same step.
    Appends take it; so does anything that must see the ledger stand still while it
    decides (approving an allocation against the money in its pools).
    """
    row = session.execute(_LOCK_HEAD).one()
    return int(row.last_number), str(row.last_hash)


#: The columns of a posting that :func:`posting_values` gives, in its order.
POSTING_FIELDS = ("entry_id", "line_no", "account_id", "entry_date", "amount", "donor_id",
                  "activity_number", "objective_number", "organ_code", "earmark",
                  "allocation_id", "currency", "original_amount", "rate", "memo", "memo_id",
                  "memo_params")  # fmt: skip


def posting_values(
    entry_id: int, line_no: int, line: Line, account_id: int, entry_date: dt.date
) -> tuple[object, ...]:
    """One row of ``postings`` in :data:`POSTING_FIELDS` order: the one place a line
    becomes a posting, for ``post_entry`` and for bulk loads alike."""
    return (entry_id, line_no, account_id, entry_date, line.amount, line.donor_id,
            line.activity, line.objective, line.organ, line.earmark, line.allocation_id,
            line.currency, line.original_amount, line.rate, memo_english(line.memo),
            memo_id(line.memo), memo_params(line.memo))  # fmt: skip
