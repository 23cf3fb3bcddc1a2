"""Who a submission is from: the customer directory (loaded from the operator's CSV) held in memory.

A submission that names no customer id is resolved by its canonical phone number to the customer the
directory lists it under, so a customer who calls the hotline with an id and then writes on WeChat
with only a phone number is one customer with one case per problem. Tier and region come with it.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from .normalise import canonical_phone


@dataclass(frozen=True)
class DirectoryEntry:
    tier: int | None
    region: str


class CustomerDirectory:
    """Customer id -> tier and region; canonical phone -> customer id. A phone listed under two
    customers (a shared family line) resolves to nobody: guessing would merge two people's cases."""

    def __init__(self) -> None:
        self.customers: dict[str, DirectoryEntry] = {}
        self.phones: dict[str, str | None] = {}

    def add(self, customer_id: str, tier: int | None, region: str | None, phones: Iterable[str] = ()) -> None:
        self.customers[customer_id] = DirectoryEntry(tier, region or "")
        for raw in phones:
            phone = canonical_phone(raw)
            if phone:
                known = self.phones.get(phone, customer_id)
                self.phones[phone] = customer_id if known == customer_id else None

    @classmethod
    def from_documents(cls, documents: Iterable[Mapping[str, Any]]) -> CustomerDirectory:
        directory = cls()
        for doc in documents:
            directory.add(str(doc["_id"]), doc.get("tier"), doc.get("region"), doc.get("phones") or ())
        return directory

    def tier(self, customer_id: str) -> int | None:
        entry = self.customers.get(customer_id)
        return entry.tier if entry else None

    def region(self, customer_id: str) -> str:
        entry = self.customers.get(customer_id)
        return entry.region if entry else ""

    def customer_for(self, phone: str) -> str | None:
        """The customer id listed for a canonical phone; None when unknown or shared."""
        return self.phones.get(phone) if phone else None

    def __len__(self) -> int:
        return len(self.customers)
