"""Python peers of Continuum's consume benchmark, on the same topic in the same run.

  tools/python-env bench/peers/consume_peer.py <topic> <events>
  (with PYTHON_ENV_REQUIREMENTS=bench/peers/requirements.txt; bench/consume-throughput.ts runs it)

1. confluent-kafka (librdkafka) consuming the topic raw: the fetch ceiling of that client.
2. confluent-kafka + fastavro decoding every record with its writer schema (from the registry by
   the Confluent header's id) and the per-feature work Continuum's consumers do in the benchmark
   (sums of the numeric features and the score, counts of the categorical ones), committing after
   every fetched batch as Continuum's runtime does.
3. whylogs profiling the same columns (20 numeric, 5 categorical, score) from a pandas DataFrame of
   the decoded records: the profiling alone, the DataFrame built beforehand.

Prints one JSON line per case: {"name", "eventsPerSec", "rssMiB", "note"}.
"""

import io
import json
import os
import resource
import sys
import time
import urllib.request
import uuid

import fastavro
from confluent_kafka import Consumer

TOPIC = sys.argv[1]
EVENTS = int(sys.argv[2])
BROKERS = os.environ.get("KAFKA_BROKERS", "127.0.0.1:9092")
REGISTRY = os.environ.get("SCHEMA_REGISTRY_URL", "http://127.0.0.1:8081/apis/ccompat/v7")
PROFILE_ROWS = int(os.environ.get("BENCH_PEER_PROFILE_ROWS", "50000"))


def rss_mib():
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def emit(name, events_per_sec, note=""):
    print(json.dumps({"name": name, "eventsPerSec": events_per_sec, "rssMiB": rss_mib(), "note": note}), flush=True)


def consumer():
    c = Consumer(
        {
            "bootstrap.servers": BROKERS,
            "group.id": f"bench-peer-{uuid.uuid4()}",
            "auto.offset.reset": "earliest",
            "enable.auto.commit": False,
        }
    )
    c.subscribe([TOPIC])
    return c


def consume(handle_batch):
    """Consumes EVENTS records; the clock starts at the first record, as in the Node benchmark."""
    c = consumer()
    seen = 0
    start = None
    try:
        while seen < EVENTS:
            batch = [m for m in c.consume(num_messages=10000, timeout=1.0) if m.error() is None]
            if not batch:
                continue
            if start is None:
                start = time.perf_counter()
            handle_batch(c, batch)
            seen += len(batch)
        return EVENTS / (time.perf_counter() - start)
    finally:
        c.close()


schemas = {}


def writer_schema(schema_id):
    schema = schemas.get(schema_id)
    if schema is None:
        with urllib.request.urlopen(f"{REGISTRY}/schemas/ids/{schema_id}", timeout=30) as response:
            schema = fastavro.parse_schema(json.loads(json.loads(response.read())["schema"]))
        schemas[schema_id] = schema
    return schema


def main():
    # 1. Raw.
    emit("Python confluent-kafka raw (librdkafka, no decode)", consume(lambda c, batch: None))

    # 2. fastavro + per-feature sums + commit per batch.
    sums = {}
    counts = {}
    kept = []

    def decode_and_sum(c, batch):
        for m in batch:
            value = m.value()
            schema = writer_schema(int.from_bytes(value[1:5], "big"))
            record = fastavro.schemaless_reader(io.BytesIO(value[5:]), schema)
            for name, x in record["numeric"].items():
                if x is not None:
                    sums[name] = sums.get(name, 0.0) + x
            for name, v in record["categorical"].items():
                if v is not None:
                    counts[name] = counts.get(name, 0) + 1
            score = record["output"]["score"]
            if score is not None:
                sums["score"] = sums.get("score", 0.0) + score
            if len(kept) < PROFILE_ROWS:
                kept.append(record)
        c.commit(asynchronous=False)

    emit("Python confluent-kafka + fastavro + per-feature sums + commit", consume(decode_and_sum))

    # 3. whylogs on the same columns.
    import pandas as pd
    import whylogs as why

    rows = []
    for r in kept:
        row = dict(r["numeric"])
        row.update(r["categorical"])
        row["score"] = r["output"]["score"]
        rows.append(row)
    frame = pd.DataFrame(rows)
    why.log(pandas=frame.head(1000))  # warm-up: imports and first-use costs out of the timing
    start = time.perf_counter()
    why.log(pandas=frame)
    seconds = time.perf_counter() - start
    emit(
        "whylogs 1.6.4 profile of the same columns (pandas batch, in memory)",
        len(frame) / seconds,
        f"{frame.shape[1]} columns, {len(frame) * frame.shape[1] / seconds / 1e6:.2f} M values/s",
    )


if __name__ == "__main__":
    main()
