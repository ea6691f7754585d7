"""Realistic Exact Online data from a fixed seed: customer accounts, items (plausible codes, Dutch
descriptions, units, VAT codes, prices, barcodes) and sales orders of 1–5 lines that reference them.

The factory returns field dicts as a client (or an Exact user) would enter them; ``ExactControl.seed``
stores them, so every computed field is computed as for any other write. Faker draws pools once per
factory; the rows are then drawn from those pools with a seeded ``random.Random``, so 100,000 items
take a second or two and the same seed gives the same data.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from functools import cache
from typing import Any

from faker import Faker

__all__ = ["ExactFactory", "ItemDraft"]

_CATEGORIES = (
    ("BEK", "Beker"),
    ("KOP", "Kop en schotel"),
    ("TAS", "Draagtas"),
    ("LMP", "Tafellamp"),
    ("STL", "Stoel"),
    ("TFL", "Bijzettafel"),
    ("KSN", "Sierkussen"),
    ("PLD", "Plaid"),
    ("VAS", "Vaas"),
    ("KRS", "Kaars"),
    ("BRD", "Snijplank"),
    ("MND", "Mand"),
)
_MATERIALS = ("katoen", "linnen", "eiken", "keramiek", "glas", "wol", "bamboe", "messing", "steengoed", "jute")
_SIZES = ("klein", "middel", "groot", "XL", "30 cm", "45 cm", "60 cm")
_COLOURS = ("zwart", "wit", "grijs", "oker", "terracotta", "saliegroen", "blauw", "zand", "roze", "antraciet")
_UNITS = ("stuk",) * 8 + ("set", "doos")
_VAT_CODES = ("1",) * 6 + ("2", "2", "0")


@cache
def _faker_pool(seed: int, name: str) -> list[str]:
    """257 Faker values of one kind for one seed (made once: Faker is slow to start and to draw)."""
    faker = Faker("nl_NL")
    faker.seed_instance(f"{seed}:{name}")
    makers: dict[str, Callable[[], str]] = {
        "company": lambda: str(faker.company()),
        "sentence": lambda: str(faker.sentence(nb_words=12)),
        "ean13": lambda: str(faker.ean13()),
        "ref": lambda: f"PO-{faker.bothify('??-#####').upper()}",
        "remark": lambda: str(faker.sentence(nb_words=6)),
    }
    return [makers[name]() for _ in range(257)]


@dataclass(frozen=True)
class ItemDraft:
    """An item as entered: the API's writable fields, and what a user sets in the UI (price, stock)."""

    fields: dict[str, Any]
    ui_fields: dict[str, Any]


@dataclass
class ExactFactory:
    """Seeded fake data for one mock; ``seed`` is printed by the callers that use it."""

    seed: int = 1
    _random: random.Random = field(init=False, repr=False)
    _pools: dict[str, list[str]] = field(init=False, repr=False, default_factory=dict)
    _codes: int = field(init=False, default=0)

    def __post_init__(self) -> None:
        self._random = random.Random(self.seed)

    def _pool(self, name: str) -> list[str]:
        if name not in self._pools:
            self._pools[name] = _faker_pool(self.seed, name)
        return self._pools[name]

    def account(self, number: int) -> dict[str, str]:
        """A customer account: Exact keeps account codes right-aligned in 18 characters."""
        return {"name": self._random.choice(self._pool("company")), "code": str(number).rjust(18)}

    def item(self) -> ItemDraft:
        """One item as a user enters it, with a fresh code (``BEK-0001`` style)."""
        self._codes += 1
        prefix, noun = self._random.choice(_CATEGORIES)
        description = f"{noun} {self._random.choice(_MATERIALS)} {self._random.choice(_COLOURS)}"
        if self._random.random() < 0.4:
            description += f" {self._random.choice(_SIZES)}"
        price = round(self._random.uniform(2.5, 249.0), 2)
        fields: dict[str, Any] = {
            "Code": f"{prefix}-{self._codes:04d}",
            "Description": description[:60],
            "Unit": self._random.choice(_UNITS),
            "SalesVatCode": self._random.choice(_VAT_CODES),
            "CostPriceStandard": round(price * self._random.uniform(0.35, 0.7), 2),
            "IsSalesItem": True,
            "IsStockItem": self._random.random() < 0.85,
            "IsWebshopItem": 1 if self._random.random() < 0.6 else 0,
            "Barcode": self._random.choice(self._pool("ean13")),
            "SearchCode": prefix,
        }
        if self._random.random() < 0.5:
            fields["ExtraDescription"] = self._random.choice(self._pool("sentence"))[:255]
        ui = {"StandardSalesPrice": price, "Stock": float(self._random.randint(0, 250))}
        return ItemDraft(fields, ui)

    def order(self, item_ids: list[str], account_ids: list[str], now: datetime | None = None) -> dict[str, Any]:
        """A sales order with 1–5 lines over ``item_ids`` for one of ``account_ids``."""
        if not item_ids or not account_ids:
            raise ValueError("an order needs at least one item and one account")
        moment = now or datetime(2026, 1, 5, 9, tzinfo=UTC)
        ordered = moment - timedelta(days=self._random.randint(0, 90))
        delivery = ordered + timedelta(days=self._random.randint(1, 21))
        lines = []
        for item_id in self._random.sample(item_ids, k=min(len(item_ids), self._random.randint(1, 5))):
            line: dict[str, Any] = {
                "Item": item_id,
                "Quantity": float(self._random.choice((1, 1, 1, 2, 2, 3, 4, 6, 10, 12))),
            }
            if self._random.random() < 0.15:
                line["Discount"] = self._random.choice((0.05, 0.1, 0.15))
            lines.append(line)
        order: dict[str, Any] = {
            "OrderedBy": self._random.choice(account_ids),
            "OrderDate": ordered.strftime("%Y-%m-%dT00:00:00"),
            "DeliveryDate": delivery.strftime("%Y-%m-%dT00:00:00"),
            "Description": f"Order {self._random.choice(self._pool('remark'))}"[:60].rstrip("."),
            "YourRef": self._random.choice(self._pool("ref")),
            "SalesOrderLines": lines,
        }
        return order
