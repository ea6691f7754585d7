"""Generated specs that once failed items on the reference engine, each cut down to the rows that did it and
run on the items concerned (the long form of the generator: make test-generated)."""

from __future__ import annotations

from pathlib import Path

from checklist_helpers import Run, talkqa_run
from spec_strategies import Row, Section, render


def _run(tmp_path: Path, document: tuple[Section, ...], *selection: str) -> Run:
    spec = tmp_path / "generated.rst"
    spec.write_text(render(document), encoding="utf-8", newline="")
    return talkqa_run(tmp_path / "reports", "--spec", str(spec), "--examples", "1", *selection)


def _failed(run: Run) -> list[tuple[str, str]]:
    return [(i["name"], i["reason"]) for i in run.items() if i["status"] == "failed"]


def test_a_sku_carried_one_way_to_the_product_is_one_way_in_the_inventory_section_too(tmp_path: Path) -> None:
    # The Inventory section maps no key row of its own (the bundled file's Code <-> sku is assumed) and an
    # Inventory's sku is the product's variants.sku, which the one-way section writes from Exact: both ways
    # there, the engine carried a merchant's SKU edit back and wrote Exact's code over it, every cycle.
    document = (
        Section("Items", "Inventory", (Row("FreeTextField_02", "quantity", "integer"),)),
        Section("Items", "Sesamproducts", (Row("Code", "variants.sku", "string"),), one_way=True),
    )
    run = _run(tmp_path, document, "-m", "flow_items_to_inventory")
    assert run.exit_code == 0, _failed(run)
    assert not _failed(run)
    assert run.json["summary"]["passed"] > 0


def test_an_empty_cost_carried_one_way_clears_the_sale_price_to_what_squarespace_shows_for_none(
    tmp_path: Path,
) -> None:
    # A variant always holds a sale price (0.00 when it is not on sale): the engine rightly wrote the empty
    # cost as 0.00 and the merge item took that for a value.
    document = (
        Section(
            "Items",
            "Sesamproducts",
            (
                Row("Code", "variants.sku", "string"),
                Row("CostPriceStandard", "variants.pricing.salePrice.value", "float"),
            ),
            merge=(("Code", "variants.sku"),),
            one_way=True,
        ),
    )
    run = _run(tmp_path, document, "-k", "merge")
    assert not _failed(run)
    merged = [i for i in run.items() if "holding empty values" in i["name"]]
    assert merged and all(i["status"] == "passed" for i in merged)


def test_an_edge_text_at_the_length_limit_fits_the_seo_title_squarespace_keeps(tmp_path: Path) -> None:
    # The mock refused an SEO title over 200 characters while the field catalogue named no limit, so the
    # edge value "multi-byte text at the length limit" was drawn at Exact's 255 and could never arrive.
    document = (
        Section(
            "Items",
            "Sesamproducts",
            (Row("Code", "variants.sku", "string"), Row("ExtraDescription", "seoOptions.title", "string")),
        ),
    )
    run = _run(tmp_path, document, "-k", "edge")
    assert not _failed(run)
    at_limit = [i for i in run.items() if "length limit" in i["name"] and "in the target record" not in i["name"]]
    assert len(at_limit) == 2 and all(i["status"] == "passed" for i in at_limit)


def test_a_boolean_exact_never_held_empty_is_false_in_a_merge_not_nothing(tmp_path: Path) -> None:
    # Exact's OData sends a Boolean it was never given as false: the merge item took the source for empty
    # and expected the target's true to stay, while the engine rightly let the later source's false win.
    document = (
        Section(
            "Salesorders",
            "Order",
            (Row("OrderNumber", "externalOrderReference", "string"), Row("Remarks", "grandTotal.currency", "string")),
        ),
        Section(
            "Items",
            "Sesamproducts",
            (Row("FreeBoolField_02", "isVisible", "boolean"), Row("IsWebshopItem", "name", "string")),
            merge=(("Code", "variants.sku"),),
        ),
    )
    run = _run(tmp_path, document, "-k", "merge")
    assert not _failed(run)
    merged = [i for i in run.items() if "holding empty values" in i["name"]]
    assert merged and all(i["status"] == "passed" for i in merged)


def test_an_empty_dimension_is_what_squarespace_shows_as_0(tmp_path: Path) -> None:
    # A variant always carries its dimensions (0 where none was given). The merge item took that 0 for a
    # value, and so did the engine, which carried a 0 into Exact's empty field: a bookkeeper's blank became 0.
    document = (
        Section(
            "Items",
            "Sesamproducts",
            (Row("FreeNumberField_02", "variants.shippingMeasurements.dimensions.length", "float"),),
            merge=(("Code", "variants.sku"),),
        ),
    )
    run = _run(tmp_path, document, "-k", "merge")
    assert not _failed(run)
    merged = [i for i in run.items() if "holding empty values" in i["name"]]
    assert merged and all(i["status"] == "passed" for i in merged)


def test_two_matching_records_that_already_hold_the_sources_values_are_no_failure(tmp_path: Path) -> None:
    # Generated spec 78: a flag mapped onto a description. Both candidates and the new source record held the
    # same value, so both "held the source's values" though the engine wrote neither: what was written tells.
    document = (
        Section(
            "Items",
            "Sesamproducts",
            (Row("IsWebshopItem", "description", "string"),),
            merge=(("Code", "variants.sku"),),
        ),
        Section(
            "Salesorders",
            "Order",
            (
                Row("SalesOrderLines.Item", "lineItems.variantId", "string"),
                Row("SalesOrderLines.Quantity", "lineItems.quantity", "integer"),
                Row("SalesOrderLines.UnitPrice", "lineItems.unitPricePaid.value", "float"),
            ),
        ),
    )
    run = _run(tmp_path, document, "-k", "matching_two")
    assert not _failed(run)
    (item,) = run.items()
    assert item["status"] == "passed"
