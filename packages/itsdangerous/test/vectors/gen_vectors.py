#!/usr/bin/env python3
"""Regenerates vectors.json: every expected output computed by Python's itsdangerous.

    python3 gen_vectors.py > vectors.json           # in this folder
    python3 gen_vectors.py --cases OTHER.json > out.json

What this script does and does not do (see README.md): the *cases* — constructor arguments,
inputs (including the hand-tampered tokens), clocks, max_age, descriptions and tags — are read
from the committed vectors.json (or --cases); every *result* — `expected`, `expected_dec`,
`expected_timestamp(_iso)`, `error` and `debug` — is recomputed here by the installed
itsdangerous, and `meta` describes the run (library, Python and zlib versions). So running it
over the committed file proves each expectation is what the reference implementation says,
and a new case is added by appending its inputs and running this. Deterministic: the clock is
fixed per case through TimestampSigner.get_timestamp (the library's timestamp hook); nothing
is random. Output: json.dumps(indent=1, ensure_ascii=False), no trailing newline, keys in the
case's own order (a result that was absent goes last).
"""

from __future__ import annotations

import argparse
import datetime
import hashlib
import json
import platform
import sys
import warnings
import zlib
from importlib.metadata import version
from pathlib import Path
from typing import Any

import itsdangerous
from itsdangerous import encoding
from itsdangerous.exc import BadData, BadPayload, BadTimeSignature
from itsdangerous.serializer import Serializer
from itsdangerous.signer import HMACAlgorithm, NoneAlgorithm, Signer
from itsdangerous.timed import TimedSerializer, TimestampSigner
from itsdangerous.url_safe import URLSafeSerializer, URLSafeSerializerMixin, URLSafeTimedSerializer

DEFAULT_NOW = 1308874145
RESULT_KEYS = ("expected", "expected_dec", "expected_timestamp", "expected_timestamp_iso", "error", "debug")
MAX_SAFE_INTEGER = 2**53 - 1

# The clock every timed object reads; set per case before it runs.
CLOCK = {"now": DEFAULT_NOW}


class FixedClockTimestampSigner(TimestampSigner):
    """TimestampSigner reading the case's clock (the library's hook for the current time)."""

    def get_timestamp(self) -> int:
        return CLOCK["now"]


# ---------------------------------------------------------------------------------------------
# The bytes convention: a UTF-8 string, or {"hex": ...} for bytes that are not valid UTF-8.


def to_bytes(value: Any) -> bytes:
    if isinstance(value, dict):
        return bytes.fromhex(value["hex"])
    return value.encode("utf-8")


def from_bytes(value: bytes) -> Any:
    try:
        return value.decode("utf-8")
    except UnicodeDecodeError:
        return {"hex": value.hex()}


def key_arg(value: Any) -> Any:
    """secret_key: bytes-typed, or a list of them (oldest first)."""
    if isinstance(value, list):
        return [to_bytes(item) for item in value]
    return to_bytes(value)


def iso(epoch: int) -> str:
    return datetime.datetime.fromtimestamp(epoch, tz=datetime.timezone.utc).isoformat()


# ---------------------------------------------------------------------------------------------
# Constructor arguments.


def signer_kwargs(args: dict[str, Any]) -> dict[str, Any]:
    """Signer keyword arguments (everything but secret_key), converted from the JSON form."""
    kwargs: dict[str, Any] = {}
    for name, value in args.items():
        if name in ("secret_key", "signer_kwargs", "fallback_signers"):
            continue
        if name in ("salt", "sep"):
            kwargs[name] = None if value is None else to_bytes(value)
        elif name == "digest_method":
            kwargs[name] = getattr(hashlib, value)
        elif name == "algorithm":
            kwargs[name] = NoneAlgorithm() if value == "none" else HMACAlgorithm(getattr(hashlib, value["hmac"]))
        else:  # key_derivation
            kwargs[name] = value
    return kwargs


