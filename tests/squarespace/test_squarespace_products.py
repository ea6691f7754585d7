"""The Products API and Store Pages: list by cursor, get by ids, create, update, delete, variants."""

from __future__ import annotations

from typing import Any

import pytest
from squarespace_helpers import Api, error_of, product_body, variant_body

from harness.clock import VirtualClock
from harness.squarespace.control import SquarespaceControl

PRODUCTS = "/1.1/commerce/products"


def _create(api: Api, page_id: str, **extra: Any) -> dict[str, Any]:
    response = api.post(PRODUCTS, json=product_body(page_id, **extra))
    assert response.status_code == 201, response.text
    body: dict[str, Any] = response.json()
    return body


# -- store pages -----------------------------------------------------------------------------
def test_store_pages_list_every_page_with_its_id_title_and_state(api: Api, control: SquarespaceControl) -> None:
    first = control.add_store_page("Shop")
    second = control.add_store_page("Archive", enabled=False)
    body = api.get("/1.0/commerce/store_pages").json()
    assert body["storePages"] == [first, second]
    assert set(first) == {"id", "title", "isEnabled"} and second["isEnabled"] is False
    assert body["pagination"] == {"hasNextPage": False, "nextPageCursor": None, "nextPageUrl": None}


# -- create ----------------------------------------------------------------------------------
def test_a_created_product_answers_201_with_every_documented_field(api: Api, page_id: str) -> None:
    product = _create(api, page_id)
    assert set(product) == {
        "id", "type", "storePageId", "name", "description", "url", "urlSlug", "tags", "isVisible",
        "seoOptions", "variantAttributes", "variants", "images", "createdOn", "modifiedOn",
    }  # fmt: skip
    variant = product["variants"][0]
    assert set(variant) == {"id", "sku", "pricing", "stock", "attributes", "shippingMeasurements", "image"}
    assert variant["pricing"] == {
        "basePrice": {"currency": "USD", "value": "12.50"},
        "onSale": False,
        "salePrice": {"currency": "USD", "value": "0.00"},
    }
    assert product["urlSlug"] == "stoneware-mug" and product["url"].endswith("/p/stoneware-mug")
    assert product["createdOn"] == product["modifiedOn"] == "2026-01-05T09:00:00.000Z"


@pytest.mark.parametrize("version", ["1.0", "1.1"])
def test_both_product_api_versions_are_served(api: Api, page_id: str, version: str) -> None:
    response = api.post(f"/{version}/commerce/products", json=product_body(page_id))
    assert response.status_code == 201
    assert api.get(f"/{version}/commerce/products/{response.json()['id']}").status_code == 200


def test_a_slug_taken_by_another_product_gets_a_number_when_made_from_the_name(api: Api, page_id: str) -> None:
    slugs = [_create(api, page_id, variants=[variant_body(f"S-{i}")])["urlSlug"] for i in range(3)]
    assert slugs == ["stoneware-mug", "stoneware-mug-2", "stoneware-mug-3"]


def test_an_explicit_slug_taken_by_another_product_answers_409(api: Api, page_id: str) -> None:
    _create(api, page_id, urlSlug="mug")
    response = api.post(PRODUCTS, json=product_body(page_id, sku="OTHER", urlSlug="mug"))
    assert error_of(response, 409)["subtype"] == "URL_SLUG_TAKEN"


def test_a_sku_is_trimmed_and_may_repeat_across_products(api: Api, page_id: str) -> None:
    first = _create(api, page_id, variants=[variant_body("  MUG-1  ")])
    second = _create(api, page_id, variants=[variant_body("MUG-1")])
    assert first["variants"][0]["sku"] == second["variants"][0]["sku"] == "MUG-1"


def test_a_price_is_answered_with_two_decimals(api: Api, page_id: str) -> None:
    product = _create(api, page_id, variants=[variant_body(price="9.5")])
    assert product["variants"][0]["pricing"]["basePrice"]["value"] == "9.50"


def test_unlimited_stock_holds_no_quantity(api: Api, page_id: str) -> None:
    variant = variant_body()
    variant["stock"] = {"quantity": 7, "unlimited": True}
    product = _create(api, page_id, variants=[variant])
    assert product["variants"][0]["stock"] == {"quantity": 0, "unlimited": True}


