"""The OpenAPI document names every answer each operation can give, with its body."""

from __future__ import annotations

from typing import Any

from conftest import client_for


def _document() -> dict[str, Any]:
    return client_for(None).get("/api/v1/openapi.json").json()


def _operations(document: dict[str, Any]) -> list[tuple[str, dict[str, Any]]]:
    return [(path, operation) for path, methods in document["paths"].items() for operation in methods.values()]


def test_every_operation_documents_refusals_and_invalid_parameters_with_their_bodies(db):
    document = _document()
    for path, operation in _operations(document):
        answers = operation["responses"]
        assert answers["400"]["content"]["application/json"]["schema"] == {"$ref": "#/components/schemas/Problem"}
        assert "text/plain" in answers["400"]["content"], path
        assert answers["422"]["content"]["application/json"]["schema"] == {"$ref": "#/components/schemas/Invalid"}
    invalid = document["components"]["schemas"]["Invalid"]
    assert invalid["properties"]["detail"]["type"] == "array"


def test_signed_in_operations_document_401_and_lookups_document_404(db):
    for path, operation in _operations(_document()):
        if operation.get("security"):
            assert "401" in operation["responses"], path
        if "{" in path:
            assert "404" in operation["responses"], path


def test_the_422_body_is_the_one_documented(db):
    response = client_for(None).get("/api/v1/register", {"page": "0", "region": "atlantis"})
    assert response.status_code == 422
    problems = response.json()["detail"]
    assert {tuple(p["loc"][:2]) for p in problems} == {("query", "page"), ("query", "region")}
    assert all(isinstance(p["msg"], str) and p["msg"] for p in problems)


def test_a_missing_thing_says_what_was_not_found_even_without_debug(db, settings):
    settings.DEBUG = False
    response = client_for(None).get("/api/v1/framework/versions/99")
    assert response.status_code == 404
    assert response.json() == {"detail": "No such framework version."}


def test_a_control_character_in_a_search_is_refused_with_422(db):
    response = client_for(None).get("/api/v1/events", {"q": "baby\x1bmassage"})
    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"] == ["query", "q"]
