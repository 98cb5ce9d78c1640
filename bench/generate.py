"""Deterministic generator of realistic incident notes for benchmarks (never committed).

Notes are 200 bytes to 4 KB of terse police narrative; about 5 % carry indicator
phrases in varied forms, some of them negated or about someone else.

    python bench/generate.py OUT_DIR --mb 100        # writes notes-100mb.jsonl and .csv
"""

from __future__ import annotations

import argparse
import csv
import json
import random
from pathlib import Path

OPENERS = [
    "R/O responded to {place} ref a {call}.",
    "Officers dispatched to {place} for a {call}.",
    "RP called to report a {call} at {place}.",
    "On {day} at approx {time} hrs R/O was flagged down near {place} regarding a {call}.",
    "Follow-up to case {case}, {call} at {place}.",
]
SUBJECTS = [
    "V1",
    "V2",
    "S1",
    "S2",
    "RP",
    "W1",
    "the driver",
    "the caller",
    "the tenant",
    "the clerk",
    "the neighbor",
    "the cashier",
    "the passenger",
    "the complainant",
    "the juvenile's aunt",
    "the security guard",
    "the homeowner",
    "the bartender",
]
VERBS = [
    "stated",
    "reported",
    "advised",
    "told R/O",
    "explained",
    "confirmed",
    "admitted",
    "claimed",
    "indicated",
    "mentioned",
    "insisted",
    "recalled",
]
EVENTS = [
    "the {item} was taken from the {spot} sometime after {time} hrs",
    "they argued about {topic} before the {item} was thrown",
    "{who2} left in a {color} {vehicle} heading {dir} on {road}",
    "the {spot} door was unlocked when {who2} arrived",
    "{who2} had been drinking at {venue} since about {time}",
    "the damage to the {item} was estimated at ${amount}",
    "a {color} {vehicle} with {state} plates was parked near the {spot}",
    "{who2} had a prior dispute with the {relation} over {topic}",
    "the {relation} was not home at the time of the incident",
    "{who2} agreed to stay at a {relation}'s residence for the night",
    "the music was turned down after the first warning",
    "the {item} was recovered in the {spot} and returned",
    "{who2} wanted the incident documented for {topic} purposes",
    "{who2} was upset about {topic} and raised voices",
    "the video from the {spot} camera shows {who2} near the {item}",
    "{who2} works {shift} shifts at {venue}",
]
ITEMS = [
    "laptop",
    "bicycle",
    "wallet",
    "tv",
    "cell phone",
    "purse",
    "toolbox",
    "mailbox",
    "window",
    "fence",
    "side mirror",
    "package",
    "gaming console",
    "speaker",
    "lawn mower",
    "space heater",
    "cooler",
    "generator",
    "ladder",
    "backpack",
]
SPOTS = [
    "garage",
    "kitchen",
    "front porch",
    "back yard",
    "lobby",
    "stairwell",
    "break room",
    "loading dock",
    "parking lot",
    "driveway",
    "laundry room",
    "hallway",
]
TOPICS = [
    "the electric bill",
    "custody exchange times",
    "a parking space",
    "noise",
    "a borrowed car",
    "a dog barking",
    "a broken lease",
    "child support",
    "a tab at the bar",
    "property lines",
    "a group chat",
    "a fender bender",
    "a returned item",
    "trash bins",
]
COLORS = ["white", "black", "silver", "red", "blue", "gray", "green", "tan", "maroon"]
VEHICLES = ["sedan", "pickup", "minivan", "SUV", "hatchback", "box truck", "motorcycle"]
DIRS = ["northbound", "southbound", "eastbound", "westbound"]
ROADS = ["[ROAD]", "[HWY]", "[BLVD]", "Main St", "the frontage road", "County Rd [NUM]"]
VENUES = [
    "[BAR]",
    "the bowling alley",
    "[RESTAURANT]",
    "the warehouse",
    "[STORE]",
    "the gas station",
    "the call center",
    "the hospital",
    "the auto shop",
]
RELATIONS = [
    "brother",
    "sister",
    "cousin",
    "roommate",
    "ex-wife",
    "ex-husband",
    "landlord",
    "coworker",
    "stepfather",
    "girlfriend",
    "boyfriend",
    "uncle",
]
SHIFTS = ["morning", "overnight", "weekend", "split", "evening"]
STATES = ["in-state", "out-of-state", "temporary", "expired"]
CLOSERS = [
    "Both parties were advised of civil options.",
    "Case referred to CID for follow-up.",
    "No further action at this time.",
    "Report taken for documentation only.",
    "S1 was cited and released.",
    "Scene cleared at {time} hrs.",
    "Supervisor notified.",
    "Body cam footage uploaded.",
    "Property receipt issued.",
    "Victim services card provided.",
]