def _with(body: dict[str, Any], path: str, value: Any) -> dict[str, Any]:
    target: Any = body
    *parents, leaf = path.split(".")
    for name in parents:
        target = target[int(name)] if name.isdigit() else target[name]
    if value is _DROP:
        del target[leaf]
    else:
        target[leaf] = value
    return body


_DROP = object()


@pytest.mark.parametrize(
    ("path", "value"),
    [
        ("type", "SERVICE"),
        ("type", _DROP),
        ("storePageId", _DROP),
        ("storePageId", "0123456789abcdef01234567"),
        ("name", "x" * 201),
        ("name", 42),
        ("description", "<p>" + "x" * 102_400 + "</p>"),
        ("urlSlug", "has space"),
        ("urlSlug", "double--hyphen"),
        ("urlSlug", "x" * 201),
        ("isVisible", "yes"),
        ("tags", "one"),
        ("tags", [""]),
        ("variants", []),
        ("variants", "MUG"),
        ("id", "0123456789abcdef01234567"),
        ("createdOn", "2026-01-01T00:00:00Z"),
        ("variants.0.sku", _DROP),
        ("variants.0.sku", "   "),
        ("variants.0.sku", "x" * 61),
        ("variants.0.pricing", _DROP),
        ("variants.0.pricing.basePrice", _DROP),
        ("variants.0.pricing.basePrice.value", 12.5),
        ("variants.0.pricing.basePrice.value", "12.505"),
        ("variants.0.pricing.basePrice.value", "-1.00"),
        ("variants.0.pricing.basePrice.value", "1000000.01"),
        ("variants.0.pricing.basePrice.currency", "EUR"),
        ("variants.0.pricing.onSale", 1),
        ("variants.0.stock.quantity", -1),
        ("variants.0.stock.quantity", 1.5),
        ("variants.0.stock.quantity", True),
        ("variants.0.stock.quantity", 2**31),
        ("variants.0.stock.extra", 1),
        ("variants.0.shippingMeasurements", {"weight": {"unit": "STONE", "value": 1}}),
        ("variants.0.shippingMeasurements", {"weight": {"unit": "KILOGRAM", "value": -1}}),
        ("variants.0.id", "00000000-0000-4000-8000-000000000000"),
    ],
)
def test_an_invalid_product_answers_400_naming_the_problem(api: Api, page_id: str, path: str, value: Any) -> None:
    body = _with(product_body(page_id), path, value)
    response = api.post(PRODUCTS, json=body)
    assert error_of(response, 400)["type"] == "INVALID_REQUEST_ERROR"
    assert api.get(PRODUCTS).json()["products"] == []


@pytest.mark.parametrize("raw", [b"", b"{", b"[]", b'"x"', b"null", b'{"variants": NaN}', b"\xff\xfe"])
def test_a_body_that_is_no_json_object_answers_400(api: Api, raw: bytes) -> None:
    error_of(api.post(PRODUCTS, content=raw, headers={"Content-Type": "application/json"}), 400)


def test_several_variants_need_attributes_that_tell_them_apart(api: Api, page_id: str) -> None:
    two = [variant_body("A", attributes={"Size": "S"}), variant_body("B", attributes={"Size": "S"})]
    error_of(api.post(PRODUCTS, json=product_body(page_id, variants=two)), 400)
    error_of(api.post(PRODUCTS, json=product_body(page_id, variants=two, variantAttributes=["Size"])), 400)
    two[1]["attributes"] = {"Size": "M"}
    product = _create(api, page_id, variants=two, variantAttributes=["Size"])
    assert [v["attributes"] for v in product["variants"]] == [{"Size": "S"}, {"Size": "M"}]


