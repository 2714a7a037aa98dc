"""What an API refusal must say: its exact status, problem+json and the stable code a client acts on."""


def assert_problem(response, status: int, code: str) -> dict:
    """Assert that `response` refuses with `status` and error `code` (problem+json); returns the problem."""
    body = response.get_json(silent=True) or {}
    assert (response.status_code, body.get("code")) == (status, code), response.get_data(as_text=True)[:500]
    assert response.mimetype == "application/problem+json"
    return body