SIGNERS = {"Signer": Signer, "TimestampSigner": FixedClockTimestampSigner}
SERIALIZERS = {
    "Serializer": Serializer,
    "URLSafeSerializer": URLSafeSerializer,
    "TimedSerializer": TimedSerializer,
    "URLSafeTimedSerializer": URLSafeTimedSerializer,
}
TIMED = {"TimestampSigner", "TimedSerializer", "URLSafeTimedSerializer"}


def construct(case: dict[str, Any]) -> Any:
    name = case["class"]
    args = case.get("args", {})
    secret_key = key_arg(args["secret_key"])
    if name in SIGNERS:
        return SIGNERS[name](secret_key, **signer_kwargs(args))
    kwargs: dict[str, Any] = {}
    if "salt" in args:
        kwargs["salt"] = None if args["salt"] is None else to_bytes(args["salt"])
    if "signer_kwargs" in args:
        kwargs["signer_kwargs"] = signer_kwargs(args["signer_kwargs"])
    if "fallback_signers" in args:
        kwargs["fallback_signers"] = [signer_kwargs(fallback) for fallback in args["fallback_signers"]]
    if name in TIMED:
        kwargs["signer"] = FixedClockTimestampSigner
    return SERIALIZERS[name](secret_key, **kwargs)


# ---------------------------------------------------------------------------------------------
# Errors.

ITSDANGEROUS_ERRORS = tuple(
    value for value in vars(itsdangerous.exc).values() if isinstance(value, type) and issubclass(value, BadData)
)


def describe_error(error: BaseException) -> dict[str, Any]:
    described: dict[str, Any] = {
        "class": type(error).__name__,
        "is_a": [cls.__name__ for cls in type(error).__mro__ if cls in ITSDANGEROUS_ERRORS],
        "message": str(error),
    }
    if isinstance(error, BadPayload):
        original = error.original_error
        described["original_error"] = None if original is None else type(original).__name__
    elif hasattr(error, "payload"):
        payload = error.payload
        described["payload"] = None if payload is None else from_bytes(payload)
    if isinstance(error, BadTimeSignature):
        date = error.date_signed
        if date is None:
            described["date_signed"] = None
        else:
            epoch = int(date.timestamp())
            described["date_signed"] = epoch
            described["date_signed_iso"] = iso(epoch)
    return described


# ---------------------------------------------------------------------------------------------
# Operations: each returns the case's results (a dict of RESULT_KEYS).


def signer_debug(signer: Signer, value: bytes) -> dict[str, Any]:
    if isinstance(signer, TimestampSigner):
        timestamp = encoding.base64_encode(encoding.int_to_bytes(signer.get_timestamp()))
        message = value + signer.sep + timestamp
    else:
        message = value
    key = signer.derive_key()
    return {
        "derived_key_hex": key.hex(),
        "signed_message": from_bytes(message),
        "raw_signature_hex": signer.algorithm.get_signature(key, message).hex(),
    }


def payload_debug(serializer: Serializer, value: Any, token: str) -> dict[str, Any]:
    text = serializer.serializer.dumps(value, **serializer.serializer_kwargs)
    if isinstance(text, bytes):
        text = text.decode("utf-8")
    debug: dict[str, Any] = {"payload_json": text}
    if isinstance(serializer, URLSafeSerializerMixin):
        debug["compressed"] = token.startswith(".")
    return debug


def timestamp_results(value: Any, stamp: datetime.datetime) -> dict[str, Any]:
    epoch = int(stamp.timestamp())
    return {"expected": value, "expected_timestamp": epoch, "expected_timestamp_iso": iso(epoch)}