# -- list and get ----------------------------------------------------------------------------
def test_products_are_listed_50_a_page_by_cursor_and_the_same_url_gives_the_same_page(
    api: Api, control: SquarespaceControl
) -> None:
    control.seed(products=120, orders=0)
    first = api.get(PRODUCTS).json()
    assert len(first["products"]) == 50 and first["pagination"]["hasNextPage"] is True
    next_url = first["pagination"]["nextPageUrl"]
    assert next_url.startswith("https://api.squarespace.com/1.1/commerce/products?cursor=")
    second = api.http.get(next_url, headers=api.headers()).json()
    assert api.http.get(next_url, headers=api.headers()).json() == second
    third = api.get(PRODUCTS, params={"cursor": second["pagination"]["nextPageCursor"]}).json()
    assert len(third["products"]) == 20
    assert third["pagination"] == {"hasNextPage": False, "nextPageCursor": None, "nextPageUrl": None}
    ids = [p["id"] for page in (first, second, third) for p in page["products"]]
    assert ids == [p["id"] for p in control.products()] and len(set(ids)) == 120


def test_a_product_deleted_while_paging_is_neither_served_nor_shifts_the_pages(
    api: Api, control: SquarespaceControl
) -> None:
    filled = control.seed(products=60, orders=0)
    first = api.get(PRODUCTS).json()
    control.delete_product(filled.product_ids[10])
    control.delete_product(filled.product_ids[55])
    rest = api.get(PRODUCTS, params={"cursor": first["pagination"]["nextPageCursor"]}).json()
    assert [p["id"] for p in rest["products"]] == [i for i in filled.product_ids[50:] if i != filled.product_ids[55]]


def test_a_type_filter_travels_with_the_cursor_and_may_not_change(api: Api, control: SquarespaceControl) -> None:
    control.seed(products=60, orders=0)
    first = api.get(PRODUCTS, params={"type": "PHYSICAL"}).json()
    cursor = first["pagination"]["nextPageCursor"]
    assert len(api.get(PRODUCTS, params={"cursor": cursor}).json()["products"]) == 10
    error_of(api.get(PRODUCTS, params={"cursor": cursor, "type": "SERVICE"}), 400)
    assert api.get(PRODUCTS, params={"type": "SERVICE"}).json()["products"] == []
    error_of(api.get(PRODUCTS, params={"type": "BOOK"}), 400)


@pytest.mark.parametrize("cursor", ["junk", "eyJrIjoib3JkZXJzIn0", ""])
def test_a_cursor_not_handed_out_answers_400(api: Api, control: SquarespaceControl, cursor: str) -> None:
    control.seed(products=2, orders=0)
    response = api.get(PRODUCTS, params={"cursor": cursor})
    if cursor:
        error_of(response, 400)
    else:
        assert len(response.json()["products"]) == 2


def test_a_cursor_of_another_list_answers_400(api: Api, control: SquarespaceControl) -> None:
    control.seed(products=60, orders=0)
    cursor = api.get("/1.0/commerce/inventory").json()["pagination"]["nextPageCursor"]
    error_of(api.get(PRODUCTS, params={"cursor": cursor}), 400)


def test_products_are_got_by_comma_separated_ids_in_the_order_asked(api: Api, control: SquarespaceControl) -> None:
    ids = list(control.seed(products=5, orders=0).product_ids)
    wanted = [ids[3], ids[0], ids[4]]
    body = api.get(f"{PRODUCTS}/{','.join(wanted)}").json()
    assert [p["id"] for p in body["products"]] == wanted
    assert set(body) == {"products"}


@pytest.mark.parametrize(
    ("ids", "status"),
    [
        ("0123456789abcdef01234567", 404),
        ("not-an-id", 400),
        (",".join(f"{i:024x}" for i in range(51)), 400),
        ("a,,b", 400),
    ],
)
def test_getting_unknown_malformed_or_too_many_ids_is_refused(api: Api, ids: str, status: int) -> None:
    error_of(api.get(f"{PRODUCTS}/{ids}"), status)


# -- update ----------------------------------------------------------------------------------
def test_an_update_changes_the_given_fields_and_moves_modified_on(api: Api, page_id: str, clock: VirtualClock) -> None:
    product = _create(api, page_id)
    clock.advance(90)
    changes = {"name": "Big Mug", "description": "<p>Bigger &amp; better</p>", "isVisible": False, "tags": ["x"]}
    updated = api.post(f"{PRODUCTS}/{product['id']}", json=changes).json()
    assert {k: updated[k] for k in changes} == changes
    assert updated["modifiedOn"] == "2026-01-05T09:01:30.000Z" and updated["createdOn"] == product["createdOn"]
    assert updated["urlSlug"] == product["urlSlug"]


