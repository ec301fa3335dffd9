#!/usr/bin/env python3
"""Regenerates vectors-legacy-jws.json with itsdangerous 2.0.x, the last line with JWS.

    PYTHONPATH=/path/to/itsdangerous-2.0.1/src python3 gen_vectors_legacy_jws.py > vectors-legacy-jws.json

itsdangerous 2.1 removed JSONWebSignatureSerializer and TimedJSONWebSignatureSerializer, so
this needs 2.0.x: `pip install itsdangerous==2.0.1` in a virtualenv, or a checkout of the tag
(`git archive 2.0.1 src/itsdangerous`, commit 8f39dd3, pure Python; see README.md) on PYTHONPATH.

As gen_vectors.py: the *cases* (arguments, inputs — `via_signer` ones were forged with the
serializer's own signer —, clocks, descriptions, tags) are read from the committed file (or
--cases); every *result* (`expected`, `expected_header`, `error`, `debug`) is recomputed by
the library. `meta` keeps the committed conventions, `source_ref`/`source_commit` and the
`crosscheck` block (a replay against 1.1.0 this script does not redo), and describes this
run's library and Python. The clock is fixed per case through the timed serializer's `now()`
(its timestamp hook); nothing is random. Output as gen_vectors.py.
"""

from __future__ import annotations

import argparse
import datetime
import json
import platform
import sys
import warnings
from pathlib import Path
from typing import Any

import itsdangerous
from itsdangerous.encoding import base64_decode
from itsdangerous.exc import BadData, BadTimeSignature

try:
    from itsdangerous.jws import JSONWebSignatureSerializer, TimedJSONWebSignatureSerializer
except ImportError:  # 2.1 and later
    sys.exit("gen_vectors_legacy_jws.py needs itsdangerous < 2.1 (JWS was removed in 2.1); see README.md")

warnings.simplefilter("ignore", DeprecationWarning)

DEFAULT_NOW = 1308874145
RESULT_KEYS = ("expected", "expected_header", "error", "debug")
CLOCK = {"now": DEFAULT_NOW}


class FixedClockTimedJWS(TimedJSONWebSignatureSerializer):
    """The timed serializer reading the case's clock (its hook for the current time)."""

    def now(self) -> int:
        return CLOCK["now"]


def to_bytes(value: Any) -> bytes:
    if isinstance(value, dict):
        return bytes.fromhex(value["hex"])
    return value.encode("utf-8")


def from_bytes(value: bytes) -> Any:
    try:
        return value.decode("utf-8")
    except UnicodeDecodeError:
        return {"hex": value.hex()}


def text_or_bytes(value: Any) -> Any:
    """A salt or token: a JSON string as is, {"hex": ...} as bytes."""
    return to_bytes(value) if isinstance(value, dict) else value


def plain(value: Any) -> Any:
    """Tuples (payload, header) as lists, as JSON has them."""
    return json.loads(json.dumps(value))


def construct(case: dict[str, Any]) -> Any:
    args = case.get("args", {})
    secret_key = args["secret_key"]
    if isinstance(secret_key, list):
        secret_key = [text_or_bytes(key) for key in secret_key]
    else:
        secret_key = text_or_bytes(secret_key)
    kwargs: dict[str, Any] = {}
    if "salt" in args:
        kwargs["salt"] = None if args["salt"] is None else text_or_bytes(args["salt"])
    if "algorithm_name" in args:
        kwargs["algorithm_name"] = args["algorithm_name"]
    if case["class"] == "TimedJSONWebSignatureSerializer":
        if "expires_in" in args:
            kwargs["expires_in"] = args["expires_in"]
        return FixedClockTimedJWS(secret_key, **kwargs)
    return JSONWebSignatureSerializer(secret_key, **kwargs)


ITSDANGEROUS_ERRORS = tuple(
    value for value in vars(itsdangerous.exc).values() if isinstance(value, type) and issubclass(value, BadData)
)


def describe_error(error: BaseException) -> dict[str, Any]:
    described: dict[str, Any] = {
        "class": type(error).__name__,
        "is_a": [cls.__name__ for cls in type(error).__mro__ if cls in ITSDANGEROUS_ERRORS],
        "message": str(error),
    }
    if hasattr(error, "payload"):
        payload = error.payload
        if payload is None or isinstance(payload, bytes):
            described["payload"] = None if payload is None else from_bytes(payload)
        else:  # SignatureExpired and friends carry the decoded object
            described["payload_object"] = plain(payload)
    header = getattr(error, "header", None)
    if header is not None:
        described["header"] = plain(header)
    original = getattr(error, "original_error", None)
    if original is not None:
        described["original_error"] = type(original).__name__
    if isinstance(error, BadTimeSignature):
        date = error.date_signed
        described["date_signed"] = None if date is None else int(date.timestamp())
    return described


def run(case: dict[str, Any]) -> dict[str, Any]:
    obj = construct(case)
    op = case["op"]
    salt = {"salt": None if case["salt"] is None else text_or_bytes(case["salt"])} if "salt" in case else {}
    if op == "construct":
        return {"expected": True}
    if op == "dumps":
        header_fields = {"header_fields": case["header_fields"]} if "header_fields" in case else {}
        token = obj.dumps(case["input"], **salt, **header_fields)
        header_segment, payload_segment, _ = token.split(b".", 2)
        signer = obj.make_signer(salt.get("salt"), obj.algorithm)
        return {
            "expected": from_bytes(token),
            "debug": {
                "header_json": from_bytes(base64_decode(header_segment)),
                "payload_json": from_bytes(base64_decode(payload_segment)),
                "key_derivation": signer.key_derivation,
                "derived_key_hex": signer.derive_key().hex(),
            },
        }
    token = text_or_bytes(case["input"])
    if op == "loads":
        payload, header = obj.loads(token, return_header=True, **salt)
        return {"expected": plain(payload), "expected_header": plain(header)}
    if op == "loads_unsafe":
        return {"expected": plain(obj.loads_unsafe(token, return_header=case.get("return_header", False), **salt))}
    raise ValueError(f"{case['id']}: unknown op {op}")


def regenerate(case: dict[str, Any]) -> dict[str, Any]:
    CLOCK["now"] = case.get("now", DEFAULT_NOW)
    try:
        results = run(case)
    except Exception as error:  # an expected failure is a result too
        results = {"error": describe_error(error)}
    out: dict[str, Any] = {}
    for key, value in case.items():
        if key in RESULT_KEYS:
            if key in results:
                out[key] = results[key]
        else:
            out[key] = value
    for key, value in results.items():
        if key not in out:
            out[key] = value
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument(
        "--cases", default=str(Path(__file__).with_name("vectors-legacy-jws.json")), help="file holding the cases"
    )
    options = parser.parse_args()
    source = json.loads(Path(options.cases).read_text(encoding="utf-8"))
    vectors = [regenerate(case) for case in source["vectors"]]
    meta = dict(source["meta"])
    meta.update(
        {
            "generator": "gen_vectors_legacy_jws.py",
            "library": "itsdangerous (legacy JWS)",
            "library_version": itsdangerous.__version__,
            "python": platform.python_version(),
            "default_now": DEFAULT_NOW,
            "count": len(vectors),
        }
    )
    sys.stdout.write(json.dumps({"meta": meta, "vectors": vectors}, indent=1, ensure_ascii=False))


if __name__ == "__main__":
    main()
