"""A realistic synthetic run report of the bundled spec for the report tests (the HTML tree and the PNG
reader are in ``report_html_tree`` and ``report_png``).

The report tests keep their fixtures in their own modules, not in a ``tests/report/conftest.py``: under
pytest's default import mode every folder's conftest is the module ``conftest``, and one more of them
would shadow the ``from conftest import FIXTURES`` that other test folders rely on.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta

from harness.dataflow.model import Finding, PropertyMapping, Severity
from harness.report import (
    AssumedMapping,
    Evidence,
    HttpExchange,
    HypothesisExample,
    ItemResult,
    ItemStatus,
    LintFinding,
    PhaseTiming,
    RunReport,
    SectionResult,
    Seeds,
    SpecInfo,
    StepResult,
    SutInfo,
    Timings,
)

SPEC_PATH = "fixtures/specs/exact-squarespace.rst"
SPEC_TITLE = "Exact Online to Squarespace Dataflow"

#: Secrets placed in HTTP exchange excerpts and URLs; none may reach any report file.
SECRETS = (
    "eyJhbGciOiJSUzI1NiJ9.BEARER-SECRET-4f2a",
    "AT-SECRET-5f1c0d",
    "RT-SECRET-9a0b1e",
    "CS-SECRET-77e2aa",
    "AUTHCODE-SECRET-31",
)

#: Values a hostile spec or record could hold; each must appear in the HTML only as text.
HOSTILE_TITLE = "<script>alert(1)</script>"
HOSTILE_VALUE = '"><img src=x onerror=alert(1)>'

STARTED = datetime(2026, 5, 9, 7, 35, 25, tzinfo=UTC)


def _token_exchanges(extra: str = "") -> tuple[HttpExchange, ...]:
    """A token refresh and a rejected write, the way an Exact Online session goes wrong."""
    bearer, access, refresh, secret, code = SECRETS
    return (
        HttpExchange(
            service="exact",
            method="POST",
            url=f"https://start.exactonline.nl/api/oauth2/token?code={code}",
            status=200,
            request_excerpt=(
                f"grant_type=refresh_token&refresh_token={refresh}&client_id=talkqa-client&client_secret={secret}"
            ),
            response_excerpt=f'{{"access_token": "{access}", "token_type": "bearer", "expires_in": 600}}',
        ),
        HttpExchange(
            service="squarespace",
            method="POST",
            url="https://api.squarespace.com/1.0/commerce/inventory/adjustments",
            status=429,
            fault="status 429 on POST /1.0/commerce/inventory",
            request_excerpt=(
                f"Authorization: Bearer {bearer}\n"
                '{"setFiniteOperations": [{"variantId": "v-1007", "quantity": 12}]}' + extra
            ),
            response_excerpt='{"type": "RATE_LIMITED", "message": "Too many requests"}',
        ),
    )


def _section_inventory(hostile: bool) -> SectionResult:
    line = 12
    expected = {"sku": "ITEM-1007", "quantity": 12, "descriptor": "Oak side table"}
    actual = {"sku": "ITEM-1007", "quantity": 11, "descriptor": "Oak side table"}
    if hostile:
        actual["descriptor"] = HOSTILE_VALUE
    return SectionResult(
        title="Exact Online Items to Squarespace Inventory",
        line=line,
        source="Exact Online Items",
        target="Squarespace Inventory",
        items=(
            ItemResult(
                "A new Exact Online Items record is created as a Squarespace Inventory record (spec line 14)",
                ItemStatus.PASSED,
                14,
                duration_s=0.412,
                tags=("exact-online-items", "squarespace-inventory"),
                node_id="features/exact-squarespace/items_inventory.feature::test_create_14",
            ),
            ItemResult(
                "An edit in Exact Online Items reaches Squarespace Inventory (spec line 16)",
                ItemStatus.FAILED,
                16,
                duration_s=1.5,
                tags=("exact-online-items", "squarespace-inventory"),
                node_id="features/exact-squarespace/items_inventory.feature::test_edit_source_16",
                evidence=Evidence.of_values(
                    "Squarespace Inventory quantity differs from Exact Online Items Stock after one sync cycle",
                    expected,
                    actual,
                    exchanges=_token_exchanges(HOSTILE_VALUE if hostile else ""),
                ),
                steps=(
                    StepResult("Given", "a linked pair of source and target records", 9, ItemStatus.PASSED, 0.3),
                    StepResult("When", "every mapped property of the source record is edited", 10, ItemStatus.PASSED),
                    StepResult("And", "a sync cycle runs", 11, ItemStatus.PASSED, 1.1),
                    StepResult(
                        "Then",
                        "every mapped property of the target record equals the source record's",
                        12,
                        ItemStatus.FAILED,
                        0.1,
                    ),
                ),
            ),
            ItemResult(
                "Every mapped property survives the round trip (spec line 18)",
                ItemStatus.FAILED,
                18,
                duration_s=3.25,
                node_id="features/exact-squarespace/items_inventory.feature::test_round_trip_18",
                evidence=Evidence.of_values(
                    "Stock did not survive the round trip as integer",
                    "Stock: 3",
                    "Stock: 3.0000000001",
                    hypothesis=HypothesisExample(
                        "Falsifying example: test_round_trip(record={'Code': 'A', 'Stock': 3})", seed=424242
                    ),
                ),
            ),
            ItemResult(
                "A quiet cycle writes nothing (spec line 16)",
                ItemStatus.SKIPPED,
                16,
                reason="deselected with -m 'not quiet'",
                duration_s=0.0,
            ),
        ),
    )


def _section_products() -> SectionResult:
    return SectionResult(
        title="Exact Online Items to Squarespace Sesamproducts",
        line=34,
        source="Exact Online Items",
        target="Squarespace Sesamproducts",
        items=(
            ItemResult(
                "An Exact Online Items record merges on Code = variants.sku (spec line 49)",
                ItemStatus.PASSED,
                49,
                duration_s=0.0042,
            ),
            ItemResult(
                "A new Squarespace Sesamproducts record is created when none matches (spec line 40)",
                ItemStatus.PASSED,
                40,
                duration_s=0.27,
            ),
            ItemResult(
                "When both sides are edited, the later edit wins (spec line 52)",
                ItemStatus.PENDING,
                52,
                reason="a condition text the harness cannot evaluate: 'the later edit' on a DIGITAL product",
                duration_s=0.01,
                required=False,
            ),
        ),
    )


def _section_orders() -> SectionResult:
    return SectionResult(
        title="Exact Online Salesorders to Squarespace Order",
        line=82,
        source="Exact Online Salesorders",
        target="Squarespace Order",
        duplicate_lines=(120,),
        items=(
            ItemResult(
                "A new Exact Online Salesorders record is created as a Squarespace Order record (spec line 84)",
                ItemStatus.PASSED,
                84,
                duration_s=0.61,
            ),
            ItemResult(
                "The spec lists no properties from Exact Online Salesorders to Squarespace Order (spec line 88)",
                ItemStatus.PENDING,
                88,
                reason="the spec lists no properties for this flow",
                duration_s=0.0,
            ),
            ItemResult(
                "An edit in Squarespace Order reaches Exact Online Salesorders (spec line 86)",
                ItemStatus.PENDING,
                86,
                reason="no driver for this system: Squarespace orders cannot be edited through the Commerce API",
                duration_s=0.0,
            ),
        ),
    )


def _in_collection_order(*sections: SectionResult) -> tuple[SectionResult, ...]:
    """Number the items as pytest collected them: section by section, in the order listed."""
    numbered: list[SectionResult] = []
    position = 0
    for section in sections:
        items = []
        for item in section.items:
            items.append(replace(item, order=position))
            position += 1
        numbered.append(replace(section, items=tuple(items)))
    return tuple(numbered)


def synthetic_report(*, hostile: bool = False, strict: bool = False) -> RunReport:
    """A run of the bundled spec's three sections: passes, failures with evidence, pending, skipped.

    ``hostile`` puts markup in the spec title, a section title, an item name, record values and
    other spec-borne text, to test escaping.
    """
    inventory = _section_inventory(hostile)
    products = _section_products()
    orders = _section_orders()
    if hostile:
        products = SectionResult(
            f"Exact Online Items to {HOSTILE_VALUE}",
            products.line,
            products.source,
            HOSTILE_VALUE,
            (*products.items, ItemResult(HOSTILE_TITLE, ItemStatus.PASSED, 60, duration_s=0.1)),
        )
    inventory, products, orders = _in_collection_order(inventory, products, orders)
    row = PropertyMapping("SalesOrderLines.Item", "lineItems.variantId", "string", line=4)
    return RunReport(
        spec=SpecInfo(SPEC_PATH, HOSTILE_TITLE if hostile else SPEC_TITLE),
        sut=SutInfo("reference", "the reference sync engine (harness.sync.engine) over the in-process mocks"),
        seeds=Seeds(run=1234, faker=1234, hypothesis=None, hypothesis_profile="ci"),
        sections=(inventory, products, orders),
        timings=Timings(
            STARTED,
            STARTED + timedelta(seconds=14.5),
            (PhaseTiming("parse", 0.04), PhaseTiming("features", 0.12), PhaseTiming("run", 13.9)),
        ),
        findings=(
            LintFinding.of(
                SPEC_PATH,
                Finding("TQ004", Severity.WARNING, 88, "the property table is empty: supply rows with --mapping"),
            ),
            LintFinding(
                SPEC_PATH,
                "TQ002",
                Severity.ERROR,
                120,
                HOSTILE_VALUE if hostile else "section repeated word for word (first at line 82): delete the copy",
            ),
        ),
        assumed_mappings=(
            AssumedMapping.of(
                "Exact Online Salesorders to Squarespace Order",
                82,
                row,
                HOSTILE_VALUE if hostile else "fixtures/mappings/exact-squarespace.toml:4",
            ),
            AssumedMapping(
                "Exact Online Salesorders to Squarespace Order",
                82,
                "SalesOrderLines.Quantity",
                "lineItems.quantity",
                "integer",
                "fixtures/mappings/exact-squarespace.toml:5",
            ),
        ),
        versions=(
            ("talkqa", "0.1.0"),
            ("python", "3.11.7"),
            ("pytest", "9.2.0"),
            ("pytest-bdd", "9.0.1"),
            ("hypothesis", "6.170.17"),
        ),
        strict=strict,
        mapping_path="fixtures/mappings/exact-squarespace.toml",
    )
