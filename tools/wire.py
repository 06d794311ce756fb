"""Write the msgspec structs that read the API's success answers, or check the committed ones.

    python tools/wire.py generate   # rewrite wrapper/onedata_workflows/_wire.py
    python tools/wire.py check      # fail if it differs from what generate would write

Every schema that a 2xx answer of openapi.yaml carries, with the schemas it refers
to, becomes a frozen ``msgspec.Struct`` (an answer that is an array, a named tuple
type of its items) whose decoder accepts what the schema accepts: required
properties are required, ``type: [X, "null"]`` admits null,
``minimum``/``maximum`` and length limits become ``Meta`` constraints, and an
``anyOf`` of an enum with a plain string (an open enum) is any string. Unknown
properties are ignored, as JSON Schema allows them. A keyword this translation does
not know stops generation, so a change to the spec can never make the decoders
silently laxer than the spec; tests/test_reading.py checks the result against the
schemas with generated documents.
"""

from __future__ import annotations

import difflib
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import yaml

ROOT = Path(__file__).resolve().parent.parent
SPEC = ROOT / "openapi.yaml"
TARGET = ROOT / "wrapper" / "onedata_workflows" / "_wire.py"
HTTP_METHODS = {"get", "put", "post", "delete", "patch", "head", "options", "trace"}
# Keywords that describe but never constrain a value (``format`` is an annotation
# in OpenAPI 3.1's JSON Schema dialect unless a validator opts in).
ANNOTATIONS = {"description", "example", "examples", "title", "format", "deprecated"}

HEADER = '''\
# Generated from openapi.yaml by tools/wire.py; do not edit.
"""The bodies of the API's success answers as the client decodes them, one struct per schema.

Each struct accepts what its schema in openapi.yaml accepts (see tools/wire.py);
``_calls`` decodes answers into them and ``_models`` builds the public views.
Instances hold decoded JSON only, which cannot form reference cycles, so the
garbage collector does not track them.
"""

from typing import Annotated

from msgspec import UNSET, Meta, Struct, UnsetType, field
'''


class Unsupported(Exception):
    """A construct of the spec that the translation does not know."""


def snake(name: str) -> str:
    return re.sub(r"(?<=[a-z0-9])([A-Z])", r"_\1", name).lower()


