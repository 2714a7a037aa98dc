"""MkDocs hook: the configuration reference, the error-code table and the endpoint list, generated
from the code.

A page holds `<!-- generated: settings -->`, `<!-- generated: error-codes -->` or
`<!-- generated: endpoints -->`; the build puts the table in its place, so the site never describes
a setting, a code or an endpoint that the code no longer has.
"""

import ast
import io
import json
import sys
import tempfile
import tokenize
from functools import cache
from pathlib import Path

from mkdocs.structure.files import File

ROOT = Path(__file__).resolve().parents[1]
CONFIG = ROOT / "registry" / "config.py"
SETTINGS_MARK = "<!-- generated: settings -->"
ERRORS_MARK = "<!-- generated: error-codes -->"
ENDPOINTS_MARK = "<!-- generated: endpoints -->"
HTTP_METHODS = ("get", "post", "put", "patch", "delete")


def _comments(source: str) -> dict[int, str]:
    """Line number → the text of the comment on that line."""
    tokens = tokenize.generate_tokens(io.StringIO(source).readline)
    return {tok.start[0]: tok.string.lstrip("#").strip() for tok in tokens if tok.type == tokenize.COMMENT}


def _comment_above(source: str, comments: dict[int, str], lineno: int) -> str:
    """The block of comment lines right above a line (a field with no comment of its own)."""
    lines, above = source.splitlines(), []
    while lineno - 1 in comments and lines[lineno - 2].lstrip().startswith("#"):
        lineno -= 1
        above.insert(0, comments[lineno])
    return " ".join(above)


def _default(source: str, value: ast.expr) -> str:
    """The default as written; for `field(default_factory=lambda: ...)` the lambda's body."""
    if isinstance(value, ast.Call) and value.keywords and isinstance(value.keywords[0].value, ast.Lambda):
        value = value.keywords[0].value.body
    return ast.get_source_segment(source, value)


def settings() -> list[dict]:
    """Every field of `Config`: name, default as written, and its comment: the one on its line, else
    the comment lines right above it (a comment above a field that has its own heads a group)."""
    source = CONFIG.read_text(encoding="utf-8")
    comments = _comments(source)
    config = next(node for node in ast.parse(source).body if isinstance(node, ast.ClassDef) and node.name == "Config")
    rows = []
    for node in config.body:
        if not isinstance(node, ast.AnnAssign):
            continue
        rows.append({"name": f"REGISTRY_{node.target.id}", "default": _default(source, node.value),
                     "description": comments.get(node.lineno) or _comment_above(source, comments, node.lineno)})
    return rows


def _cell(text: str) -> str:
    """Text safe in a Markdown table cell: a comment's `<year>` is text, not an HTML tag."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("|", "\\|")


def settings_table() -> str:
    lines = ["| variable | default in code | meaning |", "|---|---|---|"]
    for row in settings():
        default = row["default"].replace("|", "\\|")  # in a code span: no entities
        lines.append(f"| `{row['name']}` | `{default}` | {_cell(row['description'])} |")
    return "\n".join(lines)


def _string(node) -> str | None:
    return node.value if isinstance(node, ast.Constant) and isinstance(node.value, str) else None


def _codes_in(tree: ast.AST):
    """(code, English message or '') for each error made or declared in one module."""
    for node in ast.walk(tree):
        if isinstance(node, ast.ClassDef):
            for item in node.body:
                if (isinstance(item, ast.Assign) and len(item.targets) == 1
                        and getattr(item.targets[0], "id", None) == "code" and _string(item.value)):
                    yield _string(item.value), ""
        elif isinstance(node, ast.Call):
            keywords = {kw.arg: kw.value for kw in node.keywords if kw.arg}
            english = _string(keywords.get("message_en")) or ""
            if _string(keywords.get("code")):
                yield _string(keywords["code"]), english
            name = getattr(node.func, "id", getattr(node.func, "attr", ""))
            if name == "FieldError" and len(node.args) >= 2 and _string(node.args[1]):
                yield _string(node.args[1]), english


def error_codes() -> dict[str, dict]:
    """Every stable error code the package can answer with → an English message and its modules."""
    codes: dict[str, dict] = {}
    for path in sorted((ROOT / "registry").rglob("*.py")):
        module = path.relative_to(ROOT).with_suffix("").as_posix().replace("/", ".")
        for code, english in _codes_in(ast.parse(path.read_text(encoding="utf-8"))):
            entry = codes.setdefault(code, {"message": "", "modules": set()})
            entry["message"] = entry["message"] or english
            entry["modules"].add(module)
    return dict(sorted(codes.items()))


def error_codes_table() -> str:
    lines = ["| code | for example | raised in |", "|---|---|---|"]
    for code, entry in error_codes().items():
        modules = ", ".join(f"`{module}`" for module in sorted(entry["modules"]))
        lines.append(f"| `{code}` | {_cell(entry['message'])} | {modules} |")
    return "\n".join(lines)


@cache
def openapi() -> dict:
    """The API's OpenAPI description, as the app serves it at /api/v1/openapi.json (an app on a
    throw-away instance folder: describing the API reads no database)."""
    sys.path.insert(0, str(ROOT))
    from registry import create_app

    with tempfile.TemporaryDirectory() as instance:
        app = create_app(overrides={"INSTANCE_DIR": instance})
        return app.test_client().get("/api/v1/openapi.json").get_json()


def endpoints_table() -> str:
    """One table per tag: method, path and the operation's summary."""
    by_tag: dict[str, list[str]] = {}
    for path, operations in openapi()["paths"].items():
        for method in HTTP_METHODS:
            if method in operations:
                operation = operations[method]
                row = f"| `{method.upper()}` | `{path}` | {_cell(operation.get('summary', ''))} |"
                by_tag.setdefault((operation.get("tags") or ["other"])[0], []).append(row)
    sections = [f"## {tag}\n\n| method | path | what it does |\n|---|---|---|\n" + "\n".join(rows)
                for tag, rows in by_tag.items()]
    return "\n\n".join(sections)


def on_files(files, config, **kwargs):
    """The whole description as a file of the site beside the endpoints page, for client generators."""
    content = json.dumps(openapi(), ensure_ascii=False, indent=2)
    files.append(File.generated(config, "api/openapi.json", content=content))
    return files


def on_page_markdown(markdown: str, **kwargs) -> str:
    if SETTINGS_MARK in markdown:
        markdown = markdown.replace(SETTINGS_MARK, settings_table())
    if ERRORS_MARK in markdown:
        markdown = markdown.replace(ERRORS_MARK, error_codes_table())
    if ENDPOINTS_MARK in markdown:
        markdown = markdown.replace(ENDPOINTS_MARK, endpoints_table())
    return markdown
