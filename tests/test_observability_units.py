"""The pure parts of the operations features: ids, names, labels, the JSON log line."""

from __future__ import annotations

import json
import logging
import sys

import pytest

from gateway.server import request_id
from gateway.server.access_log import JsonFormatter
from gateway.server.metrics import OTHER, BoundedLabels
from gateway.server.observation import operation_name
from gateway.settings import Settings
from gateway.upstream.fetcher import endpoint_template


@pytest.mark.parametrize(
    ("given", "kept"),
    [
        ("abc-123", True),
        ("0f8fad5b-d9cb-469f-a165-70867728950e", True),
        ("x" * 128, True),
        ("x" * 129, False),
        ("", False),
        (None, False),
        ("a b", False),
        ("line\nbreak", False),
        ('{"json": 1}', False),
        ("<script>", False),
    ],
)
def test_request_id_keeps_only_sane_ids(given: str | None, kept: bool) -> None:
    made = request_id.request_id(given)
    assert (made == given) is kept
    if not kept:
        assert len(made) == 32 and int(made, 16) >= 0


def test_request_ids_are_fresh_each_time() -> None:
    assert request_id.request_id(None) != request_id.request_id(None)


@pytest.mark.parametrize(
    ("document", "given", "name"),
    [
        ("{ a }", None, None),
        ("query Foo { a }", None, "Foo"),
        ("query Foo { a }", "Given", "Given"),
        ("query { a }", None, None),
        ("query ($a: Int) { a }", None, None),
        ("# comment\n  mutation M { a }", None, "M"),
        (
            "fragment F on X @d(a: {b: 1}) { a { b } } query Bar($x: In = {c: 2}) { ...F }",
            None,
            "Bar",
        ),
        ("subscription S { a }", "", "S"),
        ("query", None, None),
        ('query "unterminated', None, None),
        (None, None, None),
        (42, 7, None),
    ],
)
def test_operation_name(document: object, given: object, name: str | None) -> None:
    assert operation_name(document, given) == name


def test_bounded_labels_admit_the_first_values_only() -> None:
    labels = BoundedLabels(2)
    assert [labels(v) for v in ("a", "b", "c", "a", "b", "d")] == ["a", "b", OTHER, "a", "b", OTHER]


def test_bounded_labels_refuse_what_the_pattern_does_not_match() -> None:
    import re

    labels = BoundedLabels(10, re.compile(r"[a-z]+"))
    assert labels("ok") == "ok"
    assert labels("Not OK!") == OTHER
    assert labels("x" * 5) == "xxxxx"


@pytest.mark.parametrize(
    ("path", "template"),
    [
        ("agencies/", "agencies/"),
        ("agencies/121/", "agencies/{id}/"),
        ("config/spacecraft/12/", "config/spacecraft/{id}/"),
        ("launches/0f8fad5b-d9cb-469f-a165-70867728950e/", "launches/{id}/"),
        ("api-throttle/", "api-throttle/"),
    ],
)
def test_endpoint_template(path: str, template: str) -> None:
    assert endpoint_template(path) == template


def _record(message: str, **extra: object) -> logging.LogRecord:
    record = logging.LogRecord("gateway.test", logging.WARNING, __file__, 1, message, (), None)
    record.__dict__.update(extra)
    return record


def test_json_lines_are_one_object_each_and_carry_the_request_id() -> None:
    formatter = JsonFormatter()
    token = request_id.use("rid-7")
    try:
        line = formatter.format(_record('said "hi"\nthen left', access={"status": 200}))
    finally:
        request_id.reset(token)
    assert "\n" not in line
    parsed = json.loads(line)
    assert parsed["message"] == 'said "hi"\nthen left'
    assert parsed["request_id"] == "rid-7"
    assert parsed["status"] == 200
    assert parsed["level"] == "WARNING" and parsed["logger"] == "gateway.test"
    assert parsed["time"].endswith("+00:00")
    assert "request_id" not in json.loads(formatter.format(_record("outside")))


def test_json_lines_hold_tracebacks_in_one_field() -> None:
    try:
        raise ValueError("boom")
    except ValueError:
        record = _record("failed")
        record.exc_info = sys.exc_info()
    parsed = json.loads(JsonFormatter().format(record))
    assert "ValueError: boom" in parsed["exception"]


def test_the_new_settings_are_checked() -> None:
    assert Settings().log_format == "text" and Settings().metrics and not Settings().otel
    assert Settings.from_env({"GATEWAY_LOG_FORMAT": "json"}).log_format == "json"
    assert Settings.from_env({"GATEWAY_OTEL": "true"}).otel
    with pytest.raises(ValueError, match="log_format"):
        Settings(log_format="xml")
    with pytest.raises(ValueError, match="metrics_operations"):
        Settings(metrics_operations=-1)