class Translator:
    """Turns the schemas that success answers carry into struct definitions."""

    def __init__(self, spec: dict[str, Any]) -> None:
        self.spec = spec
        self.classes: dict[str, str] = {}  # schema name -> class source, in dependency order
        self._pending: set[str] = set()

    def resolve(self, ref: str) -> tuple[str, dict[str, Any]]:
        if not ref.startswith("#/components/schemas/"):
            raise Unsupported(f"reference {ref}")
        name = ref.rpartition("/")[2]
        schema: dict[str, Any] = self.spec["components"]["schemas"][name]
        return name, schema

    def response_schemas(self) -> list[str]:
        """Names of the schemas of every 2xx JSON answer, in the order the spec gives them."""
        names: list[str] = []
        for item in self.spec["paths"].values():
            for method, operation in item.items():
                if method not in HTTP_METHODS:
                    continue
                for status, response in operation["responses"].items():
                    if not str(status).startswith("2"):
                        continue
                    schema = response.get("content", {}).get("application/json", {}).get("schema")
                    if schema is None:
                        continue
                    if "$ref" not in schema:
                        raise Unsupported(f"{operation['operationId']}: an inline answer schema")
                    name, _ = self.resolve(schema["$ref"])
                    if name not in names:
                        names.append(name)
        return names

    def struct(self, name: str, schema: dict[str, Any], where: str) -> str:
        """The class for object schema ``name``, defined (with its dependencies) once."""
        if name in self.classes:
            return name
        if name in self._pending:
            raise Unsupported(f"{where}: {name} refers to itself")
        self._pending.add(name)
        self.check_keywords(
            schema, {"type", "properties", "required", "additionalProperties"}, where
        )
        if schema.get("type") != "object":
            raise Unsupported(f"{where}: {name} is not an object")
        additional = schema.get("additionalProperties", True)
        if additional not in (True, False):
            raise Unsupported(f"{where}: {name} has both properties and additionalProperties")
        required = schema.get("required", [])
        properties: dict[str, Any] = schema["properties"]
        missing = set(required) - properties.keys()
        if missing:
            raise Unsupported(f"{where}: {name} requires undeclared {sorted(missing)}")
        lines = []
        for wire_name, prop in properties.items():
            annotation, nullable = self.annotation(prop, f"{where}.{wire_name}")
            if wire_name in required:
                default = ""
            elif nullable:
                default = "default=None, "
            else:
                annotation, default = f"{annotation} | UnsetType", "default=UNSET, "
            lines.append(
                f"    {snake(wire_name)}: {annotation} = field({default}name={wire_name!r})"
            )
        options = "frozen=True, kw_only=True, gc=False"
        if additional is False:
            options += ", forbid_unknown_fields=True"
        summary = " ".join(schema.get("description", name).split())
        summary = summary.split(". ")[0].rstrip(".") + "."
        self.classes[name] = (
            f'class {name}(Struct, {options}):\n    """{summary}"""\n\n' + "\n".join(lines) + "\n"
        )
        self._pending.discard(name)
        return name

    def alias(self, name: str, schema: dict[str, Any], where: str) -> str:
        """A name for array schema ``name`` (an answer that is a list), defined once."""
        if name not in self.classes:
            annotation = self.plain(schema, "array", where)
            summary = " ".join(schema.get("description", name).split())
            summary = summary.split(". ")[0].rstrip(".") + "."
            self.classes[name] = f'{name} = {annotation}\n"""{summary}"""\n'
        return name

    def annotation(self, schema: dict[str, Any], where: str) -> tuple[str, bool]:
        """(the type that decodes what ``schema`` accepts, whether it admits null)."""
        if "$ref" in schema:
            self.check_keywords(schema, {"$ref"}, where)
            name, target = self.resolve(schema["$ref"])
            if target.get("type") == "object" and "properties" in target:
                return self.struct(name, target, f"{where}->{name}"), False
            return self.annotation(target, f"{where}->{name}")
        for combinator in ("anyOf", "oneOf"):
            if combinator in schema:
                self.check_keywords(schema, {combinator}, where)
                return self.alternatives(schema[combinator], f"{where}.{combinator}")
        types = schema.get("type")
        if isinstance(types, list):
            nullable = "null" in types
            rest = [t for t in types if t != "null"]
            if len(rest) != 1:
                raise Unsupported(f"{where}: type {types}")
            inner, _ = self.annotation({**schema, "type": rest[0]}, where)
            return f"{inner} | None", nullable
        if types == "null":
            self.check_keywords(schema, {"type"}, where)
            return "None", True
        return self.plain(schema, types, where), False

    def alternatives(self, options: list[dict[str, Any]], where: str) -> tuple[str, bool]:
        """An open enum (an enum or any string: any string), or X-or-null."""
        translated = [self.annotation(option, where) for option in options]
        kinds = [annotation for annotation, _ in translated]
        if "str" in kinds and all(k == "str" or k.startswith("Literal[") for k in kinds):
            return "str", False
        non_null = [k for k in kinds if k != "None"]
        if len(non_null) == 1 and len(kinds) == 2:
            return f"{non_null[0]} | None", True
        raise Unsupported(f"{where}: alternatives {kinds}")

    def plain(self, schema: dict[str, Any], kind: Any, where: str) -> str:
        if "enum" in schema:
            self.check_keywords(schema, {"type", "enum"}, where)
            if kind != "string" or not all(isinstance(v, str) for v in schema["enum"]):
                raise Unsupported(f"{where}: an enum that is not of strings")
            return f"Literal[{', '.join(repr(v) for v in schema['enum'])}]"
        limits = {
            "string": {"minLength": "min_length", "maxLength": "max_length", "pattern": "pattern"},
            "integer": {
                "minimum": "ge",
                "maximum": "le",
                "exclusiveMinimum": "gt",
                "exclusiveMaximum": "lt",
            },
            "boolean": {},
            "array": {"minItems": "min_length", "maxItems": "max_length"},
        }
        if kind == "object":
            self.check_keywords(schema, {"type", "additionalProperties"}, where)
            values = schema.get("additionalProperties", True)
            if values is True:
                return "dict[str, object]"
            if values is False:
                raise Unsupported(f"{where}: an object that admits no property")
            inner, _ = self.annotation(values, f"{where}.*")
            return f"dict[str, {inner}]"
        if kind not in limits:
            raise Unsupported(f"{where}: type {kind!r}")
        structure = {"items"} if kind == "array" else set()
        self.check_keywords(schema, {"type", *structure, *limits[kind]}, where)
        if kind == "array":
            item, _ = self.annotation(schema["items"], f"{where}[]")
            base = f"tuple[{item}, ...]"
        else:
            base = {"string": "str", "integer": "int", "boolean": "bool"}[kind]
        constraints = [
            f"{keyword}={schema[name]!r}"
            for name, keyword in limits[kind].items()
            if name in schema
        ]
        return f"Annotated[{base}, Meta({', '.join(constraints)})]" if constraints else base

    @staticmethod
    def check_keywords(schema: dict[str, Any], known: set[str], where: str) -> None:
        unknown = set(schema) - known - ANNOTATIONS
        if unknown:
            raise Unsupported(f"{where}: keyword {', '.join(sorted(unknown))}")