def test_modified_on_moves_even_when_the_clock_stands_still(api: Api, page_id: str) -> None:
    product = _create(api, page_id)
    first = api.post(f"{PRODUCTS}/{product['id']}", json={"name": "A"}).json()
    second = api.post(f"{PRODUCTS}/{product['id']}", json={"name": "B"}).json()
    assert product["modifiedOn"] < first["modifiedOn"] < second["modifiedOn"]


@pytest.mark.parametrize(
    "changes",
    [
        {},
        {"variants": []},
        {"id": "x"},
        {"type": "PHYSICAL"},
        {"storePageId": "0123456789abcdef01234567"},
        {"createdOn": "2026-01-01T00:00:00Z"},
        {"name": "x" * 201},
        {"urlSlug": None},
        {"isVisible": None},
        {"seoOptions": {"title": "x" * 201}},
    ],
)
def test_an_update_of_a_read_only_unknown_or_invalid_field_answers_400(
    api: Api, page_id: str, changes: dict[str, Any]
) -> None:
    product = _create(api, page_id)
    error_of(api.post(f"{PRODUCTS}/{product['id']}", json=changes), 400)
    assert api.get(f"{PRODUCTS}/{product['id']}").json()["products"][0] == product


def test_updating_an_unknown_product_answers_404(api: Api) -> None:
    error_of(api.post(f"{PRODUCTS}/0123456789abcdef01234567", json={"name": "x"}), 404)


# -- delete ----------------------------------------------------------------------------------
def test_a_deleted_product_is_gone_with_its_inventory(api: Api, page_id: str) -> None:
    product = _create(api, page_id)
    response = api.delete(f"{PRODUCTS}/{product['id']}")
    assert response.status_code == 204 and response.content == b""
    error_of(api.get(f"{PRODUCTS}/{product['id']}"), 404)
    error_of(api.get(f"/1.0/commerce/inventory/{product['variants'][0]['id']}"), 404)
    error_of(api.delete(f"{PRODUCTS}/{product['id']}"), 404)


# -- variants --------------------------------------------------------------------------------
def test_a_variant_update_changes_pricing_sku_and_weight_and_moves_the_product(api: Api, page_id: str) -> None:
    product = _create(api, page_id)
    variant_id = product["variants"][0]["id"]
    changes = {
        "sku": "MUG-002",
        "pricing": {"salePrice": {"currency": "USD", "value": "9.99"}, "onSale": True},
        "shippingMeasurements": {"weight": {"unit": "KILOGRAM", "value": 0.35}},
    }
    variant = api.post(f"{PRODUCTS}/{product['id']}/variants/{variant_id}", json=changes).json()
    assert variant["sku"] == "MUG-002"
    assert variant["pricing"]["basePrice"]["value"] == "12.50"
    assert variant["pricing"]["salePrice"]["value"] == "9.99" and variant["pricing"]["onSale"] is True
    assert variant["shippingMeasurements"]["weight"] == {"unit": "KILOGRAM", "value": 0.35}
    after = api.get(f"{PRODUCTS}/{product['id']}").json()["products"][0]
    assert after["modifiedOn"] > product["modifiedOn"] and after["variants"][0] == variant


def test_stock_cannot_be_changed_through_a_variant_update(api: Api, page_id: str) -> None:
    product = _create(api, page_id)
    variant_id = product["variants"][0]["id"]
    response = api.post(f"{PRODUCTS}/{product['id']}/variants/{variant_id}", json={"stock": {"quantity": 1}})
    assert "inventory/adjustments" in error_of(response, 400)["message"]