def run_object_op(case: dict[str, Any]) -> dict[str, Any]:
    op = case["op"]
    obj = construct(case)
    if op == "construct":
        return {"expected": True}
    max_age = {"max_age": case["max_age"]} if "max_age" in case else {}
    salt = {"salt": None if case["salt"] is None else to_bytes(case["salt"])} if "salt" in case else {}
    if isinstance(obj, Signer):
        if op == "sign":
            value = to_bytes(case["input"])
            return {"expected": from_bytes(obj.sign(value)), "debug": signer_debug(obj, value)}
        if op == "unsign":
            if case.get("return_timestamp"):
                value, stamp = obj.unsign(to_bytes(case["input"]), return_timestamp=True, **max_age)
                return timestamp_results(from_bytes(value), stamp)
            return {"expected": from_bytes(obj.unsign(to_bytes(case["input"]), **max_age))}
        if op == "validate":
            return {"expected": obj.validate(to_bytes(case["input"]), **max_age)}
        if op == "verify_signature":
            return {"expected": obj.verify_signature(to_bytes(case["input"]["value"]), to_bytes(case["input"]["sig"]))}
        if op == "derive_key":
            if "secret_key_arg" in case:
                return {"expected": {"hex": obj.derive_key(key_arg(case["secret_key_arg"])).hex()}}
            return {"expected": {"hex": obj.derive_key().hex()}}
    else:
        if op == "dumps":
            token = obj.dumps(case["input"], **salt)
            if isinstance(token, bytes):
                token = token.decode("utf-8")
            return {"expected": token, "debug": payload_debug(obj, case["input"], token)}
        # A token is text, or {"hex": ...} for bytes that are not UTF-8.
        token_in = to_bytes(case["input"]) if isinstance(case["input"], dict) else case["input"]
        if op == "loads":
            if case.get("return_timestamp"):
                value, stamp = obj.loads(token_in, return_timestamp=True, **max_age, **salt)
                return timestamp_results(value, stamp)
            return {"expected": obj.loads(token_in, **max_age, **salt)}
        if op == "loads_unsafe":
            valid, value = obj.loads_unsafe(token_in, **max_age, **salt)
            return {"expected": [valid, value]}
    raise ValueError(f"{case['id']}: unknown op {op} for {case['class']}")


def run_encoding_op(case: dict[str, Any]) -> dict[str, Any]:
    op = case["op"]
    if op == "base64_encode":
        return {"expected": encoding.base64_encode(to_bytes(case["input"])).decode("ascii")}
    if op == "base64_decode":
        return {"expected": from_bytes(encoding.base64_decode(case["input"]))}
    if op == "int_to_bytes":
        return {"expected": {"hex": encoding.int_to_bytes(int(case["input_dec"])).hex()}}
    if op == "bytes_to_int":
        number = encoding.bytes_to_int(to_bytes(case["input"]))
        return {"expected": number if number <= MAX_SAFE_INTEGER else str(number), "expected_dec": str(number)}
    raise ValueError(f"{case['id']}: unknown op {op}")


def regenerate(case: dict[str, Any]) -> dict[str, Any]:
    CLOCK["now"] = case.get("now", DEFAULT_NOW)
    try:
        results = run_object_op(case) if "class" in case else run_encoding_op(case)
    except Exception as error:  # an expected failure is a result too
        results = {"error": describe_error(error)}
    # Keep the case's key order: results replace the old ones in place, new ones go last.
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


def library_version() -> str:
    """The imported itsdangerous's own version (a source checkout on PYTHONPATH included)."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        own = getattr(itsdangerous, "__version__", None)
    return own if isinstance(own, str) else version("itsdangerous")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--cases", default=str(Path(__file__).with_name("vectors.json")), help="file holding the cases")
    options = parser.parse_args()
    source = json.loads(Path(options.cases).read_text(encoding="utf-8"))
    vectors = [regenerate(case) for case in source["vectors"]]
    meta = dict(source["meta"])
    meta.update(
        {
            "generator": "gen_vectors.py",
            "library": "itsdangerous",
            "library_version": library_version(),
            "python": platform.python_version(),
            "zlib_runtime_version": zlib.ZLIB_RUNTIME_VERSION,
            "default_now": DEFAULT_NOW,
            "default_now_iso": iso(DEFAULT_NOW),
            "count": len(vectors),
        }
    )
    sys.stdout.write(json.dumps({"meta": meta, "vectors": vectors}, indent=1, ensure_ascii=False))


if __name__ == "__main__":
    main()
