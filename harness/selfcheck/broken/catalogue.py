"""The broken engines the self-check runs, by name: what each breaks and the promise that breaks."""

from __future__ import annotations

from dataclasses import dataclass, replace

__all__ = ["BROKEN_ENGINES", "FAMILY_ENGINES", "PROMISE_ITEMS", "TEXT_CUT", "BrokenEngine"]

#: how many characters of a text ``truncates_text`` keeps
TEXT_CUT = 20


@dataclass(frozen=True)
class BrokenEngine:
    """One broken engine: its name (the factory's), what it breaks, and the promise that breaks."""

    name: str
    breaks: str
    promise: str
    module: str = ""  #: the module of ``harness.selfcheck.broken`` its factory lives in (default: by catalogue part)
    #: a regular expression matching the names of the checklist items that state its promise, in words
    #: any spec's checklist uses (no system named): the default self-check runs those items first
    item: str = ""

    @property
    def sut(self) -> str:
        """What ``--sut`` names to run the checklist against it."""
        return f"harness.selfcheck.broken:{self.name}"


_ENGINES: tuple[BrokenEngine, ...] = (
    BrokenEngine("drops_property", "drops one mapped property", "every mapped property travels with its record"),
    BrokenEngine("one_way", "writes only to the target, never to the source", "edits and deletes flow both ways"),
    BrokenEngine("rounds_double", "rounds Doubles to whole numbers", "a Double arrives equal"),
    BrokenEngine("loses_time_of_date", "dates arrive at midnight", "a DateTime arrives equal to the second"),
    BrokenEngine("truncates_text", f"cuts text to {TEXT_CUT} characters", "a string arrives equal"),
    BrokenEngine(
        "duplicates_on_rerun", "forgets its links at restart, never looks for a match", "a re-run never duplicates"
    ),
    BrokenEngine("ignores_merge_criteria", "never looks for an existing record", "merge on the merge criteria"),
    BrokenEngine("echoes_writes", "writes every mapped property every cycle", "a quiet cycle writes nothing"),
    BrokenEngine("first_page_only", "reads only the first page of a listing", "every record is synced"),
    BrokenEngine(
        "gives_up_on_429", "takes a 429 as nothing there, skips the record", "keeps working through rate limits"
    ),
    BrokenEngine("empty_overwrites", "whole-record latest-wins, empties included", "an empty value never overwrites"),
    BrokenEngine(
        "ignores_target_edits", "a target edit never counts as a change", "an edit in the target reaches the source"
    ),
    BrokenEngine("clear_is_no_change", "a clear is read as no change", "a deliberate clear propagates"),
    BrokenEngine("ignores_deletes", "never propagates a delete", "a deleted record does not linger"),
    BrokenEngine("wrong_variant", "order lines point at the next line's variant", "lines point at the right variants"),
    # -- the families of issue 12 (harness.selfcheck.broken.families) --
    BrokenEngine("strips_text", "strips the white space around texts", "a string arrives equal, white space included"),
    BrokenEngine("normalises_unicode", "normalises texts to NFC", "a string arrives in the normal form it was typed"),
    BrokenEngine("cuts_text_by_bytes", "cuts texts to the field length in bytes", "a text that fits arrives whole"),
    BrokenEngine("collapses_white_space", "collapses runs of spaces in texts", "a string arrives equal"),
    BrokenEngine("folds_to_ascii", "folds texts to ASCII", "a string arrives equal, accents included"),
    BrokenEngine("latin1_texts", "sends texts through Latin-1", "a string arrives equal, in any script"),
    BrokenEngine("numbers_as_float32", "holds numbers in single precision", "a number arrives equal"),
    BrokenEngine("skips_zero", "leaves zero numbers out of its writes", "a number arrives equal, zero too"),
    BrokenEngine("skips_false", "leaves false flags out of its writes", "a boolean arrives equal, false too"),
    BrokenEngine("rounds_to_cents", "rounds every number to two decimals", "a number keeps its field's precision"),
    BrokenEngine(
        "settles_failed_updates", "takes a failed update for done", "a failed write never reverts an edit", "behaviours"
    ),
    BrokenEngine(
        "forgets_failed_deletes", "takes a failed delete for done", "a delete survives a failed delete", "behaviours"
    ),
    BrokenEngine(
        "retries_creates_blindly",
        "re-sends a timed-out create unlooked",
        "a lost answer makes no duplicate",
        "behaviours",
    ),
    BrokenEngine(
        "merge_keeps_target", "on a merge the existing record wins", "a merge: the later record wins", "behaviours"
    ),
    BrokenEngine(
        "merge_overwrites_with_empty", "on a merge empties overwrite", "a merge: empty never overwrites", "behaviours"
    ),
    BrokenEngine(
        "merge_takes_zero_as_empty",
        "on a merge 0 and false are empty",
        "a merge: zero and false are values",
        "behaviours",
    ),
    BrokenEngine("weight_in_pounds", "sends kilograms as pounds", "a number arrives with its unit"),
    BrokenEngine("resets_unmapped_product_fields", "updates products from a template", "unmapped fields stay alone"),
    BrokenEngine("blanks_unmapped_item_fields", "updates items from an empty item", "unmapped fields stay alone"),
    BrokenEngine(
        "ignores_target_times", "never reads Squarespace's modifiedOn", "the later edit wins a conflict", "behaviours"
    ),
    BrokenEngine(
        "conflicts_go_to_source", "every conflict goes to the source", "the later edit wins a conflict", "behaviours"
    ),
    BrokenEngine(
        "never_defers", "imports an order before its items are linked", "deferred work completes", "behaviours"
    ),
    BrokenEngine(
        "cursor_first", "saves its read position before acting", "a crash at any write loses nothing", "behaviours"
    ),
    BrokenEngine(
        "first_batch_only",
        "one batch of 50 changes, cursor past all",
        "every record is synced, however many",
        "behaviours",
    ),
    BrokenEngine(
        "fresh_idempotency_keys",
        "a new idempotency key per call",
        "a lost import makes no duplicate order",
        "behaviours",
    ),
    BrokenEngine(
        "skips_ambiguous_merges", "merges with neither of two matches", "a merge with two candidates merges", "merges"
    ),
    BrokenEngine(
        "overwrites_every_candidate",
        "writes a merge into every match",
        "a merge leaves the other candidate as it was",
        "merges",
    ),
    BrokenEngine("ties_go_to_target", "a tie goes to the target", "on equal times the source's edit wins", "ties"),
    BrokenEngine(
        "imports_in_shop_currency", "sends every amount in the shop's currency", "an amount keeps its currency", "ties"
    ),
)

