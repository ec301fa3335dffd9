"""Times Python's itsdangerous on the benchmark's inputs, for the `itsdangerous` family.

Reads one JSON object on stdin:
  {"secret", "salt", "digest": "sha1"|"sha256", "payload", "token", "maxAge",
   "repeatSeconds", "repeats", "cpu": optional bool, time CPU rather than wall}
and prints one JSON object: per-call nanoseconds for each repeat of `loads` (with max_age)
and `dumps`, plus the versions. The token was made by the TypeScript port; loading it here
first checks that every contender gets the same, valid input.
"""

import hashlib
import json
import sys
import time
import timeit
from importlib.metadata import version

from itsdangerous import URLSafeTimedSerializer


def per_call_ns(function, repeat_seconds, repeats, cpu):
    # With "cpu": CPU time of this process (time.process_time), as the Node side measures,
    # so waiting for a core on a loaded machine does not count; else wall time (timeit's default).
    timer = timeit.Timer(function, timer=time.process_time) if cpu else timeit.Timer(function)
    # Calibrate like timeit.autorange, to about repeat_seconds per repeat.
    number = 1
    while True:
        elapsed = timer.timeit(number)
        if elapsed >= repeat_seconds / 4:
            break
        number *= 2
    number = max(1, int(number * repeat_seconds / max(elapsed, 1e-9)))
    timer.timeit(number)  # warm-up at the final size
    return number, [total / number * 1e9 for total in timer.repeat(repeat=repeats, number=number)]


def main():
    spec = json.load(sys.stdin)
    digest = {"sha1": hashlib.sha1, "sha256": hashlib.sha256}[spec["digest"]]
    serializer = URLSafeTimedSerializer(
        spec["secret"], salt=spec["salt"], signer_kwargs={"digest_method": digest}
    )
    token = spec["token"]
    payload = spec["payload"]
    max_age = spec["maxAge"]
    if serializer.loads(token, max_age=max_age) != payload:
        raise SystemExit("the token does not carry the payload")
    sizes = (spec["repeatSeconds"], spec["repeats"], spec.get("cpu", False))
    loads_number, loads = per_call_ns(lambda: serializer.loads(token, max_age=max_age), *sizes)
    dumps_number, dumps = per_call_ns(lambda: serializer.dumps(payload), *sizes)
    print(
        json.dumps(
            {
                "python": sys.version.split()[0],
                "itsdangerous": version("itsdangerous"),
                "loads": loads,
                "loadsNumber": loads_number,
                "dumps": dumps,
                "dumpsNumber": dumps_number,
                "tokenBytes": len(token),
            }
        )
    )


if __name__ == "__main__":
    main()
