"""Bad input: every case is a clear finding or a one-line error naming the file (exit 2), never a traceback."""

from __future__ import annotations

import random
import string
from pathlib import Path

import pytest
from support import FIXTURES

from harness.cli import main
from harness.dataflow import codes
from harness.dataflow.lint import lint_file
from harness.dataflow.parser import parse_file, parse_text
from harness.errors import UnreadableSpecError

BROKEN = FIXTURES / "specs" / "broken"
#: The noise is seeded so that a failure can be replayed.
NOISE_SEED = 20250314
TEN_MB = 10 * 1024 * 1024
_PRINTABLE = (string.ascii_letters + string.digits + string.punctuation + " " * 12 + "\n" * 2).encode()
_TO_PRINTABLE = bytes(_PRINTABLE[i % len(_PRINTABLE)] for i in range(256))


def printable_noise(size: int) -> bytes:
    """``size`` bytes of seeded printable text with line breaks (fast: one translate over random bytes)."""
    return random.Random(NOISE_SEED).randbytes(size).translate(_TO_PRINTABLE)


def unreadable(path: Path) -> UnreadableSpecError:
    with pytest.raises(UnreadableSpecError) as caught:
        parse_file(path)
    return caught.value


@pytest.mark.parametrize(
    ("content", "problem"),
    [
        (b"", "is empty"),
        (b"  \r\n\n\t \n", "is empty"),
        (b"Introduction\r\n------------\r\n\r\nno title\r\n", "has no title"),
        (b"just one line of text", "has no title"),
        (b"=====\n=====\n", "has no title"),
        (b"Exact Online to Squarespace Dataflow\n====\x00====\n", "is a binary file"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "is a binary file"),
    ],
)
def test_a_file_that_is_no_document_is_one_clear_error(tmp_path: Path, content: bytes, problem: str) -> None:
    spec = tmp_path / "spec.rst"
    spec.write_bytes(content)
    error = unreadable(spec)
    assert error.path == str(spec)
    assert error.problem.startswith(problem)
    assert "expected" in error.problem
    assert "\n" not in str(error)


def test_a_latin1_file_is_not_utf8_and_the_error_says_where() -> None:
    error = unreadable(BROKEN / "latin1.rst")
    assert error.line == 10
    assert error.problem.startswith("is not UTF-8 (byte 0xf8 is byte 30 of line 10)")


def test_a_binary_file_names_the_line_of_its_first_nul_byte(tmp_path: Path) -> None:
    spec = tmp_path / "spec.rst"
    spec.write_bytes(b"line one\nline two\nthree \x00 four\n")
    assert unreadable(spec).line == 3


@pytest.mark.parametrize("name", ["", "missing.rst"], ids=["a directory", "a missing file"])
def test_a_path_that_cannot_be_opened_is_one_clear_error(tmp_path: Path, name: str) -> None:
    error = unreadable(tmp_path / name)
    assert error.problem.startswith("cannot be opened")


def test_a_byte_order_mark_is_no_problem(tmp_path: Path) -> None:
    spec = tmp_path / "spec.rst"
    spec.write_bytes(b"\xef\xbb\xbf" + (FIXTURES / "specs" / "exact-squarespace.rst").read_bytes())
    assert parse_file(spec).title == "Exact Online to Squarespace Dataflow"


def test_ten_megabytes_of_random_bytes_are_refused(tmp_path: Path) -> None:
    spec = tmp_path / "noise.bin"
    spec.write_bytes(random.Random(NOISE_SEED).randbytes(TEN_MB))
    assert unreadable(spec).problem.startswith(("is a binary file", "is not UTF-8"))


def test_ten_megabytes_of_printable_noise_have_no_title(tmp_path: Path) -> None:
    spec = tmp_path / "noise.rst"
    spec.write_bytes(printable_noise(TEN_MB))
    assert unreadable(spec).problem.startswith("has no title")


def test_ten_megabytes_of_noise_under_a_real_title_and_section_give_a_bounded_list_of_findings() -> None:
    head = "=" * 10 + "\nA to B Dataflow\n" + "=" * 10 + "\n\nA Items to B Things\n------------------\n"
    parsed = parse_text(head + printable_noise(TEN_MB).decode("ascii"))
    assert parsed.title == "A to B Dataflow"
    assert len(parsed.findings) < 20 * 101
    assert codes.FINDINGS_SUPPRESSED.code in {f.code for f in parsed.findings}


