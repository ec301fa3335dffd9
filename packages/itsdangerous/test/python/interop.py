"""Live interop driver for test/interop.test.ts.

Reads {"mode": "dumps" | "loads", "cases": [...]} as JSON on stdin and writes one JSON list
of results on stdout, one entry per case:

* dumps: {"token": str} (serializers) or {"token_hex": str} (signers), or {"error": str}
* loads: {"ok": bool, "detail": str}

A case: kind (class name), keys (hex list, oldest to newest), salt (hex, null = None,
absent = class default), sep, digest (hashlib name), key_derivation, now (frozen clock, epoch
seconds), and value (JSON) for serializers or payload_hex for signers; token for "loads".
"""

import hashlib
import json
import sys

import itsdangerous
from itsdangerous import (
    Serializer,
    Signer,
    TimedSerializer,
    TimestampSigner,
    URLSafeSerializer,
    URLSafeTimedSerializer,
)

SIGNERS = {"Signer": Signer, "TimestampSigner": TimestampSigner}
SERIALIZERS = {
    "Serializer": Serializer,
    "TimedSerializer": TimedSerializer,
    "URLSafeSerializer": URLSafeSerializer,
    "URLSafeTimedSerializer": URLSafeTimedSerializer,
}
TIMED = {"TimestampSigner", "TimedSerializer", "URLSafeTimedSerializer"}


def frozen_signer(now):
    class FrozenTimestampSigner(TimestampSigner):
        def get_timestamp(self):
            return now

    return FrozenTimestampSigner


def build(case):
    kind = case["kind"]
    keys = [bytes.fromhex(k) for k in case["keys"]]
    signer_kwargs = {
        "sep": case["sep"],
        "digest_method": getattr(hashlib, case["digest"]),
        "key_derivation": case["key_derivation"],
    }
    kwargs = {}
    if "salt" in case:
        kwargs["salt"] = None if case["salt"] is None else bytes.fromhex(case["salt"])
    if kind in SIGNERS:
        cls = frozen_signer(case["now"]) if kind in TIMED else Signer
        return cls(keys, **kwargs, **signer_kwargs)
    if kind in TIMED:
        kwargs["signer"] = frozen_signer(case["now"])
    return SERIALIZERS[kind](keys, **kwargs, signer_kwargs=signer_kwargs)


def dumps(case):
    obj = build(case)
    if case["kind"] in SIGNERS:
        return {"token_hex": obj.sign(bytes.fromhex(case["payload_hex"])).hex()}
    return {"token": obj.dumps(case["value"])}


def loads(case):
    obj = build(case)
    kind = case["kind"]
    if kind in SIGNERS:
        token = bytes.fromhex(case["token_hex"])
        expected = bytes.fromhex(case["payload_hex"])
        if kind in TIMED:
            value, ts = obj.unsign(token, max_age=0, return_timestamp=True)
            if int(ts.timestamp()) != case["now"]:
                return {"ok": False, "detail": f"timestamp {ts} != {case['now']}"}
        else:
            value = obj.unsign(token)
        return {"ok": value == expected, "detail": value.hex()}
    if kind in TIMED:
        value, ts = obj.loads(case["token"], max_age=0, return_timestamp=True)
        if int(ts.timestamp()) != case["now"]:
            return {"ok": False, "detail": f"timestamp {ts} != {case['now']}"}
    else:
        value = obj.loads(case["token"])
    return {"ok": value == case["value"], "detail": json.dumps(value)[:200]}


def main():
    request = json.load(sys.stdin)
    run = dumps if request["mode"] == "dumps" else loads
    results = []
    for case in request["cases"]:
        try:
            results.append(run(case))
        except Exception as e:  # report, per case, whatever went wrong
            results.append({"ok": False, "error": f"{type(e).__name__}: {e}"})
    json.dump({"version": itsdangerous.__version__, "results": results}, sys.stdout)


if __name__ == "__main__":
    main()