#: each engine's promise items (``BrokenEngine.item``), by its name
PROMISE_ITEMS: dict[str, str] = {
    "drops_property": r" is carried to ",
    "one_way": r"edit in the target record .* reaches the source record|later edit wins",
    "rounds_double": r" is carried to ",
    "loses_time_of_date": r"record is created as ",
    "truncates_text": r"record is created as |round trip",
    "duplicates_on_rerun": r"re-run never duplicates",
    "ignores_merge_criteria": r" merges on ",
    "echoes_writes": r"quiet cycle writes nothing",
    "first_page_only": r" merges on |edit in the target record .* reaches the source record",
    "gives_up_on_429": r"keeps working through rate limits",
    "empty_overwrites": r"empty value never overwrites",
    "ignores_target_edits": r"edit in the target record .* reaches the source record|later edit wins",
    "clear_is_no_change": r"deliberate clear",
    "ignores_deletes": r"does not linger",
    "wrong_variant": r"lines of .* point at the right",
    "strips_text": r"edge value \(white space around the text\)",
    "normalises_unicode": r"edge value \(another Unicode normal form\)",
    "cuts_text_by_bytes": r"edge value \(multi-byte text at the length limit\)",
    "collapses_white_space": r"edge value \(white space around the text\)",
    "folds_to_ascii": r"edge value \(another Unicode normal form\)",
    "latin1_texts": r"edge value \((multi-byte text at the length limit|another Unicode normal form)\)",
    "numbers_as_float32": r" is carried to |holding other values",
    "skips_zero": r"edge value \(zero\)",
    "skips_false": r"edge value \(false\)",
    "rounds_to_cents": r"edge value \(a fractional number\)",
    "settles_failed_updates": r"edit in the source record survives a server error",
    "forgets_failed_deletes": r"delete in the source record survives a server error",
    "retries_creates_blindly": r"survives a lost answer on its create",
    "fresh_idempotency_keys": r"survives a lost answer on its create",
    "merge_keeps_target": r"holding other values",
    "merge_overwrites_with_empty": r"holding empty values",
    "merge_takes_zero_as_empty": r"holding zero and false",
    "weight_in_pounds": r"record is created as | is carried to ",
    "resets_unmapped_product_fields": r"edit in the source record leaves every property the flow does not map",
    "blanks_unmapped_item_fields": r"edit in the target record leaves every property the flow does not map",
    "ignores_target_times": r"the later wins|later edit wins",
    "conflicts_go_to_source": r"the later wins|later edit wins",
    "never_defers": r"not synchronized yet",
    "cursor_first": r"crash after write",
    "first_batch_only": r"than any page or batch",
    "skips_ambiguous_merges": r"matching two ",
    "overwrites_every_candidate": r"matching two ",
    "ties_go_to_target": r"at the same instant",
    "imports_in_shop_currency": r"currency other than",
}

BROKEN_ENGINES: tuple[BrokenEngine, ...] = tuple(replace(e, item=PROMISE_ITEMS[e.name]) for e in _ENGINES)

#: the factories that live in ``harness.selfcheck.broken.families``
FAMILY_ENGINES: tuple[str, ...] = tuple(e.name for e in BROKEN_ENGINES[15:])
