#!/usr/bin/env python3
"""Publishes a model's predictions (with their features) and, later, their labels to Continuum.

What a team's own model service does to be monitored and evaluated by Continuum: a house-price
model (regression, one segment per city) predicts the price of houses put on sale, publishes each
prediction with its features to ct.predictions, and publishes the sale price once it is known to
ct.labels under the same eventId. Continuum's evaluator joins the two by eventId and reports the
model's live error per event-time window; the monitor watches the features for drift.

Run it from the repository root (see README.md beside this file):

    python examples/python-producer/producer.py --events 200

Environment: KAFKA_BROKERS (default 127.0.0.1:9092), SCHEMA_REGISTRY_URL (default
http://127.0.0.1:8081/apis/ccompat/v7, the registry's Confluent-compatible API), CT_TOPIC_PREDICTIONS
and CT_TOPIC_LABELS (defaults ct.predictions and ct.labels) — the same variables Continuum's
services read.
"""

import argparse
import json
import os
import random
import sys
import time
import uuid
from collections import Counter
from pathlib import Path

from confluent_kafka import Producer
from confluent_kafka.schema_registry import SchemaRegistryClient
from confluent_kafka.schema_registry.avro import AvroSerializer
from confluent_kafka.serialization import MessageField, SerializationContext, StringSerializer

# The exact schemas Continuum's services register: registering the same text again is a no-op,
# so the subjects' compatibility rules are never tested by this producer.
SCHEMAS = Path(__file__).resolve().parents[2] / "libs" / "events" / "schemas"

CITIES = {  # city -> price per square metre of the toy model, and what the market really pays
    "lyon": (4_800.0, 5_000.0),
    "nantes": (3_900.0, 3_800.0),
    "lille": (3_400.0, 3_500.0),
}


def producer_config(brokers: str) -> dict:
    return {
        "bootstrap.servers": brokers,
        # Continuum's evaluator joins ct.predictions with ct.labels partition by partition, so a
        # prediction and its label must land on the same partition whoever produced them.
        # Continuum's services (kafkajs) and Java clients choose it with murmur2(key); librdkafka's
        # default partitioner ("consistent_random", CRC32 of the key) picks another partition for
        # most keys, and a label from a Java or Node producer would then never meet its prediction.
        # "murmur2_random" is librdkafka's Java-compatible partitioner (random only for null keys).
        "partitioner": "murmur2_random",
        "enable.idempotence": True,
        "linger.ms": 20,
        # A record not delivered within 30 s fails (delivery callback) instead of waiting 5 min.
        "message.timeout.ms": 30_000,
        "client.id": "continuum-python-producer-example",
    }


def serializer(registry: SchemaRegistryClient, schema_file: str) -> AvroSerializer:
    schema = (SCHEMAS / schema_file).read_text()
    # Subjects follow the TopicNameStrategy, "<topic>-value" (the serializer's default).
    return AvroSerializer(registry, schema, lambda record, ctx: record, {"auto.register.schemas": True})


def house(rng: random.Random) -> dict:
    city = rng.choice(sorted(CITIES))
    return {
        "city": city,
        "sqm": round(rng.uniform(25, 180), 1),
        "rooms": float(rng.randint(1, 6)),
        "age": float(rng.randint(0, 80)),
    }


def predict(h: dict) -> float:
    """The 'model': price per square metre of the city, minus 0.3 % per year of age."""
    per_sqm, _ = CITIES[h["city"]]
    return round(h["sqm"] * per_sqm * (1 - 0.003 * h["age"]), 2)


def sale_price(h: dict, rng: random.Random) -> float:
    """What the house really sold for: the market's own price, some noise."""
    _, per_sqm = CITIES[h["city"]]
    return round(h["sqm"] * per_sqm * (1 - 0.0025 * h["age"]) * rng.uniform(0.9, 1.1), 2)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--events", type=int, default=200, help="houses to predict (default 200)")
    parser.add_argument("--model-id", default="house-prices-py", help="default house-prices-py")
    parser.add_argument("--model-version", default="1")
    parser.add_argument("--run-id", default=uuid.uuid4().hex[:8], help="eventId prefix (default: random)")
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()

    brokers = os.environ.get("KAFKA_BROKERS", "127.0.0.1:9092")
    registry_url = os.environ.get("SCHEMA_REGISTRY_URL", "http://127.0.0.1:8081/apis/ccompat/v7")
    predictions_topic = os.environ.get("CT_TOPIC_PREDICTIONS", "ct.predictions")
    labels_topic = os.environ.get("CT_TOPIC_LABELS", "ct.labels")

    # Without a timeout the client would wait forever for a registry that does not answer.
    registry = SchemaRegistryClient({"url": registry_url, "timeout": 30})
    prediction_value = serializer(registry, "predictions.avsc")
    label_value = serializer(registry, "labels.avsc")
    key = StringSerializer("utf_8")  # keys are the eventId, as UTF-8 text
    producer = Producer(producer_config(brokers))

    partitions: dict = {predictions_topic: Counter(), labels_topic: Counter()}
    failures: list = []

    def delivered(err, msg) -> None:
        if err is not None:
            failures.append(str(err))
        else:
            partitions[msg.topic()][msg.partition()] += 1

    def publish(topic: str, value_serializer: AvroSerializer, record: dict) -> None:
        producer.produce(
            topic,
            key=key(record["eventId"]),
            value=value_serializer(record, SerializationContext(topic, MessageField.VALUE)),
            on_delivery=delivered,
        )
        producer.poll(0)

    rng = random.Random(args.seed)
    houses = [house(rng) for _ in range(args.events)]
    now_ms = int(time.time() * 1000)
    # Event time: when each prediction was made (here one per second up to now), not when the
    # record happens to be sent. Continuum's windows, joins and drift checks all use it.
    start_ms = now_ms - args.events * 1000
    for i, h in enumerate(houses):
        publish(
            predictions_topic,
            prediction_value,
            {
                "eventId": f"{args.run_id}-{i}",
                "modelId": args.model_id,
                "modelVersion": args.model_version,
                "timestamp": start_ms + i * 1000,
                "entityId": f"house-{i}",
                "numeric": {"sqm": h["sqm"], "rooms": h["rooms"], "age": h["age"]},
                "categorical": {"city": h["city"]},
                "segments": {"city": h["city"]},
                "output": {"score": predict(h), "predictedClass": None, "classProbabilities": {}},
            },
        )
    remaining = producer.flush(60)
    print(f"published {args.events} predictions of {args.model_id} v{args.model_version} to {predictions_topic}")

    # Later — in real life days later — the houses are sold: the labels carry the same eventIds,
    # and their event time is when the truth became known.
    label_time = max(now_ms, int(time.time() * 1000))
    for i, h in enumerate(houses):
        publish(
            labels_topic,
            label_value,
            {
                "eventId": f"{args.run_id}-{i}",
                "modelId": args.model_id,
                "timestamp": label_time,
                "label": sale_price(h, rng),
            },
        )
    remaining += producer.flush(60)
    print(f"published {args.events} labels to {labels_topic}")

    summary = {
        "runId": args.run_id,
        "modelId": args.model_id,
        "events": args.events,
        "partitions": {topic: dict(sorted(counts.items())) for topic, counts in partitions.items()},
    }
    print(json.dumps(summary))
    if failures or remaining:
        print(f"{len(failures)} records failed, {remaining} undelivered: {failures[:3]}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