@pytest.mark.parametrize(
    ("fixture", "code"),
    [
        ("title-only.rst", codes.NO_SECTIONS),
        ("table-cut-mid-row.rst", codes.TABLE_CUT_SHORT),
        ("section-without-underline.rst", codes.MISSING_UNDERLINE),
        ("stray-text.rst", codes.STRAY_TEXT),
        ("wrong-cell-count.rst", codes.MALFORMED_ROW),
        ("short-underlines.rst", codes.SHORT_UNDERLINE),
        ("short-underlines.rst", codes.NO_GENERATED),
        ("odd-data-types.rst", codes.NOT_PLAIN_DATATYPE),
        ("odd-data-types.rst", codes.LEGACY_DATATYPE),
        ("mismatched-systems.rst", codes.SYSTEMS_MISMATCH),
        ("repeated-title.rst", codes.REPEATED_TITLE),
        ("repeated-title.rst", codes.BLANK_SECTION_SYSTEM),
        ("table-shapes.rst", codes.UNSUPPORTED_TABLE),
        ("table-shapes.rst", codes.NO_HEADER_ROWS),
        ("table-shapes.rst", codes.ANNOUNCED_TABLE_MISSING),
        ("table-shapes.rst", codes.NO_SENTENCES),
        ("wording-drift.rst", codes.UNKNOWN_SENTENCE),
        ("wording-drift.rst", codes.CONDITION_WITHOUT_SUBJECT),
        ("wording-drift.rst", codes.TARGET_NOTE),
        ("exact-fields.rst", codes.UNKNOWN_FIELD),
        ("exact-fields.rst", codes.FIELD_NOT_WRITABLE),
        ("exact-fields.rst", codes.NO_FIELD_METADATA),
        ("field-interplay.rst", codes.FIELD_INTERPLAY),
    ],
)
def test_a_broken_fixture_gives_its_finding(fixture: str, code: codes.FindingCode) -> None:
    assert code.code in {f.code for f in lint_file(BROKEN / fixture).findings}


def test_the_table_cut_mid_row_keeps_the_rows_before_the_cut() -> None:
    parsed = parse_file(BROKEN / "table-cut-mid-row.rst")
    assert [(p.source, p.target, p.datatype) for p in parsed.sections[0].properties] == [
        ("Code", "sku", "string"),
        ("Stock", "quantity", ""),
    ]


def test_the_section_without_underline_keeps_its_own_rules_and_rows() -> None:
    parsed = parse_file(BROKEN / "section-without-underline.rst")
    assert [s.title for s in parsed.sections] == [
        "Exact Online Items to Squarespace Inventory",
        "Exact Online Salesorders to Squarespace Order",
    ]
    assert [p.source for p in parsed.sections[1].properties] == ["OrderNumber"]


@pytest.mark.parametrize("command", ["parse", "lint"])
@pytest.mark.parametrize(
    "fixture",
    [BROKEN / "latin1.rst", BROKEN / "no-title.rst", BROKEN / "does-not-exist.rst"],
    ids=["latin1", "no-title", "missing"],
)
def test_the_cli_gives_exit_2_and_one_line_naming_the_file(
    capsys: pytest.CaptureFixture[str], command: str, fixture: Path
) -> None:
    assert main([command, str(fixture)]) == 2
    captured = capsys.readouterr()
    errors = [line for line in captured.err.splitlines() if not line.startswith("talkqa lint:")]
    assert len(errors) == 1
    assert errors[0].startswith(f"talkqa: {fixture}")
    assert "Traceback" not in captured.err
    assert captured.out == ""


def test_the_cli_goes_on_with_the_next_file_after_an_unreadable_one(capsys: pytest.CaptureFixture[str]) -> None:
    good = FIXTURES / "specs" / "exact-squarespace.rst"
    assert main(["parse", str(BROKEN / "latin1.rst"), str(good)]) == 2
    assert str(good) in capsys.readouterr().out


def test_a_document_over_the_size_limit_is_refused_without_reading_it_all(tmp_path: Path) -> None:
    from harness.dataflow.parser import MAX_SPEC_BYTES

    path = tmp_path / "huge.rst"
    with path.open("wb") as stream:
        stream.write(b"=" * 10 + b"\n")
        stream.truncate(MAX_SPEC_BYTES + 1)  # sparse: costs no disk
    with pytest.raises(UnreadableSpecError, match="is larger than 20 MB; talkqa reads dataflow documents of up to 20"):
        parse_file(path)


@pytest.mark.skipif(not Path("/dev/zero").exists(), reason="no /dev/zero here")
@pytest.mark.parametrize("command", ["lint", "parse"])
def test_lint_of_an_endless_stream_stops_at_the_limit_with_one_line(
    command: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main([command, "/dev/zero"]) == 2
    err = capsys.readouterr().err
    assert "/dev/zero: is larger than 20 MB" in err
    assert "Traceback" not in err