def source() -> str:
    """The text of _wire.py for the spec as it is now, formatted by the pinned ruff."""
    spec = yaml.safe_load(SPEC.read_text())
    translator = Translator(spec)
    try:
        for name in translator.response_schemas():
            _, schema = translator.resolve(f"#/components/schemas/{name}")
            if schema.get("type") == "array":
                translator.alias(name, schema, name)
            else:
                translator.struct(name, schema, name)
    except Unsupported as problem:
        sys.exit(f"wire: openapi.yaml uses what tools/wire.py cannot translate: {problem}")
    body = "\n\n".join(translator.classes.values())
    text = HEADER + "\n\n" + body
    if "Literal[" in text:
        text = text.replace("from typing import Annotated", "from typing import Annotated, Literal")
    return formatted(text)


def formatted(text: str) -> str:
    """``text`` as the pinned ruff leaves the package: unused imports pruned, formatted."""
    ruff = str(Path(sys.executable).parent / "ruff")
    for command in (
        [ruff, "check", "--fix-only", "--select", "I,F401", "--exit-zero"],
        [ruff, "format"],
    ):
        result = subprocess.run(
            [*command, "--stdin-filename", str(TARGET), "-"],
            input=text,
            capture_output=True,
            text=True,
            cwd=ROOT,
            check=False,
        )
        if result.returncode != 0:
            sys.exit(f"wire: {' '.join(command[1:])} failed:\n{result.stderr}")
        text = result.stdout
    return text


def main(argv: list[str]) -> int:
    if argv not in (["generate"], ["check"]):
        sys.stderr.write(__doc__ or "")
        return 2
    wanted = source()
    shown = TARGET.relative_to(ROOT)
    if argv == ["generate"]:
        TARGET.write_text(wanted)
        print(f"wrote {shown}")
        return 0
    actual = TARGET.read_text() if TARGET.exists() else ""
    if actual == wanted:
        print(f"{shown} matches openapi.yaml")
        return 0
    sys.stdout.writelines(
        difflib.unified_diff(
            actual.splitlines(keepends=True),
            wanted.splitlines(keepends=True),
            f"committed/{shown}",
            f"regenerated/{shown}",
        )
    )
    print(f"\n{shown} does not match openapi.yaml: run `make generate`.")
    return 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
