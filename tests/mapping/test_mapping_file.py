"""Mapping files are checked when loaded: a row that cannot be honoured is refused with the file, the section,
the row and what to do; the bundled file loads and says why each one-way row is one-way."""

from __future__ import annotations

from pathlib import Path

import pytest

from harness.errors import MappingError
from harness.mapping.direction import Direction
from harness.mapping.mapping_file import BUNDLED_MAPPING, bundled_mapping, load_mapping_file

HEAD = 'source_system = "Exact Online"\ntarget_system = "Squarespace"\n\n'


def _section(source: str, target: str, *rows: str) -> str:
    body = f'[[section]]\nsource = "{source}"\ntarget = "{target}"\n\n'
    return body + "".join(f"[[section.row]]\n{row}\n\n" for row in rows)


def _row(source: str, target: str, datatype: str = "string", extra: str = "") -> str:
    return f'source = "{source}"\ntarget = "{target}"\ndatatype = "{datatype}"\n{extra}'


def _write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "mine.toml"
    path.write_text(text, encoding="utf-8")
    return path


def _refusal(tmp_path: Path, text: str) -> MappingError:
    path = _write(tmp_path, text)
    with pytest.raises(MappingError) as caught:
        load_mapping_file(path)
    assert str(caught.value).startswith(str(path)), "the message names the file first"
    return caught.value


def test_a_good_file_loads_with_rows_in_order_and_their_lines(tmp_path: Path) -> None:
    text = HEAD + _section("Items", "Inventory", _row("Code", "sku", extra="key = true"), _row("Barcode", "sku"))
    loaded = load_mapping_file(_write(tmp_path, text))
    (section,) = loaded.sections
    assert (section.source_type, section.target_type) == ("Items", "Inventory")
    assert [r.label for r in section.rows] == ["Code → sku", "Barcode → sku"]
    headers = [n for n, line in enumerate(text.splitlines(), start=1) if line == "[[section.row]]"]
    assert [r.origin.line for r in section.rows] == headers
    assert [r.origin.row for r in section.rows] == [1, 2]
    assert section.rows[0].key and not section.rows[1].key
    assert all(r.assumed for r in section.rows)


def test_an_unknown_source_field_is_refused_naming_section_row_and_a_close_name(tmp_path: Path) -> None:
    text = HEAD + _section("Items", "Inventory", _row("Code", "sku"), _row("Codee", "sku"))
    error = _refusal(tmp_path, text)
    message = str(error)
    assert error.line == text.splitlines().index("[[section.row]]", 8) + 1
    assert 'section "Items → Inventory", row 2 (Codee → sku)' in message
    assert "has no field 'Codee'" in message
    assert "did you mean 'Code'?" in message
    assert "correct the path or remove the row" in message


def test_an_unknown_target_path_is_refused(tmp_path: Path) -> None:
    message = str(_refusal(tmp_path, HEAD + _section("Items", "Sesamproducts", _row("Code", "variants.skuu"))))
    assert "Squarespace Sesamproducts has no field 'variants.skuu'" in message
    assert "did you mean 'variants.sku'?" in message


def test_a_two_way_row_onto_a_read_only_field_is_refused_with_the_direction_to_add(tmp_path: Path) -> None:
    message = str(_refusal(tmp_path, HEAD + _section("Items", "Inventory", _row("Stock", "quantity", "integer"))))
    assert "Exact Online Items.Stock is read-only" in message
    assert 'add direction = "source_to_target"' in message


def test_a_row_whose_direction_writes_a_read_only_target_is_refused(tmp_path: Path) -> None:
    row = _row("Description", "descriptor", extra='direction = "source_to_target"')
    message = str(_refusal(tmp_path, HEAD + _section("Items", "Inventory", row)))
    assert "Squarespace Inventory.descriptor is read-only" in message
    assert "the row would write it" in message
    assert "change the row or remove it" in message


def test_a_target_to_source_row_onto_a_read_only_source_is_refused(tmp_path: Path) -> None:
    row = _row("Stock", "quantity", "integer", extra='direction = "target_to_source"')
    message = str(_refusal(tmp_path, HEAD + _section("Items", "Inventory", row)))
    assert "Exact Online Items.Stock is read-only" in message


@pytest.mark.parametrize(
    ("datatype", "message"),
    [
        ("list", "has no conversion"),
        ("integer", "does not describe Squarespace string values"),
        ("boolean", "does not describe"),
    ],
)
def test_a_datatype_no_conversion_supports_is_refused(tmp_path: Path, datatype: str, message: str) -> None:
    error = _refusal(tmp_path, HEAD + _section("Items", "Inventory", _row("Code", "sku", datatype)))
    assert message in str(error)
    assert "row 1 (Code → sku)" in str(error)


