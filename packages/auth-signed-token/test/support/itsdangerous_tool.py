"""Python itsdangerous on the other side of the interop tests (and a client example).

Reads one JSON request on stdin, writes one JSON answer on stdout:
  {"op": "dumps", "secrets": [...], "salt": "...", "digest": "sha1", "payload": {...},
   "timestamp": 1700000000 (optional; default: now)}
      -> {"token": "..."}
  {"op": "loads", "secrets": [...], "salt": "...", "digest": "sha1", "token": "...",
   "max_age": 3600}
      -> {"ok": true, "payload": {...}, "signed_at": 1700000000}
       | {"ok": false, "error": "BadSignature", "message": "..."}
"""

import hashlib
import json
import sys

from itsdangerous import BadData, TimestampSigner, URLSafeTimedSerializer


def serializer(request):
    digest = getattr(hashlib, request["digest"])
    kwargs = {"digest_method": digest}
    timestamp = request.get("timestamp")
    if timestamp is not None:
        # A signer whose clock reads the given second (for tokens "from the future" or "old").
        class FixedClockSigner(TimestampSigner):
            def get_timestamp(self):
                return int(timestamp)

        return URLSafeTimedSerializer(
            request["secrets"], salt=request["salt"], signer=FixedClockSigner, signer_kwargs=kwargs
        )
    return URLSafeTimedSerializer(request["secrets"], salt=request["salt"], signer_kwargs=kwargs)


def main():
    request = json.load(sys.stdin)
    s = serializer(request)
    if request["op"] == "dumps":
        json.dump({"token": s.dumps(request["payload"])}, sys.stdout)
        return
    try:
        payload, signed_at = s.loads(request["token"], max_age=request["max_age"], return_timestamp=True)
    except BadData as error:
        json.dump({"ok": False, "error": type(error).__name__, "message": str(error)}, sys.stdout)
        return
    json.dump({"ok": True, "payload": payload, "signed_at": int(signed_at.timestamp())}, sys.stdout)


if __name__ == "__main__":
    main()
