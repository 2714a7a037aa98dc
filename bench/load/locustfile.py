"""The load test's traffic (locust, headless; bench/load.py runs it): the public searching and reading
entity pages (80%), verifying reports (10%), enterprises and banks on the API (5%) and a department
pushing records (5%). Names and entities are drawn from a Zipf distribution over the names of
LOAD_FIXTURE (bench/load/scenario.py), as public traffic is: a few very often, most rarely.

Users ramp in steps (LOAD_STEPS users, each step held LOAD_STEP_SECONDS) until a step's p99 passes
LOAD_STOP_P99_MS; each step's figures by class, measured after its first LOAD_SETTLE_SECONDS, are
written to LOAD_RESULT as JSON. Every public request comes from an address of its own
(X-Forwarded-For, the server trusting one proxy): the public is many people, not one client.
"""

import itertools
import json
import os
import random
import sys
import time
from pathlib import Path

from locust import FastHttpUser, LoadTestShape, between, events, task

sys.path.insert(0, str(Path(__file__).resolve().parent))
from scenario import penalty  # noqa: E402

FIXTURE = json.loads(open(os.environ["LOAD_FIXTURE"], encoding="utf-8").read())  # noqa: SIM115
STEPS = [int(users) for users in os.environ.get("LOAD_STEPS", "10,20,40,60,80,120,160,240,320").split(",")]
STEP_SECONDS = float(os.environ.get("LOAD_STEP_SECONDS", "30"))
SETTLE_SECONDS = float(os.environ.get("LOAD_SETTLE_SECONDS", "5"))
STOP_P99_MS = float(os.environ.get("LOAD_STOP_P99_MS", "500"))
# First a few users warm every server process (its first push loads pypinyin's dictionaries, seconds):
# answered and counted for errors, left out of the steps' figures.
WARMUP_SECONDS = float(os.environ.get("LOAD_WARMUP_SECONDS", "0"))
WARMUP_USERS = 4
ZIPF_EXPONENT = float(os.environ.get("LOAD_ZIPF", "1.0"))
THINK = between(0.0, float(os.environ.get("LOAD_THINK_SECONDS", "0.2")))

NAMES = FIXTURE["names"]
RANK_WEIGHTS = list(itertools.accumulate(1 / rank ** ZIPF_EXPONENT for rank in range(1, len(NAMES) + 1)))
DECISIONS = itertools.count(int(time.time() * 1000) % 10**9)


def popular() -> dict:
    """An entity (its name and code) by the Zipf distribution of its rank."""
    return random.choices(NAMES, cum_weights=RANK_WEIGHTS)[0]


def someone() -> dict:
    """A public visitor's address (the test's proxy passes it on)."""
    return {"X-Forwarded-For": f"10.{random.randint(0, 255)}.{random.randint(0, 255)}.{random.randint(1, 254)}"}


def keyed(key: str) -> dict:
    return {**someone(), "Authorization": f"Bearer {key}"}