def test_a_pair_of_kinds_without_a_conversion_is_refused(tmp_path: Path) -> None:
    error = _refusal(tmp_path, HEAD + _section("Items", "Sesamproducts", _row("NetWeight", "isVisible", "N/A")))
    assert "no conversion carries Exact Online Edm.Double values to Squarespace boolean values" in str(error)


def test_a_line_field_mapped_onto_a_record_field_is_refused(tmp_path: Path) -> None:
    row = _row("SalesOrderLines.Description", "customerEmail")
    error = _refusal(tmp_path, HEAD + _section("Salesorders", "Order", row))
    assert "a line field maps only to a line field" in str(error)


def test_malformed_toml_is_refused_naming_the_file_and_line(tmp_path: Path) -> None:
    error = _refusal(tmp_path, HEAD + '[[section]]\nsource = "Items\n')
    assert "is not valid TOML" in str(error)
    assert error.line == 5
    assert str(error).startswith(f"{tmp_path / 'mine.toml'}:5: ")


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (HEAD.replace("Squarespace", "HubSpot") + _section("Items", "Inventory", _row("Code", "sku")), "target_system"),
        ('target_system = "Squarespace"\n' + _section("Items", "Inventory", _row("Code", "sku")), "source_system"),
        (HEAD, "no [[section]] tables"),
        (HEAD + '[[section]]\nsource = "Items"\ntarget = "Inventory"\n', "has no [[section.row]]"),
        (
            HEAD + _section("Items", "Inventory", _row("Code", "sku", extra='datatyp = "string"')),
            "unknown key(s) datatyp",
        ),
        (HEAD + 'colour = "blue"\n' + _section("Items", "Inventory", _row("Code", "sku")), "unknown key(s) colour"),
        (HEAD + _section("Items", "Inventory", _row("Code", "sku", extra='direction = "up"')), "none of"),
        (HEAD + _section("Items", "Inventory", _row("Code", "sku", extra="key = 1")), "key must be a boolean"),
        (HEAD + _section("Items", "Inventory", 'source = "Code"\ntarget = "sku"'), "needs datatype"),
        (HEAD + _section("Accounts", "Inventory", _row("Code", "sku")), "no type 'Accounts'"),
        (HEAD + _section("Items", "Inventory", _row("Code", "sku"), _row("Code", "sku")), "repeats an earlier row"),
        (
            HEAD
            + _section("Items", "Inventory", _row("Code", "sku"))
            + _section("Items", "Inventory", _row("Code", "sku")),
            "appears twice",
        ),
    ],
)
def test_a_file_that_is_not_a_mapping_is_refused_with_what_to_do(tmp_path: Path, text: str, message: str) -> None:
    assert message in str(_refusal(tmp_path, text))


def test_a_missing_file_is_refused(tmp_path: Path) -> None:
    with pytest.raises(MappingError, match="cannot read the mapping file") as caught:
        load_mapping_file(tmp_path / "absent.toml")
    assert caught.value.path == str(tmp_path / "absent.toml")


def test_rows_written_as_inline_tables_load_without_line_numbers(tmp_path: Path) -> None:
    inline = 'row = [{source = "Code", target = "sku", datatype = "string"}]\n'
    text = HEAD + '[[section]]\nsource = "Items"\ntarget = "Inventory"\n' + inline
    (section,) = load_mapping_file(_write(tmp_path, text)).sections
    assert section.rows[0].origin.line is None
    assert str(section.rows[0].origin) == str(tmp_path / "mine.toml")


def test_the_bundled_file_loads_and_names_itself_from_the_project_root() -> None:
    bundled = bundled_mapping()
    assert bundled.path == "fixtures/mappings/exact-squarespace.toml"
    assert BUNDLED_MAPPING.exists()
    assert [s.title for s in bundled.sections] == ["Items → Inventory", "Items → Sesamproducts", "Salesorders → Order"]


def test_every_one_way_row_of_the_bundled_file_says_why() -> None:
    one_way = {r.label: r for s in bundled_mapping().sections for r in s.rows if r.direction is not Direction.BOTH}
    assert set(one_way) == {
        "Stock → quantity",
        "StandardSalesPrice → variants.pricing.basePrice.value",
        "AmountFC → grandTotal.value",
    }
    for row in one_way.values():
        assert row.direction_reason, f"{row.label} has no reason"
    lines = BUNDLED_MAPPING.read_text(encoding="utf-8").splitlines()
    for row in one_way.values():
        start = row.origin.line or 0
        end = next(n for n in range(start, len(lines)) if lines[n].startswith("[["))
        assert any(line.startswith("#") for line in lines[start:end]), f"{row.label}: a comment says why"
