"""OData v2 query options as Exact Online reads them: ``$filter`` parsed and evaluated, ``$select``,
``$top``, ``$orderby``, ``$skiptoken``, ``$inlinecount``, ``$expand``. Anything else beginning with
``$`` and every malformed expression is an ``ODataError`` (Exact answers 400), never a crash.

Strings compare as Exact's SQL collation does: case-insensitive, trailing spaces ignored.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from harness.exact.values import DOTNET_TYPES, is_guid, parse_datetime

__all__ = [
    "Compare",
    "Expr",
    "Literal",
    "Logical",
    "ODataError",
    "Property",
    "Query",
    "check_filter",
    "evaluate",
    "parse_filter",
    "parse_query",
    "sort_key",
]

_KNOWN_OPTIONS = ("$select", "$filter", "$top", "$orderby", "$skiptoken", "$inlinecount", "$expand")
_COMPARISONS = ("eq", "ne", "gt", "ge", "lt", "le")
_ORDERED_TYPES = {"String", "Int16", "Int32", "Int64", "Double", "Byte", "DateTime"}
_NUMBER_TYPES = {"Int16", "Int32", "Int64", "Double", "Byte"}


class ODataError(ValueError):
    """A query Exact refuses with 400 and this message."""


# -- the expression tree ------------------------------------------------------------------------
@dataclass(frozen=True)
class Property:
    name: str
    position: int


@dataclass(frozen=True)
class Literal:
    kind: str  #: String, Guid, DateTime, Int32, Int64, Double, Decimal, Boolean or Null
    value: Any
    position: int


Operand = Property | Literal


@dataclass(frozen=True)
class Compare:
    op: str
    left: Operand
    right: Operand
    position: int


@dataclass(frozen=True)
class Logical:
    op: str  #: and / or
    left: Expr
    right: Expr


Expr = Compare | Logical


# -- tokens -------------------------------------------------------------------------------------
#: The longest ``$filter`` accepted (Exact's URLs stay under about 6,000 characters in all).
MAX_FILTER_LENGTH = 6000
#: How deep parentheses may nest in a ``$filter``.
MAX_FILTER_DEPTH = 32

_TOKEN = re.compile(
    r"""
    (?P<space>\s+)
  | (?P<typed>(?:guid|datetime|datetimeoffset)'(?:[^']|'')*')
  | (?P<string>'(?:[^']|'')*')
  | (?P<number>-?[0-9]+(?:\.[0-9]+)?(?:[eE][+-]?[0-9]+)?[LlMmDdFf]?)
  | (?P<paren>[()])
  | (?P<comma>,)
  | (?P<word>[A-Za-z_][A-Za-z0-9_]*(?:/[A-Za-z_][A-Za-z0-9_]*)*)
    """,
    re.VERBOSE,
)


@dataclass(frozen=True)
class _Token:
    kind: str
    text: str
    position: int


def _tokens(text: str) -> list[_Token]:
    out: list[_Token] = []
    at = 0
    while at < len(text):
        match = _TOKEN.match(text, at)
        if match is None:
            raise ODataError(f"Syntax error at position {at} in '{text}'.")
        kind = match.lastgroup or ""
        if kind != "space":
            out.append(_Token(kind, match.group(), at))
        at = match.end()
    return out


class _Parser:
    def __init__(self, text: str) -> None:
        self.text = text
        self.tokens = _tokens(text)
        self.at = 0
        self.depth = 0  #: parentheses open at the current token

    def peek(self) -> _Token | None:
        return self.tokens[self.at] if self.at < len(self.tokens) else None

    def take(self) -> _Token:
        token = self.peek()
        if token is None:
            raise ODataError(f"Expression expected at position {len(self.text)} in '{self.text}'.")
        self.at += 1
        return token

    def parse(self) -> Expr:
        expr = self.or_expr()
        token = self.peek()
        if token is not None:
            raise ODataError(f"Syntax error at position {token.position} in '{self.text}'.")
        return expr

    def or_expr(self) -> Expr:
        terms = [self.and_expr()]
        while (token := self.peek()) is not None and token.kind == "word" and token.text == "or":
            self.take()
            terms.append(self.and_expr())
        return _balanced("or", terms)

    def and_expr(self) -> Expr:
        terms = [self.primary()]
        while (token := self.peek()) is not None and token.kind == "word" and token.text == "and":
            self.take()
            terms.append(self.primary())
        return _balanced("and", terms)

    def primary(self) -> Expr:
        token = self.peek()
        if token is not None and token.kind == "paren" and token.text == "(":
            self.take()
            self.depth += 1
            if self.depth > MAX_FILTER_DEPTH:
                raise ODataError(
                    f"The $filter nests parentheses deeper than {MAX_FILTER_DEPTH} levels at position {token.position}."
                )
            expr = self.or_expr()
            self.depth -= 1
            closing = self.take()
            if closing.kind != "paren" or closing.text != ")":
                raise ODataError(f"')' or operator expected at position {closing.position} in '{self.text}'.")
            return expr
        left = self.operand()
        op = self.take()
        if op.kind != "word" or op.text not in _COMPARISONS:
            if op.kind == "word" and op.text in ("add", "sub", "mul", "div", "mod", "not", "has"):
                raise ODataError(f"The operator '{op.text}' at position {op.position} is not supported.")
            raise ODataError(f"Syntax error at position {op.position} in '{self.text}'.")
        right = self.operand()
        return Compare(op.text, left, right, op.position)

    def operand(self) -> Operand:
        token = self.take()
        if token.kind == "string":
            return Literal("String", token.text[1:-1].replace("''", "'"), token.position)
        if token.kind == "typed":
            return _typed_literal(token, self.text)
        if token.kind == "number":
            return _number_literal(token, self.text)
        if token.kind == "word":
            following = self.peek()
            if following is not None and following.kind == "paren" and following.text == "(":
                raise ODataError(f"Unknown function '{token.text}' at position {token.position}.")
            if token.text in ("true", "false"):
                return Literal("Boolean", token.text == "true", token.position)
            if token.text == "null":
                return Literal("Null", None, token.position)
            if token.text in _COMPARISONS or token.text in ("and", "or"):
                raise ODataError(f"Expression expected at position {token.position} in '{self.text}'.")
            if "/" in token.text:
                raise ODataError(f"Filtering on navigation property '{token.text}' is not supported.")
            return Property(token.text, token.position)
        raise ODataError(f"Expression expected at position {token.position} in '{self.text}'.")


def _typed_literal(token: _Token, text: str) -> Literal:
    prefix, _, rest = token.text.partition("'")
    body = rest[:-1].replace("''", "'")
    if prefix == "guid":
        if not is_guid(body):
            raise ODataError(
                f"Unrecognized 'Edm.Guid' literal '{token.text}' at position {token.position} in '{text}'."
            )
        return Literal("Guid", body.lower(), token.position)
    try:
        return Literal("DateTime", parse_datetime(body), token.position)
    except ValueError:
        raise ODataError(
            f"Unrecognized 'Edm.DateTime' literal '{token.text}' at position {token.position} in '{text}'."
        ) from None


def _number_literal(token: _Token, text: str) -> Literal:
    raw = token.text
    suffix = raw[-1].upper() if raw[-1].isalpha() else ""
    digits = raw[:-1] if suffix else raw
    if suffix == "L" or (not suffix and re.fullmatch(r"-?[0-9]+", digits)):
        value = int(digits)
        if not -(2**63) <= value < 2**63 or "." in digits or "e" in digits.lower():
            raise ODataError(f"Unrecognized 'Edm.Int64' literal '{raw}' at position {token.position} in '{text}'.")
        kind = "Int64" if suffix == "L" or not -(2**31) <= value < 2**31 else "Int32"
        return Literal(kind, value, token.position)
    kind = "Decimal" if suffix == "M" else "Double"
    return Literal(kind, float(digits), token.position)


def _balanced(op: str, terms: list[Expr]) -> Expr:
    """``a op b op c ...`` as a balanced tree (``and``/``or`` are associative): evaluating a filter of a
    thousand clauses then recurses ten levels deep, not a thousand."""
    if len(terms) == 1:
        return terms[0]
    if len(terms) == 2:
        return Logical(op, terms[0], terms[1])
    middle = len(terms) // 2
    return Logical(op, _balanced(op, terms[:middle]), _balanced(op, terms[middle:]))


def parse_filter(text: str) -> Expr:
    """The tree of a ``$filter`` text; ``ODataError`` when it is not a filter we understand, or longer
    than ``MAX_FILTER_LENGTH`` characters, or nested deeper than ``MAX_FILTER_DEPTH`` parentheses."""
    if not text.strip():
        raise ODataError("The $filter query option requires an expression.")
    if len(text) > MAX_FILTER_LENGTH:
        raise ODataError(f"The $filter is {len(text)} characters long; at most {MAX_FILTER_LENGTH} are accepted.")
    return _Parser(text).parse()


# -- checking against a resource's fields -------------------------------------------------------
def check_filter(expr: Expr, field_type: Callable[[str], str | None], entity_type: str) -> None:
    """Refuse unknown properties and comparisons of incompatible types, as OData does."""
    if isinstance(expr, Logical):
        check_filter(expr.left, field_type, entity_type)
        check_filter(expr.right, field_type, entity_type)
        return
    kinds = [_operand_type(o, field_type, entity_type) for o in (expr.left, expr.right)]
    left, right = kinds
    if "Null" in kinds:
        if expr.op not in ("eq", "ne"):
            raise _incompatible(expr, left, right)
        return
    if not _compatible(left, right):
        raise _incompatible(expr, left, right)
    if expr.op not in ("eq", "ne") and left not in _ORDERED_TYPES and left not in ("Decimal", "Int32", "Int64"):
        raise _incompatible(expr, left, right)


def _operand_type(operand: Operand, field_type: Callable[[str], str | None], entity_type: str) -> str:
    if isinstance(operand, Literal):
        return operand.kind
    kind = field_type(operand.name)
    if kind is None or kind in ("Collection", "Binary"):
        raise ODataError(f"No property '{operand.name}' exists in type '{entity_type}' at position {operand.position}.")
    return kind


def _family(kind: str) -> str:
    if kind in _NUMBER_TYPES or kind == "Decimal":
        return "number"
    return kind


def _compatible(left: str, right: str) -> bool:
    return _family(left) == _family(right)


def _incompatible(expr: Compare, left: str, right: str) -> ODataError:
    names = [DOTNET_TYPES.get(k, f"System.{k}") if k != "Null" else "<null>" for k in (left, right)]
    return ODataError(
        f"Operator '{expr.op}' incompatible with operand types '{names[0]}' and '{names[1]}' "
        f"at position {expr.position}."
    )


# -- evaluation ---------------------------------------------------------------------------------
def _comparable(value: Any) -> Any:
    if isinstance(value, str):
        return value.rstrip(" ").casefold()
    return value


def evaluate(expr: Expr, row: Callable[[str], Any]) -> bool:
    """Whether the row (a getter of stored values by field name) passes the filter."""
    if isinstance(expr, Logical):
        if expr.op == "and":
            return evaluate(expr.left, row) and evaluate(expr.right, row)
        return evaluate(expr.left, row) or evaluate(expr.right, row)
    left = _comparable(row(expr.left.name) if isinstance(expr.left, Property) else expr.left.value)
    right = _comparable(row(expr.right.name) if isinstance(expr.right, Property) else expr.right.value)
    if expr.op == "eq":
        return bool(left == right)
    if expr.op == "ne":
        return bool(left != right)
    if left is None or right is None:
        return False  # SQL: a comparison with NULL is never true
    if expr.op == "gt":
        return bool(left > right)
    if expr.op == "ge":
        return bool(left >= right)
    if expr.op == "lt":
        return bool(left < right)
    return bool(left <= right)


def sort_key(value: Any) -> tuple[int, Any]:
    """Order as SQL does: nulls first, strings by collation."""
    return (0, 0) if value is None else (1, _comparable(value))


# -- the query options --------------------------------------------------------------------------
@dataclass(frozen=True)
class Query:
    """The system query options of one request, parsed but not yet checked against a resource."""

    select: tuple[str, ...] | None = None
    filter: Expr | None = None
    filter_text: str | None = None
    top: int | None = None
    orderby: tuple[tuple[str, bool], ...] = ()  #: (field, descending)
    skiptoken: str | None = None
    inlinecount: bool = False
    expand: tuple[str, ...] = ()
    given: frozenset[str] = frozenset()  #: which $ options the request carried


def parse_query(params: Sequence[tuple[str, str]]) -> Query:
    """Read the ``$`` options of a query string. Custom (non-``$``) parameters are ignored, as OData does."""
    seen: dict[str, str] = {}
    for name, value in params:
        if not name.startswith("$"):
            continue
        if name not in _KNOWN_OPTIONS:
            if name == "$skip":
                raise ODataError("$skip is not supported on this endpoint: page with $skiptoken (the __next link).")
            raise ODataError(
                f"The query parameter '{name}' begins with a system-reserved '$' character but is not recognized."
            )
        if name in seen:
            raise ODataError(
                f"Query option '{name}' was specified more than once, but it must be specified at most once."
            )
        seen[name] = value
    select = None
    if "$select" in seen:
        select = tuple(p.strip() for p in seen["$select"].split(","))
        if any(not p for p in select):
            raise ODataError("Syntax error in $select: an empty property name.")
    top = None
    if "$top" in seen:
        if not re.fullmatch(r"[0-9]{1,9}", seen["$top"].strip()):
            raise ODataError(
                f"Invalid value '{seen['$top']}' for $top query option found. "
                "The $top query option requires a non-negative integer value."
            )
        top = int(seen["$top"])
    inline = seen.get("$inlinecount", "none").strip()
    if inline not in ("allpages", "none"):
        raise ODataError(f"Invalid value '{inline}' for $inlinecount query option found. Use 'allpages' or 'none'.")
    filter_text = seen.get("$filter")
    return Query(
        select=select,
        filter=parse_filter(filter_text) if filter_text is not None else None,
        filter_text=filter_text,
        top=top,
        orderby=_orderby(seen["$orderby"]) if "$orderby" in seen else (),
        skiptoken=seen.get("$skiptoken"),
        inlinecount=inline == "allpages",
        expand=tuple(p.strip() for p in seen["$expand"].split(",")) if "$expand" in seen else (),
        given=frozenset(seen),
    )


def _orderby(text: str) -> tuple[tuple[str, bool], ...]:
    out = []
    for part in text.split(","):
        words = part.split()
        if not words or len(words) > 2 or (len(words) == 2 and words[1] not in ("asc", "desc")):
            raise ODataError(f"Syntax error in $orderby '{text}'.")
        if not re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*", words[0]):
            raise ODataError(f"Syntax error in $orderby '{text}'.")
        out.append((words[0], len(words) == 2 and words[1] == "desc"))
    return tuple(out)