class Visitor(FastHttpUser):
    """Every kind of visitor in the issue's proportions (the task weights are per cent)."""

    wait_time = THINK

    @task(10)
    def search_page(self):
        self.client.get("/", params={"q": popular()["name"]}, headers=someone(), name="search: page")

    @task(10)
    def search_api(self):
        self.client.get("/api/v1/search", params={"q": popular()["name"]}, headers=someone(), name="search: api")

    @task(40)
    def entity_page(self):
        self.client.get(f"/enterprises/{popular()['uscc']}", headers=someone(), name="entity: page")

    @task(10)
    def entity_api(self):
        self.client.get(f"/api/v1/enterprises/{popular()['uscc']}", headers=someone(), name="entity: api")

    @task(10)
    def entity_records_api(self):
        self.client.get(f"/api/v1/enterprises/{popular()['uscc']}/records", headers=someone(),
                        name="entity: records api")

    @task(10)
    def verify(self):
        report = random.choice(FIXTURE["reports"])
        self.client.get(f"/api/v1/reports/{report['number']}/verify", params={"code": report["code"]},
                        headers=someone(), name="verify: api")

    @task(2)
    def bank_reads(self):
        self.client.get(f"/api/v1/enterprises/{popular()['uscc']}/records", headers=keyed(FIXTURE["bank_key"]),
                        name="api: bank records")

    @task(2)
    def enterprise_reads(self):
        own = random.choice(FIXTURE["enterprises"])
        self.client.get(f"/api/v1/enterprises/{own['uscc']}/records", headers=keyed(own["key"]),
                        name="api: enterprise records")

    @task(1)
    def enterprise_report(self):
        own = random.choice(FIXTURE["enterprises"])
        self.client.post("/api/v1/reports", json={"uscc": own["uscc"]}, headers=keyed(own["key"]),
                         name="api: enterprise report")

    @task(5)
    def department_push(self):
        self.client.post("/api/v1/records", json=penalty(popular(), FIXTURE["department"], next(DECISIONS)),
                         headers=keyed(FIXTURE["department"]["key"]), name="push: record")


if os.environ.get("LOAD_MIX") == "healthz":  # the baseline: the server's own answer, no application work
    Visitor.tasks = [lambda user: user.client.get("/healthz", name="baseline: healthz")]


class Steps:
    """Each step's answers by class: latencies, and statuses counted."""

    def __init__(self):
        self.steps: list[dict] = []

    def start(self, users: int, warmup: bool = False) -> None:
        self.steps.append({"users": users, "started": time.monotonic(), "classes": {}, "warmup": warmup})

    def record(self, name: str, milliseconds: float, status: int) -> None:
        if not self.steps:
            return
        self.steps[-1]["answered"] = self.steps[-1].get("answered", 0) + 1  # the settling seconds too
        if time.monotonic() - self.steps[-1]["started"] < SETTLE_SECONDS:
            return
        figures = self.steps[-1]["classes"].setdefault(name.split(":")[0], {"ms": [], "statuses": {}})
        figures["ms"].append(milliseconds)
        figures["statuses"][str(status)] = figures["statuses"].get(str(status), 0) + 1

    def p99(self) -> float:
        latencies = sorted(ms for figures in self.steps[-1]["classes"].values() for ms in figures["ms"])
        return latencies[int(len(latencies) * 0.99)] if latencies else 0.0

    def close(self) -> None:
        if self.steps:
            self.steps[-1]["seconds"] = time.monotonic() - self.steps[-1]["started"] - SETTLE_SECONDS


STEPS_SEEN = Steps()


@events.request.add_listener
def _answered(name, response_time, response, exception, **_):
    status = getattr(response, "status_code", 0) or 0
    STEPS_SEEN.record(name, response_time, status if exception is None or status else 0)


@events.test_stop.add_listener
def _write(**_):
    STEPS_SEEN.close()
    with open(os.environ["LOAD_RESULT"], "w", encoding="utf-8") as out:
        json.dump(STEPS_SEEN.steps, out)


class RampUntilSlow(LoadTestShape):
    """The warm-up, then the steps' users one after another; stops after the step whose p99 passed
    the limit."""

    def tick(self):
        warming = WARMUP_SECONDS > 0
        elapsed = self.get_run_time() - WARMUP_SECONDS
        step = -1 if elapsed < 0 else int(elapsed // STEP_SECONDS)
        seen = len(STEPS_SEEN.steps) - warming  # measured steps started so far
        if step >= len(STEPS) or (step >= seen > 0 and STEPS_SEEN.p99() > STOP_P99_MS):
            return None
        if warming and not STEPS_SEEN.steps:
            STEPS_SEEN.start(WARMUP_USERS, warmup=True)
        if 0 <= step and step >= seen:
            STEPS_SEEN.close()
            STEPS_SEEN.start(STEPS[step])
        users = WARMUP_USERS if step < 0 else STEPS[step]
        return users, max(users, 10)