def filler(rng: random.Random, fill: dict[str, str]) -> str:
    """One ordinary narrative sentence with varied vocabulary."""
    slots = {
        "item": rng.choice(ITEMS),
        "spot": rng.choice(SPOTS),
        "topic": rng.choice(TOPICS),
        "color": rng.choice(COLORS),
        "vehicle": rng.choice(VEHICLES),
        "dir": rng.choice(DIRS),
        "road": rng.choice(ROADS),
        "venue": rng.choice(VENUES),
        "who2": rng.choice(SUBJECTS),
        "relation": rng.choice(RELATIONS),
        "shift": rng.choice(SHIFTS),
        "state": rng.choice(STATES),
        "amount": str(rng.randint(40, 2400)),
        "time": fill["time"],
    }
    if rng.random() < 0.15:
        return rng.choice(CLOSERS).format(**slots)
    event = rng.choice(EVENTS).format(**slots)
    return f"{rng.choice(SUBJECTS)} {rng.choice(VERBS)} that {event}.".capitalize()


SIGNS = [
    "V stated mgr has her ppt and won't give it back.",
    "docs held by boss 'for safekeeping'.",
    "V said she owes $4,000 for the trip and the amount keeps going up.",
    "V not allowed to leave the house without the boyfriend.",
    "Workers sleep at the job site and are driven to work by the crew leader.",
    "V hands all the money from dates to S1 every night.",
    "S1 threatened to call immigration if she complained about pay.",
    "Juv 15 y/o located in rm 214, two phones and key cards on the bed.",
    "V works 14 hrs a day 7 days a week and has not been paid.",
    "El patrón tiene su pasaporte y no la deja salir.",
]
NEGATED = [
    "V denies anyone holds her ID and says she comes and goes freely.",
    "Officers seized the suspect's passport as evidence.",
    "V is afraid he might take her passport if she leaves.",
]
PLACES = [
    "[ADDRESS]",
    "the motel on [BLVD]",
    "[BUSINESS] parking lot",
    "a farm on [ROAD]",
    "apt 3B at [ADDRESS]",
    "the truck stop off [HWY]",
]
CALLS = [
    "domestic disturbance",
    "noise complaint",
    "theft",
    "traffic stop",
    "wage dispute",
    "welfare check",
    "assault",
    "trespass",
    "suspicious vehicle",
    "prostitution complaint",
]
OFFENCES = [
    "domestic_abuse",
    "other",
    "other",
    "traffic_stop",
    "labour_dispute",
    "other",
    "assault",
    "other",
    "traffic_stop",
    "prostitution",
]


def note(rng: random.Random, number: int) -> dict[str, str]:
    call = rng.randrange(len(CALLS))
    fill = {
        "place": rng.choice(PLACES),
        "call": CALLS[call],
        "day": f"0{rng.randint(1, 9)}/1{rng.randint(0, 9)}",
        "time": f"{rng.randint(0, 23):02d}{rng.randint(0, 59):02d}",
        "case": f"{rng.randint(10, 26)}-{rng.randint(100000, 999999)}",
    }
    target = int(rng.lognormvariate(6.6, 0.6))
    target = max(200, min(4000, target))
    parts = [rng.choice(OPENERS).format(**fill)]
    if rng.random() < 0.05:
        parts.insert(rng.randint(0, 1), rng.choice(SIGNS))
    if rng.random() < 0.03:
        parts.append(rng.choice(NEGATED))
    while sum(len(p) + 1 for p in parts) < target:
        parts.append(filler(rng, fill))
    text = " ".join(parts)[:4000]
    return {
        "id": f"B{number:08d}",
        "date": f"2024-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}",
        "offence": OFFENCES[call],
        "text": text,
    }


def generate(out: Path, megabytes: float, seed: int = 7) -> tuple[Path, Path]:
    """Write JSONL and CSV files of about ``megabytes`` MB; return their paths."""
    out.mkdir(parents=True, exist_ok=True)
    stem = f"notes-{megabytes:g}mb"
    jsonl, csv_path = out / f"{stem}.jsonl", out / f"{stem}.csv"
    if jsonl.exists() and csv_path.exists():
        return jsonl, csv_path
    rng = random.Random(seed)
    limit = int(megabytes * 1_000_000)
    written = 0
    with (
        jsonl.open("w", encoding="utf-8") as j,
        csv_path.open("w", encoding="utf-8", newline="") as c,
    ):
        writer = csv.writer(c)
        writer.writerow(["id", "date", "offence", "text"])
        number = 0
        while written < limit:
            row = note(rng, number)
            line = json.dumps(row, ensure_ascii=False) + "\n"
            j.write(line)
            writer.writerow([row["id"], row["date"], row["offence"], row["text"]])
            written += len(line.encode("utf-8"))
            number += 1
    return jsonl, csv_path


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("out", type=Path)
    parser.add_argument("--mb", type=float, default=10)
    args = parser.parse_args()
    for path in generate(args.out, args.mb):
        print(path)


if __name__ == "__main__":
    main()
