"""The docs site's generated references: every setting described, every error code listed."""

import importlib.util
import re
from dataclasses import fields
from pathlib import Path

from registry.config import Config

ROOT = Path(__file__).parents[2]


def _hooks():
    spec = importlib.util.spec_from_file_location("docs_hooks", ROOT / "docs" / "hooks.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


hooks = _hooks()


def test_every_setting_is_in_the_reference_with_a_description():
    described = {row["name"]: row["description"] for row in hooks.settings()}
    assert set(described) == {f"REGISTRY_{f.name}" for f in fields(Config)}
    assert [name for name, text in described.items() if not text] == []


def test_the_reference_shows_each_default_as_the_code_writes_it():
    table = hooks.settings_table()
    assert '| `REGISTRY_SEARCH_URL` | `"builtin"` | or http(s)://host:9200' in table
    assert '| `REGISTRY_REPAIR_UPLOAD_MAX_BYTES` | `10 * 1024 * 1024` |' in table


# Found another way than the hook does: by pattern over the text, not through the syntax tree.
_CODE = re.compile(r'''\bcode\s*=\s*"([a-z][a-z0-9_]*)"|FieldError\(\s*"[^"]*",\s*"([a-z][a-z0-9_]*)"''')


def test_every_error_code_in_the_code_is_in_the_table():
    found = {code for path in (ROOT / "registry").rglob("*.py")
             for match in _CODE.finditer(path.read_text(encoding="utf-8")) for code in match.groups() if code}
    table = hooks.error_codes_table()
    assert len(found) > 50
    assert [code for code in sorted(found) if f"| `{code}` |" not in table] == []


def test_the_pages_hold_the_markers_the_hook_fills():
    assert hooks.SETTINGS_MARK in (ROOT / "docs" / "operators" / "configuration.md").read_text(encoding="utf-8")
    assert hooks.ERRORS_MARK in (ROOT / "docs" / "api" / "errors.md").read_text(encoding="utf-8")


def test_the_endpoint_list_names_every_api_route_the_app_serves(tmp_path):
    from registry import create_app

    routes = {(method, re.sub(r"<(?:[^:>]+:)?(\w+)>", r"{\1}", rule.rule))
              for rule in create_app(overrides={"INSTANCE_DIR": str(tmp_path)}).url_map.iter_rules()
              if rule.rule.startswith("/api/v1/") and not rule.rule.startswith(("/api/v1/openapi", "/api/v1/docs"))
              for method in rule.methods - {"HEAD", "OPTIONS"}}
    table = hooks.endpoints_table()
    assert len(routes) > 25
    assert sorted(f"{method} {path}" for method, path in routes if f"| `{method}` | `{path}` |" not in table) == []
