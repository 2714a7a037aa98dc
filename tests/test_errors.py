"""Bilingual errors: messages are given by name only, and each language lands in its own problem+json field."""

import pytest
from flask import Flask

from registry.domain.errors import BilingualError
from registry.domain.penalty_types import InvalidPenaltyType
from registry.domain.severity import InvalidSeverity
from registry.domain.uscc import InvalidUSCC
from registry.errors import (
    PROBLEM_JSON,
    FieldError,
    NotFound,
    RegistryError,
    Unauthorized,
    ValidationFailed,
    register_error_handlers,
)
from registry.imports.readers import ImportFileError
from registry.repairs.rules import TransitionRefused

ZH, EN = "记录不存在", "no such record"


@pytest.mark.parametrize("error", [BilingualError, RegistryError, ValidationFailed, Unauthorized, ImportFileError,
                                   TransitionRefused])
def test_messages_given_by_position_are_refused(error):
    with pytest.raises(TypeError):
        error(EN, ZH)
    with pytest.raises(TypeError):
        error(ZH, EN, code="x")


def test_field_error_messages_given_by_position_are_refused():
    with pytest.raises(TypeError):
        FieldError("reason", "required", ZH, EN)
    error = FieldError("reason", "required", message_zh=ZH, message_en=EN, value="x", index=2)
    assert (error.message_zh, error.message_en, error.value, error.index) == (ZH, EN, "x", 2)


def test_the_english_message_is_the_text_and_the_class_code_the_default():
    error = NotFound(message_zh=ZH, message_en=EN)
    assert (str(error), error.message_zh, error.message_en, error.code) == (EN, ZH, EN, "not_found")
    assert NotFound(message_zh=ZH, message_en=EN, code="record_not_found").code == "record_not_found"
    assert BilingualError(message_zh=ZH, message_en=EN).code is None


@pytest.mark.parametrize("error", [
    RegistryError(message_zh=ZH, message_en=EN),
    ImportFileError(message_zh=ZH, message_en=EN, code="empty"),
    TransitionRefused(message_zh=ZH, message_en=EN, code="reason_required"),
    InvalidUSCC(message_zh=ZH, message_en=EN, code="uscc_length"),
    InvalidPenaltyType(message_zh=ZH, message_en=EN, code="penalty_types_empty"),
    InvalidSeverity("heavy"),
])
def test_every_error_people_read_is_bilingual(error):
    assert isinstance(error, BilingualError)
    assert error.message_zh and error.message_en and error.code and str(error) == error.message_en


@pytest.fixture
def raising_client():
    app = Flask(__name__)
    register_error_handlers(app)

    @app.get("/api/v1/things/<int:thing>")
    def thing(thing):
        name = FieldError("name", "required", message_zh="名称必填", message_en="name is required", index=thing)
        raise ValidationFailed(message_zh=f"第{thing}项有误", message_en=f"item {thing} is wrong", code="bad_thing",
                               errors=[name])

    return app.test_client()


def test_a_problem_carries_each_language_in_its_own_field(raising_client):
    response = raising_client.get("/api/v1/things/3")
    assert response.status_code == 422 and response.mimetype == PROBLEM_JSON
    body = response.json
    assert (body["code"], body["status"], body["title"]) == ("bad_thing", 422, "Validation failed")
    assert (body["message_zh"], body["message_en"]) == ("第3项有误", "item 3 is wrong")
    assert body["detail"] == "item 3 is wrong"
    assert body["errors"] == [{"field": "name", "code": "required", "message_zh": "名称必填",
                               "message_en": "name is required", "value": None, "index": 3}]
