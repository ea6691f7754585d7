"""Splitting document and section titles into systems and types."""

from __future__ import annotations

import pytest

from harness.dataflow.titles import SideMatch, split_document_title, split_section_title


@pytest.mark.parametrize(
    ("title", "expected"),
    [
        ("Exact Online to Squarespace Dataflow", ("Exact Online", "Squarespace")),
        ("Exact Online to  Dataflow", ("Exact Online", "")),
        (" to Tripletex Dataflow", ("", "Tripletex")),
        ("PowerOffice GO to Wix.com Dataflow", ("PowerOffice GO", "Wix.com")),
        ("HubSpot to HubSpot Dataflow", ("HubSpot", "HubSpot")),
        ("Tilores to Tilores Dataflow", ("Tilores", "Tilores")),
    ],
)
def test_a_document_title_gives_both_systems(title: str, expected: tuple[str, str]) -> None:
    split = split_document_title(title)
    assert (split.source_system, split.target_system) == expected
    assert split.problem is None


@pytest.mark.parametrize(
    ("title", "expected"),
    [
        ("Exact Online to Squarespace", ("Exact Online", "Squarespace")),
        ("Exact Online and Squarespace Dataflow", ("Exact Online and Squarespace Dataflow", "")),
    ],
)
def test_a_document_title_off_the_pattern_is_split_as_well_as_it_can_be_and_reported(
    title: str, expected: tuple[str, str]
) -> None:
    split = split_document_title(title)
    assert (split.source_system, split.target_system) == expected
    assert split.problem is not None


@pytest.mark.parametrize(
    ("title", "systems", "expected"),
    [
        (
            "Exact Online Items to  Inventory",
            ("Exact Online", ""),
            ("Exact Online", "Items", "", "Inventory"),
        ),
        (
            "Exact Online Items to Squarespace Inventory",
            ("Exact Online", "Squarespace"),
            ("Exact Online", "Items", "Squarespace", "Inventory"),
        ),
        (
            "PowerOffice GO Customers to Tripletex Customer",
            ("PowerOffice GO", "Tripletex"),
            ("PowerOffice GO", "Customers", "Tripletex", "Customer"),
        ),
        (
            "Wix.com Members to HubSpot Contact",
            ("Wix.com", "HubSpot"),
            ("Wix.com", "Members", "HubSpot", "Contact"),
        ),
        (
            "Tripletex Contact (human data) to Business Central Customers (organisation data)",
            ("Tripletex", "Business Central"),
            ("Tripletex", "Contact (human data)", "Business Central", "Customers (organisation data)"),
        ),
        (
            " Deal to Tripletex Order",
            ("", "Tripletex"),
            ("", "Deal", "Tripletex", "Order"),
        ),
        (
            "HubSpot Contact to HubSpot Company",
            ("HubSpot", "HubSpot"),
            ("HubSpot", "Contact", "HubSpot", "Company"),
        ),
        (
            "Exact Online Price to Stock to Squarespace Inventory",
            ("Exact Online", "Squarespace"),
            ("Exact Online", "Price to Stock", "Squarespace", "Inventory"),
        ),
        (
            "Exact Online Items to Squarespace Back to School",
            ("Exact Online", "Squarespace"),
            ("Exact Online", "Items", "Squarespace", "Back to School"),
        ),
    ],
)
def test_a_section_title_splits_at_the_document_systems(
    title: str, systems: tuple[str, str], expected: tuple[str, str, str, str]
) -> None:
    split = split_section_title(title, *systems)
    assert (split.source_system, split.source_type, split.target_system, split.target_type) == expected
    assert split.problem is None


@pytest.mark.parametrize(
    ("title", "systems", "expected", "named"),
    [
        (
            "Businesscentral Items to Exact Online Items",
            ("Business Central", "Exact Online"),
            ("Businesscentral", "Items", "Exact Online", "Items"),
            "Businesscentral",
        ),
        (
            "Exact Items to Salesforce Product2",
            ("Exact Online", "Salesforce"),
            ("Exact", "Items", "Salesforce", "Product2"),
            "Exact",
        ),
        (
            "YouTrack Usergroups to YouTrack Groups",
            ("YouTrack", "Youtrack"),
            ("YouTrack", "Usergroups", "YouTrack", "Groups"),
            "YouTrack",
        ),
        (
            "Shopify Orders to Squarespace Order",
            ("Exact Online", "Squarespace"),
            ("Shopify", "Orders", "Squarespace", "Order"),
            "Shopify",
        ),
    ],
)
def test_a_section_title_with_other_systems_keeps_the_best_split_and_says_so(
    title: str, systems: tuple[str, str], expected: tuple[str, str, str, str], named: str
) -> None:
    split = split_section_title(title, *systems)
    assert (split.source_system, split.source_type, split.target_system, split.target_type) == expected
    assert split.problem is not None
    assert f"'{named}'" in split.problem


def test_a_section_that_leaves_out_a_system_the_title_names_splits_without_a_mismatch() -> None:
    split = split_section_title("Exact Online Salesorders to  Order", "Exact Online", "Squarespace")
    assert (split.target_system, split.target_type, split.target_match) == ("", "Order", SideMatch.BLANK)
    assert split.problem is None


def test_a_section_title_without_to_is_all_source_and_reported() -> None:
    split = split_section_title("Exact Online Items", "Exact Online", "Squarespace")
    assert (split.source_system, split.source_type, split.target_system, split.target_type) == (
        "Exact Online",
        "Items",
        "",
        "",
    )
    assert split.problem is not None