def test_a_variant_is_added_only_to_a_product_with_attributes(api: Api, page_id: str) -> None:
    product = _create(api, page_id)
    path = f"{PRODUCTS}/{product['id']}/variants"
    error_of(api.post(path, json=variant_body("MUG-L", attributes={"Size": "L"})), 400)
    api.post(f"{PRODUCTS}/{product['id']}", json={"variantAttributes": ["Size"]})
    error_of(api.post(path, json=variant_body("MUG-L", attributes={"Size": "L"})), 400)  # the first has no Size
    first = product["variants"][0]["id"]
    api.post(f"{PRODUCTS}/{product['id']}/variants/{first}", json={"attributes": {"Size": "M"}})
    error_of(api.post(path, json=variant_body("MUG-001", attributes={"Size": "L"})), 400)  # sku taken
    created = api.post(path, json=variant_body("MUG-L", attributes={"Size": "L"}))
    assert created.status_code == 201
    inventory = api.get(f"/1.0/commerce/inventory/{created.json()['id']}").json()["inventory"][0]
    assert inventory["descriptor"] == "Stoneware Mug [Size: L]"


def test_the_last_variant_cannot_be_deleted_but_another_can(api: Api, page_id: str) -> None:
    two = [variant_body("A", attributes={"Size": "S"}), variant_body("B", attributes={"Size": "M"})]
    product = _create(api, page_id, variants=two, variantAttributes=["Size"])
    first, second = (v["id"] for v in product["variants"])
    assert api.delete(f"{PRODUCTS}/{product['id']}/variants/{second}").status_code == 204
    error_of(api.delete(f"{PRODUCTS}/{product['id']}/variants/{first}"), 400)
    error_of(api.delete(f"{PRODUCTS}/{product['id']}/variants/{second}"), 404)


@pytest.mark.parametrize(
    ("kind", "position", "filters", "path"),
    [
        ("products", [1, "x"], {}, PRODUCTS),
        ("products", True, {}, PRODUCTS),
        ("products", 0, {"type": "PHYSICAL"}, PRODUCTS),
        ("products", 0, {"type": ["BOOK"]}, PRODUCTS),
        ("inventory", "5", {}, "/1.0/commerce/inventory"),
        ("store_pages", None, {}, "/1.0/commerce/store_pages"),
        ("orders", 5, {}, "/1.0/commerce/orders"),
        ("orders", [5], {}, "/1.0/commerce/orders"),
        ("orders", [0, "a"], {"after": "yesterday", "before": 1}, "/1.0/commerce/orders"),
        ("orders", [0, "a"], {"status": "LOST"}, "/1.0/commerce/orders"),
    ],
)
def test_a_cursor_carrying_a_position_of_the_wrong_shape_answers_400(
    api: Api, kind: str, position: Any, filters: dict[str, Any], path: str
) -> None:
    from harness.squarespace.paging import encode_cursor

    error_of(api.get(path, params={"cursor": encode_cursor(kind, position, filters)}), 400)


def test_a_listing_shows_every_change_to_a_product_it_listed_before(
    api: Api, control: SquarespaceControl, page_id: str
) -> None:
    product = _create(api, page_id)
    variant_id = product["variants"][0]["id"]

    def listed() -> dict[str, Any]:
        found: dict[str, Any] = next(p for p in api.get(PRODUCTS).json()["products"] if p["id"] == product["id"])
        return found

    assert listed()["name"] == product["name"]
    control.edit_product(product["id"], {"name": "Renamed", "variants.pricing.basePrice.value": "12.50"})
    assert listed()["name"] == "Renamed"
    assert listed()["variants"][0]["pricing"]["basePrice"]["value"] == "12.50"
    control.set_stock(variant_id, 7)
    assert listed()["variants"][0]["stock"] == {"quantity": 7, "unlimited": False}
    adjusted = api.post(
        "/1.0/commerce/inventory/adjustments",
        json={"incrementOperations": [{"variantId": variant_id, "quantity": 3}]},
        headers={"Idempotency-Key": "adjust-1"},
    )
    assert adjusted.status_code == 204, adjusted.text
    assert listed()["variants"][0]["stock"]["quantity"] == 10
    assert api.post(f"{PRODUCTS}/{product['id']}", json={"isVisible": True}).status_code == 200
    assert listed()["isVisible"] is True
